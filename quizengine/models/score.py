"""The score version of an event: changes whenever anything that counts for points changes.

It is not a score (the leaderboard is always a sum over attempts, reviews and adjustments);
it only tells every worker and host whether a cached sum is still the sum. ``epoch`` is random
per row, so a reused event id never matches an old cache entry. ``full_version`` is the last
version whose change was more than answered questions (reviews, adjustments, team moves,
task edits...): from a sum cached at a version at or after it, only the teams and participants
of the attempts stamped with a later ``attempt.scored_version`` need summing again.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from quizengine.extensions import db


class ScoreVersion(db.Model):
    __tablename__ = "score_version"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    epoch: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(BigInteger, default=1)
    full_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # How many narrow versions there were: a version bumped by code that stamps nothing (a
    # worker of an older release during a rolling restart) is neither full nor counted here,
    # and the leaderboard then sums anew instead of advancing past it.
    narrow_count: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
