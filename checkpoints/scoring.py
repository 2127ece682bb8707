"""Scoring arithmetic: speed-weighted question points and the combination of judges' reviews."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

REVIEW_POLICIES = ("mean", "last")


def _round_half_up(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def _dec(x: float) -> Decimal:
    # Via the shortest repr, so 0.3 is 3/10 and 15 * (1 - 0.3) gives 10.5, not 10.4999...
    return Decimal(repr(float(x)))


def question_points(
    points: int, speed_weight: float, elapsed_s: float, time_limit_s: float, correct: bool
) -> int:
    """Points for a question answer.

    0 when wrong or when ``elapsed_s > time_limit_s``; otherwise
    points * (1 - speed_weight * elapsed / time_limit), rounded half up (exact decimal
    arithmetic), with elapsed clamped at >= 0. An answer at exactly the limit still scores
    points * (1 - speed_weight). Raises ValueError for points < 0, speed_weight outside [0, 1],
    time_limit_s <= 0 or a NaN elapsed time.
    """
    if isinstance(points, bool) or int(points) != points or points < 0:
        raise ValueError(f"points must be an integer >= 0, got {points!r}")
    if not 0.0 <= speed_weight <= 1.0:
        raise ValueError(f"speed_weight must be within [0, 1], got {speed_weight!r}")
    if not (math.isfinite(time_limit_s) and time_limit_s > 0):
        raise ValueError(f"time_limit_s must be a finite number > 0, got {time_limit_s!r}")
    if math.isnan(elapsed_s):
        raise ValueError("elapsed_s is NaN")
    if not correct or elapsed_s > time_limit_s:
        return 0
    share = _dec(max(elapsed_s, 0.0)) / _dec(time_limit_s)
    return _round_half_up(Decimal(int(points)) * (1 - _dec(speed_weight) * share))


def review_points(awarded: Sequence[int], policy: str) -> int | None:
    """Combine the points judges awarded to one submission; None when nobody has judged yet.

    Policy "mean": the average rounded half up; "last": the most recent review (last item).
    """
    if policy not in REVIEW_POLICIES:
        raise ValueError(f"unknown review policy {policy!r}; expected one of {REVIEW_POLICIES}")
    if not awarded:
        return None
    if policy == "last":
        return int(awarded[-1])
    return mean_points(sum(int(a) for a in awarded), len(awarded))


def mean_points(total: int, count: int) -> int:
    """The mean of ``count`` awards summing to ``total``, rounded half up (away from zero at
    .5), in integers: exact, and no Fraction per submission when a leaderboard sums thousands
    of them (it gets the sum and the count from the database)."""
    if count <= 0:
        raise ValueError(f"count must be > 0, got {count!r}")
    whole = (2 * abs(total) + count) // (2 * count)
    return whole if total >= 0 else -whole
