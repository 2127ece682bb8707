"""The event aggregate: an event, its teams and its participants."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from checkpoints.timeutil import utc_now
from quizengine.extensions import db
from quizengine.models.types import UTCDateTime

if TYPE_CHECKING:
    from quizengine.models.organizer import EventRole
    from quizengine.models.place import Checkpoint, Task


class Mode(StrEnum):
    TEAM = "team"
    INDIVIDUAL = "individual"


class Status(StrEnum):
    DRAFT = "draft"
    LIVE = "live"
    CLOSED = "closed"


class Event(db.Model):
    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="window"),
        CheckConstraint("mode IN ('team', 'individual')", name="mode"),
        CheckConstraint("status IN ('draft', 'live', 'closed')", name="status"),
        CheckConstraint("language IN ('id', 'en')", name="language"),
        CheckConstraint("speed_weight >= 0 AND speed_weight <= 1", name="speed_weight"),
        CheckConstraint("radius_m > 0", name="radius"),
        CheckConstraint("review_policy IN ('mean', 'last')", name="review_policy"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    language: Mapped[str] = mapped_column(String(8), default="id")
    mode: Mapped[str] = mapped_column(String(16), default=Mode.TEAM.value)
    status: Mapped[str] = mapped_column(String(16), default=Status.LIVE.value)
    radius_m: Mapped[float] = mapped_column(default=50.0)
    speed_weight: Mapped[float] = mapped_column(default=0.5)
    accuracy_cap_m: Mapped[float] = mapped_column(default=100.0)
    max_speed_kmh: Mapped[float] = mapped_column(default=150.0)
    freeze_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    team_code_login: Mapped[bool] = mapped_column(default=False)
    blind_judging: Mapped[bool] = mapped_column(default=False)
    review_policy: Mapped[str] = mapped_column(String(8), default="mean")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    teams: Mapped[list[Team]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Team.id"
    )
    participants: Mapped[list[Participant]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Participant.id"
    )
    checkpoints: Mapped[list[Checkpoint]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Checkpoint.position"
    )
    tasks: Mapped[list[Task]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Task.position"
    )
    roles: Mapped[list[EventRole]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    def is_open(self, now: datetime) -> bool:
        return self.status == Status.LIVE and self.starts_at <= now < self.ends_at


class Team(db.Model):
    __tablename__ = "team"
    __table_args__ = (
        UniqueConstraint("event_id", "name"),
        UniqueConstraint("event_id", "join_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    join_code: Mapped[str] = mapped_column(String(16))

    event: Mapped[Event] = relationship(back_populates="teams")
    members: Mapped[list[Participant]] = relationship(
        back_populates="team", order_by="Participant.id"
    )


class Participant(db.Model):
    """A player. ``login_token`` is the secret in the personal link and badge QR (>= 128 bits)."""

    __tablename__ = "participant"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(200), default="")
    login_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    event: Mapped[Event] = relationship(back_populates="participants")
    team: Mapped[Team | None] = relationship(back_populates="members")
