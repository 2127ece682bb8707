"""Who works on an event: owners add and remove organizers and judges by e-mail (audited)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from quizengine.extensions import db
from quizengine.models import Event, EventRole, Organizer, Role
from quizengine.services import audit

ROLES = (Role.OWNER.value, Role.ORGANIZER.value, Role.JUDGE.value)


class RoleError(ValueError):
    """A role change that cannot be made; the message says why."""


def team_of(event: Event) -> list[EventRole]:
    """The event's roles, owners first, then by e-mail."""
    rows = db.session.scalars(
        select(EventRole)
        .join(Organizer, Organizer.id == EventRole.organizer_id)
        .where(EventRole.event_id == event.id)
        .options(contains_eager(EventRole.organizer))
        .order_by(Organizer.email)
    ).all()
    return sorted(rows, key=lambda r: ROLES.index(r.role))


def grant(event: Event, organizer: Organizer, role: str, *, actor: str) -> EventRole:
    """Give ``organizer`` ``role`` in ``event`` (or change the role they have)."""
    if role not in ROLES:
        raise RoleError(_("unknown role '%(role)s'", role=role))
    current = db.session.scalar(
        select(EventRole).where(
            EventRole.event_id == event.id, EventRole.organizer_id == organizer.id
        )
    )
    before = current.role if current else None
    if current is not None and current.role == Role.OWNER and role != Role.OWNER:
        _keep_an_owner(event, current)
    if current is None:
        current = EventRole(event_id=event.id, organizer_id=organizer.id, role=role)
        db.session.add(current)
    current.role = role
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="role.grant",
        target=f"organizer:{organizer.id}",
        before={"email": organizer.email, "role": before},
        after={"email": organizer.email, "role": role},
    )
    return current


def grant_by_email(event: Event, email: str, role: str, *, actor: str) -> EventRole:
    """Give the existing account with ``email`` a role; no account -> RoleError."""
    wanted = email.strip().lower()
    organizer = db.session.scalar(select(Organizer).where(func.lower(Organizer.email) == wanted))
    if organizer is None:
        raise RoleError(
            _(
                "there is no organizer account for %(email)s; create it first "
                "(flask --app quizengine organizer create EMAIL)",
                email=wanted,
            )
        )
    return grant(event, organizer, role, actor=actor)


def _keep_an_owner(event: Event, leaving: EventRole) -> None:
    owners = db.session.scalar(
        select(func.count())
        .select_from(EventRole)
        .where(EventRole.event_id == event.id, EventRole.role == Role.OWNER.value)
    )
    if leaving.role == Role.OWNER and (owners or 0) <= 1:
        raise RoleError(_("an event needs at least one owner: make someone else owner first"))


def revoke(event: Event, role_id: int, *, actor: str) -> None:
    """Remove a role from the event; the last owner cannot be removed."""
    row = db.session.get(EventRole, role_id)
    if row is None or row.event_id != event.id:
        raise LookupError(role_id)
    _keep_an_owner(event, row)
    audit.record(
        event_id=event.id,
        actor=actor,
        action="role.revoke",
        target=f"organizer:{row.organizer_id}",
        before={"email": row.organizer.email, "role": row.role},
    )
    db.session.delete(row)
    db.session.flush()
