"""Migration 0010 adds ``ix_attempt_event_answered`` to a database that already holds answers,
and goes down and up again (on the run's database kind, in a scratch database or schema of
its own); an event's sum reads the same points with and without it."""

from __future__ import annotations

from flask_migrate import upgrade

from quizengine import create_app
from quizengine.extensions import db
from quizengine.models import Event
from quizengine.services import leaderboard
from tests.app.migration_support import index_round_trip
from tests.app.test_live_support import attempt
from tests.builders import at, make_event, make_participant, make_task, make_team


def test_the_index_comes_with_0010_and_goes_down_and_up(scratch_uri):
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

        def points() -> list[tuple[int, int]]:
            leaderboard._CACHE.clear()  # each read sums the event anew
            standings = leaderboard.team_standings(db.session.get(Event, event_id))
            return [(s.points, s.tasks_done) for s in standings]

        read = index_round_trip("0009", "0010", {"ix_attempt_event_answered": True}, points)
        assert read == [(95, 1), (80, 2)]
        db.session.remove()
        db.engine.dispose()
