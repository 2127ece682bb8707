"""Builders for test data: events, teams, participants, checkpoints and tasks, with defaults.

Each builder adds to the session and flushes (ids are set); the caller commits when it needs to.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any

from werkzeug.security import generate_password_hash

from checkpoints.codes import new_join_code, new_public_code, new_secret
from checkpoints.timeutil import utc_now
from quizengine.extensions import db
from quizengine.models import (
    Checkpoint,
    Event,
    EventRole,
    Organizer,
    Participant,
    Task,
    Team,
)

_seq = count(1)

# Balai Kota Malang, the checkpoint of the DESIGN.md example.
MALANG = (-7.97713, 112.63400)


def make_event(**kw: Any) -> Event:
    n = next(_seq)
    now = utc_now()
    values: dict[str, Any] = {
        "slug": f"event-{n}",
        "title": f"Event {n}",
        "timezone": "Asia/Jakarta",
        "starts_at": now - timedelta(hours=1),
        "ends_at": now + timedelta(hours=9),
        "language": "en",
        "mode": "team",
        "status": "live",
        "radius_m": 50.0,
        "speed_weight": 0.5,
    }
    values.update(kw)
    event = Event(**values)
    db.session.add(event)
    db.session.flush()
    return event


def make_team(event: Event, name: str | None = None) -> Team:
    team = Team(event=event, name=name or f"Team {next(_seq)}", join_code=new_join_code())
    db.session.add(team)
    db.session.flush()
    return team


def make_participant(
    event: Event, team: Team | None = None, name: str | None = None, **kw: Any
) -> Participant:
    p = Participant(
        event=event,
        team=team,
        name=name or f"Player {next(_seq)}",
        login_token=new_secret(),
        **kw,
    )
    db.session.add(p)
    db.session.flush()
    return p


def make_checkpoint(
    event: Event, lat: float = MALANG[0], lon: float = MALANG[1], **kw: Any
) -> Checkpoint:
    n = next(_seq)
    values: dict[str, Any] = {
        "key": f"cp{n}",
        "code": new_public_code(),
        "name": f"Checkpoint {n}",
        "instructions": "",
        "lat": lat,
        "lon": lon,
        "radius_m": None,
        "position": n,
    }
    values.update(kw)
    cp = Checkpoint(event=event, **values)
    db.session.add(cp)
    db.session.flush()
    return cp


def make_task(event: Event, checkpoint: Checkpoint | None = None, **kw: Any) -> Task:
    values: dict[str, Any] = {
        "kind": "choice",
        "prompt": "In which year was the Tugu monument inaugurated?",
        "choices": ["1946", "1953", "1962"],
        "answer": "1953",
        "time_limit_s": 90,
        "points": 100,
        "position": next(_seq),
    }
    values.update(kw)
    task = Task(event=event, checkpoint=checkpoint, **values)
    db.session.add(task)
    db.session.flush()
    return task


def make_organizer(
    email: str | None = None, password: str = "correct horse", **kw: Any
) -> Organizer:
    org = Organizer(email=email or f"org{next(_seq)}@example.org", name="Org", **kw)
    # A cheap hash: the real one (scrypt) costs ~50 ms of CPU per call, for nothing in tests.
    org.password_hash = generate_password_hash(password, method="pbkdf2:sha256:1000")
    db.session.add(org)
    db.session.flush()
    return org


def grant(organizer: Organizer, event: Event, role: str = "owner") -> EventRole:
    r = EventRole(event=event, organizer=organizer, role=role)
    db.session.add(r)
    db.session.flush()
    return r


def at(event: Event, minutes: float) -> datetime:
    """A moment ``minutes`` after the event's start."""
    return event.starts_at + timedelta(minutes=minutes)
