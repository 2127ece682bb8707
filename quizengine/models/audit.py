"""The audit log: who changed what, when, why, with the state before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from checkpoints.timeutil import utc_now
from quizengine.extensions import db
from quizengine.models.types import JSONType, UTCDateTime


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_event_created", "event_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(80))  # "organizer:3 a@b.c", "cli", "system"
    action: Mapped[str] = mapped_column(String(60))  # "checkin.manual", "adjustment.add", ...
    target: Mapped[str] = mapped_column(String(80), default="")  # "team:4", "task:9"
    reason: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[Any] = mapped_column(JSONType, nullable=True)
    after: Mapped[Any] = mapped_column(JSONType, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
