"""Migration 0011 replaces ``ix_checkin_team_id`` with the two access indexes of check-ins in a
database that already holds check-ins, and goes down and up again (on the run's database
kind, in a scratch database or schema of its own); who may open a checkpoint's tasks is the
same before, between and after."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade

from quizengine import create_app
from quizengine.database import has_index
from quizengine.extensions import db
from quizengine.models import Checkpoint, Participant
from quizengine.services.checkins import has_access
from tests.app.test_live_support import checkin
from tests.app.test_migration_flagged import scratch_uri  # noqa: F401 (a fixture)
from tests.builders import at, make_checkpoint, make_event, make_participant, make_team

NEW = ("ix_checkin_team_checkpoint", "ix_checkin_participant_checkpoint")
OLD = "ix_checkin_team_id"


def _indexes() -> tuple[bool, ...]:
    conn = db.session.connection()
    found = tuple(has_index(conn, name) for name in (*NEW, OLD))
    db.session.commit()
    return found


def _access(ids: list[int], cp_ids: list[int]) -> list[bool]:
    people = [db.session.get(Participant, i) for i in ids]
    places = [db.session.get(Checkpoint, i) for i in cp_ids]
    found = [has_access(p, cp) for p in people for cp in places if p and cp]
    db.session.commit()  # nothing open while a migration takes the database
    return found


def test_the_access_indexes_come_with_0011_and_go_down_and_up(scratch_uri):  # noqa: F811
    app = create_app({"SQLALCHEMY_DATABASE_URI": scratch_uri, "SECRET_KEY": "migrate"})
    with app.app_context():
        upgrade(revision="0010")
        event = make_event()
        red, blue = make_team(event, "Red"), make_team(event, "Blue")
        ana, rio = make_participant(event, red, "Ana"), make_participant(event, red, "Rio")
        budi = make_participant(event, blue, "Budi")
        north, south = make_checkpoint(event, name="North"), make_checkpoint(event, name="South")
        checkin(event, north, at(event, 1), ana)  # opens North to Red
        checkin(event, south, at(event, 2), budi, accepted=False)  # too far: opens nothing
        checkin(event, south, at(event, 3), team_id=blue.id)  # an organizer's, for Blue
        db.session.commit()
        ids, cp_ids = [ana.id, rio.id, budi.id], [north.id, south.id]
        assert _indexes() == (False, False, True)
        before = _access(ids, cp_ids)
        assert before == [True, False, True, False, False, True]
        upgrade(revision="0011")
        assert _indexes() == (True, True, False)
        assert _access(ids, cp_ids) == before
        downgrade(revision="0010")
        assert _indexes() == (False, False, True)
        upgrade(revision="0011")
        assert _indexes() == (True, True, False)
        assert _access(ids, cp_ids) == before
        db.session.remove()
        db.engine.dispose()
