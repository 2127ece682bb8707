"""Creative work and its judging: submissions with their photos, reviews, point adjustments."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from checkpoints.timeutil import utc_now
from quizengine.extensions import db
from quizengine.models.types import UTCDateTime

if TYPE_CHECKING:
    from quizengine.models.event import Participant, Team
    from quizengine.models.organizer import Organizer
    from quizengine.models.play import Attempt


class SubmissionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"  # the team may submit again while time is left
    DISQUALIFIED = "disqualified"


class Submission(db.Model):
    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("attempt_id", "idem_key"),
        CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'disqualified')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempt.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    idem_key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=SubmissionStatus.PENDING.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attempt: Mapped[Attempt] = relationship(back_populates="submissions")
    participant: Mapped[Participant] = relationship()
    files: Mapped[list[SubmissionFile]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="SubmissionFile.id"
    )
    reviews: Mapped[list[Review]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="Review.id"
    )


class SubmissionFile(db.Model):
    """A re-encoded photo kept under UPLOAD_DIR as ``stored_name`` (random, never user-given)."""

    __tablename__ = "submission_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40), default="image/jpeg")
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))

    submission: Mapped[Submission] = relationship(back_populates="files")


class Review(db.Model):
    """One judge's verdict on one submission; a judge revising it updates the same row."""

    __tablename__ = "review"
    __table_args__ = (
        UniqueConstraint("submission_id", "judge_id"),
        CheckConstraint("points >= 0", name="points"),
        CheckConstraint("verdict IN ('approve', 'reject')", name="verdict"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    judge_id: Mapped[int] = mapped_column(ForeignKey("organizer.id", ondelete="CASCADE"))
    verdict: Mapped[str] = mapped_column(String(8))
    points: Mapped[int] = mapped_column(default=0)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    submission: Mapped[Submission] = relationship(back_populates="reviews")
    judge: Mapped[Organizer] = relationship()


class Adjustment(db.Model):
    """Manual points (+/-) for a team or a participant, with a reason; ``key`` makes applying
    the same adjustment twice (double click, two organizers) a no-op."""

    __tablename__ = "adjustment"
    __table_args__ = (
        UniqueConstraint("event_id", "key"),
        CheckConstraint("team_id IS NOT NULL OR participant_id IS NOT NULL", name="who"),
        CheckConstraint("reason <> ''", name="reason"),
        # The leaderboard finds the adjustments a score version added (services/score_version).
        Index("ix_adjustment_event_scored", "event_id", "scored_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE")
    )
    points: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(String(64))
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizer.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # The score version that added or changed it (see attempt.scored_version).
    scored_version: Mapped[int | None] = mapped_column(BigInteger)

    team: Mapped[Team | None] = relationship()
    participant: Mapped[Participant | None] = relationship()
