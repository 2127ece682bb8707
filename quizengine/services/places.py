"""Authoring checkpoints: position, radius, opening hours; a stable key and a fresh public code
on creation; deletion (with its tasks) refused once someone checked in or answered there."""

from __future__ import annotations

from datetime import time
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from checkpoints.codes import new_public_code, slugify
from quizengine.extensions import db
from quizengine.models import Attempt, CheckIn, Checkpoint, Event, Task
from quizengine.services import audit
from quizengine.services.authoring import AuthoringError, InUse, any_row, first_free, next_position


def _checkpoint_state(cp: Checkpoint) -> dict[str, Any]:
    return {
        "key": cp.key, "code": cp.code, "name": cp.name, "instructions": cp.instructions,
        "lat": cp.lat, "lon": cp.lon, "radius_m": cp.radius_m,
        "opens": cp.opens.isoformat("minutes") if cp.opens else None,
        "closes": cp.closes.isoformat("minutes") if cp.closes else None,
    }  # fmt: skip


def _check_hours(opens: time | None, closes: time | None) -> None:
    # closes before opens means open across midnight (20:00-02:00); equal times are ambiguous.
    if opens is not None and closes is not None and closes == opens:
        raise AuthoringError(
            "closes", _("opens and closes are the same time: leave both empty for always open")
        )


def _unique_key(event: Event, name: str) -> str:
    taken = set(db.session.scalars(select(Checkpoint.key).where(Checkpoint.event_id == event.id)))
    return first_free(slugify(name, max_len=30), taken)


def _fresh_code() -> str:
    while True:
        code = new_public_code()
        if db.session.scalar(select(Checkpoint.id).where(Checkpoint.code == code)) is None:
            return code


def save_checkpoint(
    event: Event, cp: Checkpoint | None, data: dict[str, Any], *, actor: str
) -> Checkpoint:
    """Create (``cp`` None) or update a checkpoint from name, instructions, lat, lon,
    radius_m, opens, closes."""
    _check_hours(data.get("opens"), data.get("closes"))
    before = None
    if cp is None:
        cp = Checkpoint(
            event_id=event.id,
            key=_unique_key(event, data["name"]),
            code=_fresh_code(),
            position=next_position(Checkpoint.position, event.id),
        )
        db.session.add(cp)
    else:
        before = _checkpoint_state(cp)
    for name in ("name", "instructions", "lat", "lon", "radius_m", "opens", "closes"):
        setattr(cp, name, data.get(name))
    cp.instructions = cp.instructions or ""
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="checkpoint.update" if before else "checkpoint.create",
        target=f"checkpoint:{cp.id}",
        before=before,
        after=_checkpoint_state(cp),
    )
    return cp


def checkpoint_played(cp: Checkpoint) -> bool:
    task_ids = select(Task.id).where(Task.checkpoint_id == cp.id)
    return any_row(CheckIn.checkpoint_id == cp.id, Attempt.task_id.in_(task_ids))


def delete_checkpoint(event: Event, cp: Checkpoint, *, actor: str) -> None:
    """Delete a checkpoint and its tasks, unless someone checked in there or answered."""
    if checkpoint_played(cp):
        raise InUse(
            _(
                "'%(name)s' has check-ins or answers: deleting it would erase play data. "
                "Edit it instead (a moved position applies to the next check-ins).",
                name=cp.name,
            )
        )
    before = {**_checkpoint_state(cp), "tasks": [t.id for t in cp.tasks]}
    for task in list(cp.tasks):
        db.session.delete(task)
    db.session.delete(cp)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="checkpoint.delete",
        target=f"checkpoint:{cp.id}",
        before=before,
    )


def preload_checkpoints(event: Event) -> None:
    """Load the event's checkpoints with their tasks onto ``event`` in two queries, for the
    pages that list them all (instead of one query per checkpoint; ``event.tasks`` is then
    one more, its tasks found loaded). Loaded through the event, so they stay in the session
    as long as it does (see ``people.preload_teams``)."""
    db.session.scalars(
        select(Event)
        .where(Event.id == event.id)
        .options(selectinload(Event.checkpoints).selectinload(Checkpoint.tasks))
    ).all()
