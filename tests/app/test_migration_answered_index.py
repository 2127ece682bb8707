"""Migration 0010 adds ``ix_attempt_event_answered`` to a database that already holds answers,
and goes down and up again (on the run's database kind, in a scratch database or schema of
its own); an event's sum reads the same points with and without it."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade

from quizengine import create_app
from quizengine.database import has_index
from quizengine.extensions import db
from quizengine.services import leaderboard
from tests.app.test_live_support import attempt
from tests.app.test_migration_flagged import scratch_uri  # noqa: F401 (a fixture)
from tests.builders import at, make_event, make_participant, make_task, make_team

INDEX = "ix_attempt_event_answered"


def _has_index() -> bool:
    found = has_index(db.session.connection(), INDEX)
    db.session.commit()
    return found


def _points(event_id: int) -> list[tuple[int, int, int]]:
    from quizengine.models import Event

    event = db.session.get(Event, event_id)
    leaderboard._CACHE.clear()  # each read sums the event anew
    points = [(s.id, s.points, s.tasks_done) for s in leaderboard.team_standings(event)]
    db.session.commit()  # nothing open while a migration takes the database
    return points


def test_the_index_comes_with_0010_and_goes_down_and_up(scratch_uri):  # noqa: F811
    app = create_app({"SQLALCHEMY_DATABASE_URI": scratch_uri, "SECRET_KEY": "migrate"})
    with app.app_context():
        upgrade(revision="0009")
        event = make_event()
        red, blue = make_team(event, "Red"), make_team(event, "Blue")
        ana, budi = make_participant(event, red, "Ana"), make_participant(event, blue, "Budi")
        first, second = make_task(event), make_task(event)
        attempt(first, ana, at(event, 1), at(event, 2), points=80, correct=True)
        attempt(second, ana, at(event, 3), at(event, 4), points=0, correct=False)
        attempt(first, budi, at(event, 5), at(event, 6), points=95, correct=True)
        attempt(second, budi, at(event, 7))  # started, not answered
        db.session.commit()
        event_id = event.id
        assert not _has_index()
        before = _points(event_id)
        assert [(points, done) for _id, points, done in before] == [(95, 1), (80, 2)]
        upgrade(revision="0010")
        assert _has_index()
        assert _points(event_id) == before
        downgrade(revision="0009")
        assert not _has_index()
        upgrade(revision="0010")
        assert _has_index()
        assert _points(event_id) == before
        db.session.remove()
        db.engine.dispose()
