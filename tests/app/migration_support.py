"""An index migration taken up, down and up again on a database that already holds rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_migrate import downgrade, upgrade

from quizengine.database import has_index
from quizengine.extensions import db

T = TypeVar("T")


def index_round_trip(old: str, new: str, indexes: dict[str, bool], read: Callable[[], T]) -> T:
    """From ``old`` (where the caller wrote its rows) up to ``new``, down and up again: each
    index named in ``indexes`` exists at ``new`` when its value is True, at ``old`` when it
    is False, and ``read()`` gives at every step what it gave at ``old``, which is returned
    for the caller to check. Nothing stays open while a migration takes the database."""
    at_old = {name: not there for name, there in indexes.items()}

    def state() -> tuple[dict[str, bool], T]:
        conn = db.session.connection()
        found = {name: has_index(conn, name) for name in indexes}
        value = read()
        db.session.commit()
        return found, value

    found, before = state()
    assert found == at_old
    for migrate, expected in (
        (lambda: upgrade(revision=new), indexes),
        (lambda: downgrade(revision=old), at_old),
        (lambda: upgrade(revision=new), indexes),
    ):
        migrate()
        assert state() == (expected, before)
    return before
