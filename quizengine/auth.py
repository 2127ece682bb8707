"""Who is asking: the participant session (personal link) and the organizer (Flask-Login)."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from flask import request, session
from flask_login import current_user
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from checkpoints.timeutil import utc_now
from quizengine.extensions import db, login
from quizengine.models import Organizer, Participant

SESSION_PARTICIPANT = "participant_id"
SESSION_UNTIL = "participant_until"
_CACHE = "quizengine.participant"


@login.user_loader
def load_organizer(user_id: str) -> Organizer | None:
    kind, _, raw = user_id.partition(":")
    if kind != "organizer" or not raw.isdigit():
        return None
    return db.session.get(Organizer, int(raw))


def log_in_participant(participant: Participant, until: datetime) -> None:
    """Start a participant session that lasts until ``until`` (the end of the event day)."""
    session.clear()
    session.permanent = True
    session[SESSION_PARTICIPANT] = participant.id
    session[SESSION_UNTIL] = until.timestamp()
    request.environ.pop(_CACHE, None)


def log_out_participant() -> None:
    session.pop(SESSION_PARTICIPANT, None)
    session.pop(SESSION_UNTIL, None)
    request.environ.pop(_CACHE, None)


def current_participant() -> Participant | None:
    """The logged-in participant of this request, or None (also once the session expired).

    Cached per request (in the WSGI environ, not in ``g``: an application context, and so
    ``g``, may outlive one request, e.g. in tests)."""
    if _CACHE in request.environ:
        return request.environ[_CACHE]
    participant = None
    pid = session.get(SESSION_PARTICIPANT)
    until = session.get(SESSION_UNTIL)
    if isinstance(pid, int) and isinstance(until, int | float) and utc_now().timestamp() < until:
        participant = db.session.scalars(_participant_by_id(), {"pid": pid}).first()
    request.environ[_CACHE] = participant
    return participant


@cache
def _participant_by_id() -> Select[tuple[Participant]]:
    """The participant by id with their event (the language, the window and every page need
    it): built once per process, not per request (``session.get`` with a loader option builds
    the query anew each time, a third of the cost of the load)."""
    return (
        select(Participant)
        .options(joinedload(Participant.event))
        .where(Participant.id == bindparam("pid"))
    )


def rate_limit_key() -> str:
    """Participant, then organizer, then the client address (only for anonymous requests)."""
    participant = current_participant()
    if participant is not None:
        return f"participant:{participant.id}"
    if current_user.is_authenticated:
        return current_user.get_id()
    return f"ip:{request.remote_addr}"
