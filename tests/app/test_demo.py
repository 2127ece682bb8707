"""`flask demo` (what `make run` calls) prepares a playable event and an organizer, repeatably."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from checkpoints.timeutil import utc_now
from quizengine.extensions import db
from quizengine.models import Event, EventRole, Organizer, Participant


def test_demo_imports_the_event_and_prints_logins(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    out = result.output
    login = re.search(r"/organize/login\s+(\S+@\S+) / (\S+)", out)
    assert login, out
    links = re.findall(r"https://quiz\.example\.org/in/([\w-]+)", out)
    assert len(links) == 3
    assert len(re.findall(r"https://quiz\.example\.org/c/\w+", out)) == 3
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == "demo"))
        assert event is not None and event.is_open(utc_now())
        organizer = db.session.scalar(select(Organizer).where(Organizer.email == login[1]))
        assert organizer.check_password(login[2])
        assert (
            db.session.scalar(select(EventRole.role).where(EventRole.organizer_id == organizer.id))
            == "owner"
        )
        tokens = set(db.session.scalars(select(Participant.login_token)))
        assert set(links) <= tokens


def test_demo_twice_keeps_one_event_and_one_organizer(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Event.id))) == 1
        assert db.session.scalar(select(func.count(Organizer.id))) == 1
        assert db.session.scalar(select(func.count(EventRole.id))) == 1
