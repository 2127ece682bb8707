"""Bump an event's score version in the same transaction as any change that can move points.

A SQLAlchemy ``before_flush`` hook sees every ORM write (answers, reviews, adjustments,
re-scoring, disqualification, team moves, task points), so no service can forget it; the
leaderboard cache keys on (event, epoch, version) and is therefore never stale after a commit,
in any worker or host. Writes that bypass the ORM (bulk SQL) must call ``bump`` themselves.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from quizengine.models import (
    Adjustment,
    Attempt,
    Event,
    Participant,
    Review,
    ScoreVersion,
    Submission,
    Task,
    Team,
)

# Event: its review policy (mean/last) changes creative points. Team and Participant: their
# names are on the ranked boards the leaderboard also caches under the version.
TRACKED = (Attempt, Review, Adjustment, Submission, Participant, Team, Task, Event)
# Attempt columns that count; a new, unanswered attempt (a start) changes no score.
ATTEMPT_SCORING = ("points", "answered_at", "status", "team_id", "answered_by_id", "participant_id")

PENDING = "quizengine.score_version.pending"

_UPSERT = text(
    "INSERT INTO score_version (event_id, epoch, version) VALUES (:event_id, :epoch, 1) "
    "ON CONFLICT (event_id) DO UPDATE SET version = score_version.version + 1"
)


def bump(session: Session, event_id: int) -> None:
    session.execute(_UPSERT, {"event_id": event_id, "epoch": secrets.token_hex(16)})


def of(session: Session, event_id: int) -> tuple[str, int]:
    """The version to key caches on: no row yet (no points-changing ORM write yet, e.g. an
    event bulk-loaded with SQL) is a state of its own, version 0."""
    return current(session, event_id) or ("", 0)


def current(session: Session, event_id: int) -> tuple[str, int] | None:
    row = session.execute(
        select(ScoreVersion.epoch, ScoreVersion.version).where(ScoreVersion.event_id == event_id)
    ).first()
    return (row[0], row[1]) if row else None


def _event_id(session: Session, obj: Any) -> int | None:
    if isinstance(obj, Event):
        return obj.id
    if isinstance(obj, Review):
        if obj.submission is not None:
            return obj.submission.event_id
        return session.scalar(select(Submission.event_id).where(Submission.id == obj.submission_id))
    return obj.event_id


def _counts(session: Session, obj: Any) -> bool:
    if isinstance(obj, Event):
        return obj in session.dirty and session.is_modified(obj, include_collections=False)
    if obj in session.new:
        return not isinstance(obj, Attempt) or obj.answered_at is not None
    if obj in session.deleted:
        return True
    if not session.is_modified(obj, include_collections=False):
        return False
    if isinstance(obj, Attempt):
        state = obj.__dict__.get("_sa_instance_state")
        return any(state.attrs[name].history.has_changes() for name in ATTEMPT_SCORING)
    return True


@event.listens_for(Session, "before_flush")
def _bump_changed_events(session: Session, _ctx: Any, _instances: Any) -> None:
    changed: set[int] = set()
    with session.no_autoflush:
        for obj in (*session.new, *session.dirty, *session.deleted):
            if isinstance(obj, TRACKED) and _counts(session, obj):
                event_id = _event_id(session, obj)
                if event_id is not None:
                    changed.add(event_id)
        for event_id in sorted(changed):  # one lock order for every transaction
            bump(session, event_id)
    if changed:
        session.info[PENDING] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session: Session) -> None:
    session.info.pop(PENDING, None)


def pending(session: Session) -> bool:
    """Has this session's open transaction changed points? Then what it reads is not what
    other sessions see under the same version, and must not be cached."""
    return bool(session.info.get(PENDING)) or bool(session.new or session.dirty or session.deleted)
