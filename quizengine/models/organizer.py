"""Organizer accounts (people who run events) and their role in each event."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from checkpoints.timeutil import utc_now
from quizengine.extensions import db
from quizengine.models.types import UTCDateTime

if TYPE_CHECKING:
    from quizengine.models.event import Event


class Role(StrEnum):
    OWNER = "owner"
    ORGANIZER = "organizer"
    JUDGE = "judge"


class Organizer(UserMixin, db.Model):
    __tablename__ = "organizer"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    roles: Mapped[list[EventRole]] = relationship(
        back_populates="organizer", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        return f"organizer:{self.id}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class EventRole(db.Model):
    """What one organizer may do in one event: owner, organizer, or judge (reviews only)."""

    __tablename__ = "event_role"
    __table_args__ = (
        UniqueConstraint("event_id", "organizer_id"),
        CheckConstraint("role IN ('owner', 'organizer', 'judge')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizer.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))

    organizer: Mapped[Organizer] = relationship(back_populates="roles")
    event: Mapped[Event] = relationship(back_populates="roles")
