"""What the authoring services refuse with: bad input naming its form field, and deletions of
things participants already played with.

The authoring use cases live in their own modules: ``event_settings`` (the event),
``people`` (teams and participants), ``participant_import`` (participants from CSV),
``places`` (checkpoints) and ``tasks``. Each adds to the session, flushes and audits every
change (who, what, before/after); the view commits once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select

from quizengine.extensions import db


class AuthoringError(ValueError):
    """Input the service refuses; ``field`` is the form field it belongs to ('' = whole form)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


class InUse(ValueError):
    """A deletion refused because participants already played with the thing."""


def any_row(*conditions: ColumnElement[bool]) -> bool:
    """Does any row match any of ``conditions`` (one ``exists`` each), in one query?"""
    return bool(db.session.scalar(select(or_(*(exists().where(c) for c in conditions)))))


def next_position(column: Any, event_id: int) -> int:
    """The position after the last one of the event's rows (0 for the first row)."""
    table = column.class_
    return db.session.scalar(
        select(func.coalesce(func.max(column), -1) + 1).where(table.event_id == event_id)
    )


def first_free(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``... whichever is not ``taken`` first."""
    name, n = wanted, 2
    while name in taken:
        name, n = f"{wanted}-{n}", n + 1
    return name
