"""Tests for checkpoints.scoring: question points and review combination."""

import math
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoints.scoring import mean_points, question_points, review_points


def at_deadline(points: int, weight: float) -> int:
    """points * (1 - weight) in exact decimal arithmetic, rounded half up."""
    exact = Decimal(points) * (1 - Decimal(repr(weight)))
    return int(exact.to_integral_value(rounding=ROUND_HALF_UP))


@pytest.mark.parametrize(
    ("points", "weight", "elapsed", "limit", "expected"),
    [
        (100, 0.5, 0, 90, 100),
        (100, 0.5, 45, 90, 75),
        (100, 0.5, 90, 90, 50),  # at the deadline: still counts
        (100, 0.5, 30, 90, 83),  # 83.33
        (100, 0.5, 60, 90, 67),  # 66.67
        (100, 0.0, 89, 90, 100),
        (100, 1.0, 90, 90, 0),
        (5, 0.5, 1, 1, 3),  # 2.5 rounds half up
        (15, 0.3, 1, 1, 11),  # 10.5 exactly (in binary 15 * 0.7 is 10.4999...)
        (1, 0.5, 1, 1, 1),  # 0.5 -> 1
        (0, 0.5, 10, 90, 0),
        (100, 0.5, -5, 90, 100),  # clock skew: elapsed clamped at 0
    ],
)
def test_question_points(points, weight, elapsed, limit, expected):
    assert question_points(points, weight, elapsed, limit, True) == expected


def test_wrong_answer_scores_zero():
    assert question_points(100, 0.5, 10, 90, False) == 0


def test_late_answer_scores_zero():
    assert question_points(100, 0.5, 90.001, 90, True) == 0
    assert question_points(100, 0.0, 1e9, 90, True) == 0
    assert question_points(100, 0.5, math.inf, 90, True) == 0


@pytest.mark.parametrize(
    ("points", "weight", "elapsed", "limit"),
    [
        (-1, 0.5, 1, 90),
        (100, -0.1, 1, 90),
        (100, 1.1, 1, 90),
        (100, math.nan, 1, 90),
        (100, 0.5, 1, 0),
        (100, 0.5, 1, -5),
        (100, 0.5, 1, math.inf),
        (100, 0.5, math.nan, 90),
        (100, 0.5, 1, math.nan),
        (10.5, 0.5, 1, 90),
    ],
)
def test_question_points_validation(points, weight, elapsed, limit):
    with pytest.raises(ValueError):
        question_points(points, weight, elapsed, limit, True)


points_st = st.integers(min_value=0, max_value=10_000)
weight_st = st.floats(min_value=0, max_value=1)
limit_st = st.floats(min_value=0.5, max_value=86_400)


@given(points_st, weight_st, limit_st, st.floats(0, 1), st.floats(0, 1))
def test_monotone_non_increasing_in_elapsed(points, weight, limit, f1, f2):
    early, late = sorted((f1 * limit, f2 * limit))
    assert question_points(points, weight, early, limit, True) >= question_points(
        points, weight, late, limit, True
    )


@given(points_st, weight_st, limit_st, st.floats(0, 1))
def test_within_bounds(points, weight, limit, fraction):
    score = question_points(points, weight, fraction * limit, limit, True)
    assert at_deadline(points, weight) <= score <= points
    assert question_points(points, weight, limit, limit, True) == at_deadline(points, weight)
    assert question_points(points, weight, 0, limit, True) == points


@given(points_st, weight_st, limit_st, st.floats(min_value=1e-6, max_value=1e6))
def test_zero_when_late(points, weight, limit, extra):
    assert question_points(points, weight, limit + max(extra, limit * 1e-9), limit, True) == 0


@pytest.mark.parametrize(
    ("awarded", "policy", "expected"),
    [
        ([], "mean", None),
        ([], "last", None),
        ([10], "mean", 10),
        ([10, 15], "mean", 13),  # 12.5 rounds up
        ([10, 11, 11], "mean", 11),  # 10.67
        ([10, 10, 11], "mean", 10),  # 10.33
        ([-10, -15], "mean", -13),  # -12.5: half away from zero, as Decimal's ROUND_HALF_UP
        ([-10, -11, -11], "mean", -11),
        ([100, 0, 50], "last", 50),
        ((7, 8), "last", 8),
    ],
)
def test_review_points(awarded, policy, expected):
    assert review_points(awarded, policy) == expected


def test_review_points_unknown_policy():
    with pytest.raises(ValueError, match="median"):
        review_points([1, 2], "median")


def test_mean_points_from_a_sum_and_a_count():
    """What the leaderboard combines from the database's SUM and COUNT of a submission's
    approving reviews: the same as the mean of the list."""
    assert mean_points(25, 2) == review_points([10, 15], "mean") == 13
    assert mean_points(-25, 2) == -13
    with pytest.raises(ValueError, match="count"):
        mean_points(0, 0)


@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=20))
def test_mean_matches_exact_half_up(awarded):
    mean = sum(awarded) / len(awarded)
    got = review_points(awarded, "mean")
    assert min(awarded) <= got <= max(awarded)
    assert abs(got - mean) <= 0.5
    if (2 * sum(awarded)) % len(awarded) == 0 and (2 * sum(awarded)) // len(awarded) % 2 == 1:
        assert got == math.ceil(mean)  # exact .5 goes up
