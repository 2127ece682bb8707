"""Checkpoints (real places with a geofence and a public short code) and the tasks they hold."""

from __future__ import annotations

from datetime import time
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizengine.extensions import db
from quizengine.models.types import JSONType

if TYPE_CHECKING:
    from quizengine.models.event import Event


class Checkpoint(db.Model):
    __tablename__ = "checkpoint"
    __table_args__ = (
        UniqueConstraint("event_id", "key"),
        CheckConstraint("lat >= -90 AND lat <= 90", name="lat"),
        CheckConstraint("lon >= -180 AND lon <= 180", name="lon"),
        CheckConstraint("radius_m IS NULL OR radius_m > 0", name="radius"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    # The public short code printed on the sheet; unique across all events since /c/<code>
    # carries no event.
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    lat: Mapped[float]
    lon: Mapped[float]
    radius_m: Mapped[float | None]
    opens: Mapped[time | None] = mapped_column(Time)  # local time of day, event's zone
    closes: Mapped[time | None] = mapped_column(Time)
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="checkpoints")
    tasks: Mapped[list[Task]] = relationship(back_populates="checkpoint", order_by="Task.position")

    @property
    def effective_radius_m(self) -> float:
        return self.radius_m if self.radius_m is not None else self.event.radius_m


class Kind(StrEnum):
    CHOICE = "choice"
    TEXT = "text"
    NUMBER = "number"
    CREATIVE = "creative"


class Task(db.Model):
    """A question (choice, text, number) or a creative challenge; checkpoint None = anywhere.

    ``answer`` holds the kind's answer spec as JSON: choice -> "1953", text -> ["a", "b"],
    number -> {"value": 1953, "tolerance": 0}; creative -> null.
    """

    __tablename__ = "task"
    __table_args__ = (
        CheckConstraint("kind IN ('choice', 'text', 'number', 'creative')", name="kind"),
        CheckConstraint("points >= 0", name="points"),
        CheckConstraint("time_limit_s > 0", name="time_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    checkpoint_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkpoint.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200), default="")
    prompt: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[str] | None] = mapped_column(JSONType)
    answer: Mapped[Any] = mapped_column(JSONType, nullable=True)
    rubric: Mapped[str] = mapped_column(Text, default="")
    submit: Mapped[str] = mapped_column(String(16), default="photo_text")
    time_limit_s: Mapped[int]
    points: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="tasks")
    checkpoint: Mapped[Checkpoint | None] = relationship(back_populates="tasks")

    @property
    def is_creative(self) -> bool:
        return self.kind == Kind.CREATIVE
