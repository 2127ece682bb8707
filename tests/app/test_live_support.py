"""Shared helpers (no tests) for the organizer-operations tests: rows the participant side
would write (attempts, check-ins, submissions, reviews) and logging a client in."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any

from flask import g, has_app_context

from quizengine.extensions import db
from quizengine.models import (
    Attempt,
    CheckIn,
    Checkpoint,
    Event,
    EventRole,
    Organizer,
    Participant,
    Review,
    Submission,
    Task,
    owner_key,
)


def attempt(
    task: Task,
    who: Participant,
    started: datetime,
    answered: datetime | None = None,
    *,
    answer: Any = None,
    correct: bool | None = None,
    points: int = 0,
    status: str | None = None,
) -> Attempt:
    event = task.event
    a = Attempt(
        event_id=event.id,
        task_id=task.id,
        owner=owner_key(who.team_id, who.id, event.mode == "team"),
        team_id=who.team_id,
        participant_id=who.id,
        started_at=started,
        deadline=started + timedelta(seconds=task.time_limit_s),
        answer=answer,
        answered_at=answered,
        answered_by_id=who.id if answered else None,
        correct=correct,
        points=points,
        status=status or ("answered" if answered else "running"),
    )
    db.session.add(a)
    db.session.flush()
    return a


def submission(
    att: Attempt, who: Participant, at: datetime, *, status: str = "pending", text: str = ""
) -> Submission:
    att.status = "submitted"
    s = Submission(
        event_id=att.event_id,
        attempt_id=att.id,
        participant_id=who.id,
        idem_key=f"k{att.id}-{at.timestamp()}",
        text=text,
        status=status,
        created_at=at,
    )
    db.session.add(s)
    db.session.flush()
    return s


def review(
    sub: Submission, judge: Organizer, points: int, at: datetime, verdict: str = "approve"
) -> Review:
    r = Review(
        submission_id=sub.id,
        judge_id=judge.id,
        verdict=verdict,
        points=points,
        created_at=at,
        updated_at=at,
    )
    db.session.add(r)
    db.session.flush()
    return r


def checkin(
    event: Event,
    cp: Checkpoint,
    at: datetime,
    who: Participant | None = None,
    *,
    team_id: int | None = None,
    accepted: bool = True,
    verdict: str | None = None,
    flags: list[dict[str, str]] | None = None,
    distance: float = 12.0,
) -> CheckIn:
    ci = CheckIn(
        event_id=event.id,
        checkpoint_id=cp.id,
        participant_id=who.id if who else None,
        team_id=team_id if team_id is not None else (who.team_id if who else None),
        created_at=at,
        lat=cp.lat,
        lon=cp.lon,
        accuracy_m=8.0,
        distance_m=distance,
        verdict=verdict or ("ok" if accepted else "too_far"),
        accepted=accepted,
        flags=flags or [],
    )
    db.session.add(ci)
    db.session.flush()
    return ci


_judges = count(1)


def judge(event: Event | None = None, role: str = "judge") -> Organizer:
    """An organizer without the slow password hash (tests log in through the session)."""
    org = Organizer(email=f"judge{next(_judges)}-{id(object())}@example.org", password_hash="!")
    db.session.add(org)
    db.session.flush()
    if event is not None:
        db.session.add(EventRole(event_id=event.id, organizer_id=org.id, role=role))
        db.session.flush()
    return org


def _forget_cached_user() -> None:
    """Requests reuse a test's pushed app context, and with it ``g``: drop cached users."""
    if has_app_context():
        g.pop("_login_user", None)
        g.pop("participant", None)


def log_in_organizer(client: Any, organizer: Organizer) -> None:
    _forget_cached_user()
    with client.session_transaction() as sess:
        sess["_user_id"] = organizer.get_id()
        sess["_fresh"] = True


def log_in_player(client: Any, participant: Participant, until: datetime) -> None:
    _forget_cached_user()
    with client.session_transaction() as sess:
        sess["participant_id"] = participant.id
        sess["participant_until"] = until.timestamp()
