"""Who may do what in an event: owner > organizer > judge (judges only review).

An organizer without a role in an event gets 404 for it, never a hint that it exists; a role
too low for the action gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from quizengine.extensions import db
from quizengine.models import Event, EventRole, Role
from quizengine.organize.labels import label

RANK = {Role.JUDGE.value: 0, Role.ORGANIZER.value: 1, Role.OWNER.value: 2}

F = TypeVar("F", bound=Callable[..., Any])


def role_in(event: Event, organizer_id: int) -> str | None:
    return db.session.scalar(
        select(EventRole.role).where(
            EventRole.event_id == event.id, EventRole.organizer_id == organizer_id
        )
    )


def load_event(slug: str, minimum: str = Role.JUDGE.value) -> Event:
    """The event ``slug`` if the logged-in organizer holds at least ``minimum`` in it."""
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    role = role_in(event, current_user.id)
    if role is None:
        abort(404)
    if RANK[role] < RANK[minimum]:
        abort(
            403,
            description=_(
                "Your role in this event (%(role)s) does not allow this.",
                role=label("role", role),
            ),
        )
    g.event, g.role = event, role
    return event


def event_view(minimum: str = Role.JUDGE.value) -> Callable[[F], F]:
    """Decorator for views under /organize/e/<slug>/...: logs in, loads ``event``, checks role.

    The view receives ``event`` instead of ``slug``.
    """

    def decorate(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapper(slug: str, **kwargs: Any) -> Any:
            return view(event=load_event(slug, minimum), **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def actor() -> str:
    """How the audit log names the current organizer."""
    return f"organizer:{current_user.id} {current_user.email}"


def can(minimum: str) -> bool:
    """In a template or view after event_view: does the current role reach ``minimum``?"""
    role = g.get("role")
    return role is not None and RANK[role] >= RANK[minimum]
