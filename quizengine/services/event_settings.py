"""Authoring the event itself: create it (admins; the creator owns it) and change its settings,
window and freeze time (audited; the mode is fixed once participants played)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from checkpoints.codes import slugify
from checkpoints.timeutil import local_to_utc, to_local, zone
from quizengine.extensions import db
from quizengine.models import Attempt, CheckIn, Event, Organizer, Role
from quizengine.services import audit, roles
from quizengine.services.authoring import AuthoringError, any_row
from quizengine.services.events import unique_slug

EVENT_FIELDS = (
    "title", "timezone", "language", "mode", "radius_m", "speed_weight", "accuracy_cap_m",
    "team_code_login", "blind_judging", "review_policy", "status",
)  # fmt: skip


def event_state(event: Event) -> dict[str, Any]:
    """The event's settings as JSON for the audit log (times as local wall-clock strings)."""
    state = {name: getattr(event, name) for name in EVENT_FIELDS}
    state["starts"] = local_naive(event, event.starts_at).isoformat(" ", "minutes")
    state["ends"] = local_naive(event, event.ends_at).isoformat(" ", "minutes")
    freeze = event.freeze_at
    state["freeze"] = local_naive(event, freeze).isoformat(" ", "minutes") if freeze else None
    return state


def local_naive(event: Event, value: datetime) -> datetime:
    """An aware UTC time as the naive wall-clock time in the event's zone (for forms)."""
    return to_local(value, event.timezone).replace(tzinfo=None)


def _apply_event(event: Event, data: dict[str, Any]) -> None:
    try:
        zone(data["timezone"])
    except ValueError:
        raise AuthoringError(
            "timezone",
            _(
                "unknown time zone '%(zone)s': use an IANA name such as Asia/Jakarta",
                zone=data["timezone"],
            ),
        ) from None
    starts = local_to_utc(data["starts"], data["timezone"])
    ends = local_to_utc(data["ends"], data["timezone"])
    if ends <= starts:
        raise AuthoringError("ends", _("the event must end after it starts"))
    freeze = local_to_utc(data["freeze"], data["timezone"]) if data.get("freeze") else None
    if freeze is not None and not starts < freeze <= ends:
        raise AuthoringError("freeze", _("the freeze time must lie inside the event's window"))
    for name in EVENT_FIELDS:
        if name in data:
            setattr(event, name, data[name])
    event.starts_at, event.ends_at, event.freeze_at = starts, ends, freeze


def create_event(data: dict[str, Any], *, creator: Organizer, actor: str) -> Event:
    """A new event from the form's data; only admins create events and the creator owns it."""
    if not creator.is_admin:
        raise PermissionError(_("only admin organizers create events"))
    event = Event(slug=unique_slug(slugify(data["title"])))
    _apply_event(event, data)
    db.session.add(event)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="event.create",
        target=f"event:{event.id}",
        after=event_state(event),
    )
    roles.grant(event, creator, Role.OWNER.value, actor=actor)
    return event


def update_event(event: Event, data: dict[str, Any], *, actor: str) -> None:
    before = event_state(event)
    if data.get("mode") != event.mode and _has_play(event):
        raise AuthoringError("mode", _("participants already played: the mode cannot change now"))
    _apply_event(event, data)
    db.session.flush()
    after = event_state(event)
    if after != before:
        audit.record(
            event_id=event.id,
            actor=actor,
            action="event.update",
            target=f"event:{event.id}",
            before=before,
            after=after,
        )


def _has_play(event: Event) -> bool:
    return any_row(Attempt.event_id == event.id, CheckIn.event_id == event.id)
