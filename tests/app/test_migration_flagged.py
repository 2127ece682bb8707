"""``checkin.flagged``: migration 0009 fills it from the flags of the check-ins a database
already holds, and goes down and up again (on the run's database kind, in a scratch database
(SQLite) or schema (PostgreSQL) of its own); the model keeps it with the flags it is given."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from quizengine import create_app
from quizengine.extensions import db
from quizengine.models import CheckIn
from quizengine.services import live
from tests.builders import make_checkpoint, make_event, make_team


def _checkin(event_id: int, cp_id: int, team_id: int, flags: str) -> None:
    """A check-in as the schema before 0009 holds it (no ``flagged``), its flags JSON text."""
    db.session.execute(
        text(
            "INSERT INTO checkin (event_id, checkpoint_id, team_id, created_at, verdict, "
            "accepted, flags, reason) "
            "VALUES (:e, :c, :t, CURRENT_TIMESTAMP, 'ok', :a, :f, 'manual')"
        ),
        {"e": event_id, "c": cp_id, "t": team_id, "a": True, "f": flags},
    )


def test_flagged_is_filled_from_the_flags_and_the_migration_goes_down_and_up(scratch_uri):
    app = create_app({"SQLALCHEMY_DATABASE_URI": scratch_uri, "SECRET_KEY": "migrate"})
    with app.app_context():
        upgrade(revision="0008")
        event = make_event()
        cp, team = make_checkpoint(event), make_team(event)
        db.session.commit()
        flag = '[{"code": "same_position", "detail": "identical coordinates"}]'
        for flags in ("[]", "null", flag, flag):  # a JSON null: as an older writer may have
            _checkin(event.id, cp.id, team.id, flags)
        db.session.commit()
        upgrade(revision="0009")
        read = text("SELECT flagged FROM checkin ORDER BY id")
        assert [bool(b) for (b,) in db.session.execute(read)] == [False, False, True, True]
        db.session.commit()
        downgrade(revision="0008")
        upgrade(revision="0009")
        assert [bool(b) for (b,) in db.session.execute(read)] == [False, False, True, True]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_the_model_keeps_flagged_with_the_flags_it_is_given(ctx):
    """Set at creation, in the constructor or afterwards, and cleared with the flags; read
    back from the database, and counted by the dashboard as open flags."""
    event = make_event()
    cp, team = make_checkpoint(event), make_team(event)
    flag = [{"code": "same_position", "detail": "identical coordinates"}]
    given = CheckIn(event_id=event.id, checkpoint_id=cp.id, team_id=team.id, verdict="ok")
    given.flags = flag
    rows = [
        CheckIn(event_id=event.id, checkpoint_id=cp.id, team_id=team.id, verdict="ok"),
        CheckIn(event_id=event.id, checkpoint_id=cp.id, team_id=team.id, verdict="ok", flags=flag),
        given,
    ]
    db.session.add_all(rows)
    db.session.commit()
    assert [db.session.scalar(select(CheckIn.flagged).where(CheckIn.id == r.id)) for r in rows] == [
        False,
        True,
        True,
    ]
    given.flags = []
    db.session.commit()
    assert db.session.scalar(select(CheckIn.flagged).where(CheckIn.id == given.id)) is False
    assert live.counts(event)["open_flags"] == 1
