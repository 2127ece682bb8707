"""The score version of an event: changes whenever anything the boards show changes.

It is not a score (the leaderboard is always a sum over attempts, reviews and adjustments);
it only tells every worker and host whether a cached sum is still the sum. ``epoch`` is random
per row, so a reused event id never matches an old cache entry. ``full_version`` is the last
version whose change moved points in a way no stamp describes (a deletion, points moved to
another owner, task points, the review policy): from a sum cached at a version at or after it,
only the teams and participants of the rows stamped with a later ``scored_version`` need
summing again. ``names_version`` is the last that changed the names on the boards;
``kept_count`` counts the full versions that could not move question points.
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
    # The last version that changed the names the boards show (a rename, a new team or
    # participant) or was full: names read before it are read again.
    names_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # How many full versions could not move question points (see services/score_version):
    # across them a cached sum keeps its question part.
    kept_count: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
