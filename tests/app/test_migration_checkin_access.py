"""Migration 0011 replaces ``ix_checkin_team_id`` with the two access indexes of check-ins in a
database that already holds check-ins, and goes down and up again (on the run's database
kind, in a scratch database or schema of its own); who may open a checkpoint's tasks is the
same before, between and after."""

from __future__ import annotations

from flask_migrate import upgrade

from quizengine import create_app
from quizengine.extensions import db
from quizengine.models import Checkpoint, Participant
from quizengine.services.checkins import has_access
from tests.app.migration_support import index_round_trip
from tests.app.test_live_support import checkin
from tests.builders import at, make_checkpoint, make_event, make_participant, make_team

INDEXES = {
    "ix_checkin_team_checkpoint": True,
    "ix_checkin_participant_checkpoint": True,
    "ix_checkin_team_id": False,  # replaced
}


def test_the_access_indexes_come_with_0011_and_go_down_and_up(scratch_uri):
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

        def access() -> list[bool]:
            people = [db.session.get(Participant, i) for i in ids]
            places = [db.session.get(Checkpoint, i) for i in cp_ids]
            return [has_access(p, cp) for p in people for cp in places if p and cp]

        read = index_round_trip("0010", "0011", INDEXES, access)
        assert read == [True, False, True, False, False, True]
        db.session.remove()
        db.engine.dispose()
