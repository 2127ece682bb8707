"""Writing the audit log: every correction says who, when, why, before and after."""

from __future__ import annotations

from typing import Any

from quizengine.extensions import db
from quizengine.models import AuditEntry


def record(
    *,
    event_id: int | None,
    actor: str,
    action: str,
    target: str = "",
    reason: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits)."""
    entry = AuditEntry(
        event_id=event_id,
        actor=actor,
        action=action,
        target=target,
        reason=reason,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry
