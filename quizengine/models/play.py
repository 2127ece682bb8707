"""What participants do: check-ins at checkpoints and attempts at tasks."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from checkpoints.timeutil import utc_now
from quizengine.extensions import db
from quizengine.models.types import JSONType, UTCDateTime

if TYPE_CHECKING:
    from quizengine.models.event import Participant, Team
    from quizengine.models.place import Checkpoint, Task
    from quizengine.models.review import Submission


class CheckIn(db.Model):
    """Every try to check in, accepted or not, with the evidence the verdict was made from.

    A manual check-in by an organizer has ``manual_by_id`` and a ``reason`` and may name only
    a team.
    """

    __tablename__ = "checkin"
    __table_args__ = (
        CheckConstraint("participant_id IS NOT NULL OR team_id IS NOT NULL", name="who"),
        CheckConstraint("manual_by_id IS NULL OR reason <> ''", name="manual_reason"),
        Index("ix_checkin_event_created", "event_id", "created_at"),
        Index("ix_checkin_participant_created", "participant_id", "created_at"),
        # The dashboard's counts of refused check-ins and open flags, read from the index
        # alone (services/live.counts).
        Index("ix_checkin_event_counts", "event_id", "accepted", "flagged", "flag_decision"),
        # Is a checkpoint unlocked for a participant, or their team (services/checkins:
        # _unlocking_checkins)? Read from these indexes alone. With team_id alone indexed,
        # SQLite (no statistics) looked up the checkpoint's check-ins instead, every team's:
        # 0.4-0.55 ms of every checkpoint page, start and answer at 500 teams, against 0.03.
        Index("ix_checkin_team_checkpoint", "team_id", "checkpoint_id", "accepted"),
        Index("ix_checkin_participant_checkpoint", "participant_id", "checkpoint_id", "accepted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    checkpoint_id: Mapped[int] = mapped_column(
        ForeignKey("checkpoint.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE")
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    fix_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    distance_m: Mapped[float | None]
    verdict: Mapped[str] = mapped_column(String(24))
    accepted: Mapped[bool] = mapped_column(default=False)
    flags: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    # Whether ``flags`` holds any, kept by ``_flags_set``: the dashboard counts the open flags
    # of an event's 25,000 check-ins by an index, it no longer reads each one's JSON.
    flagged: Mapped[bool] = mapped_column(default=False, server_default=false())
    flag_decision: Mapped[str | None] = mapped_column(String(16))  # None | cleared | upheld
    manual_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizer.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(Text, default="")

    checkpoint: Mapped[Checkpoint] = relationship()
    participant: Mapped[Participant | None] = relationship()
    team: Mapped[Team | None] = relationship()

    @validates("flags")
    def _flags_set(self, _key: str, value: list[dict[str, str]] | None) -> Any:
        self.flagged = bool(value)
        return value


class AttemptStatus(StrEnum):
    RUNNING = "running"  # started, clock ticking, no answer yet
    ANSWERED = "answered"  # a question answered in time (correct or not)
    LATE = "late"  # a question answered after its deadline: 0 points
    SUBMITTED = "submitted"  # a creative task with at least one submission


def owner_key(team_id: int | None, participant_id: int, team_mode: bool) -> str:
    """The attempt's owner: the team in team mode, the participant in individual mode."""
    if team_mode:
        if team_id is None:
            raise ValueError("a participant without a team cannot play in team mode")
        return f"team:{team_id}"
    return f"participant:{participant_id}"


class Attempt(db.Model):
    """One run at one task by its owner. ``owner`` is NOT NULL and unique per task, so the
    database itself refuses a second attempt per team (team mode) or participant (individual).
    """

    __tablename__ = "attempt"
    __table_args__ = (
        UniqueConstraint("task_id", "owner"),
        CheckConstraint("deadline > started_at", name="deadline"),
        CheckConstraint("points >= 0", name="points"),
        CheckConstraint("status IN ('running', 'answered', 'late', 'submitted')", name="status"),
        Index("ix_attempt_event_team", "event_id", "team_id"),
        # Pages look up the owner's attempts (team or participant) on every request.
        Index("ix_attempt_event_owner", "event_id", "owner"),
        # The leaderboard finds the attempts a score version changed (services/score_version).
        Index("ix_attempt_event_scored", "event_id", "scored_version"),
        # The live feed reads the answers of the last minute on every dashboard poll. One
        # column: SQLite (no statistics) took (event_id, answered_at) for a team's score, an
        # event-wide range "answered_at IS NOT NULL" (167 ms for that query, not 0.3).
        Index("ix_attempt_answered_at", "answered_at"),
        # The event's judged creative points walk its submitted attempts (a few in a hundred):
        # PostgreSQL otherwise hashes every attempt of the event to join 2,500 submissions.
        Index(
            "ix_attempt_event_submitted",
            "event_id",
            postgresql_where=text("status = 'submitted'"),
            sqlite_where=text("status = 'submitted'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    owner: Mapped[str] = mapped_column(String(40))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=AttemptStatus.RUNNING.value)
    answer: Mapped[Any] = mapped_column(JSONType, nullable=True)
    answer_key: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    correct: Mapped[bool | None]
    points: Mapped[int] = mapped_column(default=0)
    # The score version that last changed this attempt's points, or its submissions' or their
    # reviews' (None: never counted yet); see services/score_version.
    scored_version: Mapped[int | None] = mapped_column(BigInteger)

    task: Mapped[Task] = relationship()
    team: Mapped[Team | None] = relationship()
    participant: Mapped[Participant] = relationship(foreign_keys=[participant_id])
    answered_by: Mapped[Participant | None] = relationship(foreign_keys=[answered_by_id])
    submissions: Mapped[list[Submission]] = relationship(
        back_populates="attempt", order_by="Submission.id"
    )


# An answered attempt: ``attempts.answer`` sets this status with the answer, time and points,
# and refuses a creative task, so services/leaderboard counts these as question answers. The
# statuses are literals: SQLite takes a partial index only for a term that repeats its WHERE
# (a bound parameter does not).
ANSWERED = Attempt.status.in_(
    [literal_column(f"'{status.value}'") for status in (AttemptStatus.ANSWERED, AttemptStatus.LATE)]
)
# Whose points an answer's are: who answered it, else (that participant deleted) who started it.
SCORER = func.coalesce(Attempt.answered_by_id, Attempt.participant_id)

# A leaderboard summed anew groups the event's answers by team and scorer (services/leaderboard,
# with the two expressions above): here they are in that order with all the sum reads, so
# SQLite reads this index alone and sorts nothing (97,500 answers: 126-137 ms for the query,
# about 30 with it; a team race's board summed anew 42-46 ms against 63-66, bench/README).
# Partial on ANSWERED, which only the sum's query repeats: with "answered_at IS NOT NULL",
# which any range on answered_at implies, SQLite (no statistics) scanned the whole index for
# the live feed's answers rather than search ix_attempt_answered_at. PostgreSQL hashes a scan
# of the table instead on the benchmark's one-event database; the index costs its answers
# nothing measurable (bench.index_cost).
Index(
    "ix_attempt_event_answered",
    Attempt.event_id,
    Attempt.team_id,
    SCORER,
    Attempt.points,
    Attempt.answered_at,
    Attempt.answered_by_id,
    Attempt.participant_id,
    Attempt.status,
    postgresql_where=ANSWERED,
    sqlite_where=ANSWERED,
)
