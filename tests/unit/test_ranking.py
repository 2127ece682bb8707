"""Ranking a board: the order and shared ranks, and a ranking brought up to date from an
earlier one (``base``) equal, row for row, to the same tallies sorted anew."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizengine.services import ranking
from quizengine.services.ranking import Standing, ranked

T0 = datetime(2026, 12, 4, 8, tzinfo=UTC)


@dataclass(frozen=True)
class Tally:
    points: int = 0
    reached_at: datetime | None = None
    tasks_done: int = 0


ZERO = Tally()
NAMES = ["ana", "Budi", "cici", "Ana", "dedi", "Eko"]
ROWS = [(i, name, f"Tim {i % 3}") for i, name in enumerate(NAMES, 1)]


def test_order_most_points_first_then_first_to_reach_then_name_and_id():
    tallies = {
        1: Tally(10, T0 + timedelta(minutes=5), 2),
        2: Tally(10, T0 + timedelta(minutes=1), 1),
        4: Tally(10, T0 + timedelta(minutes=5), 3),  # "Ana" ties "ana": same rank, then by id
        5: Tally(0, None, 1),
        6: Tally(0, T0, 1),  # a score of 0 reached once comes before one never reached
    }
    board = ranked(ROWS, tallies, ZERO).standings
    assert [(s.rank, s.name) for s in board] == [
        (1, "Budi"),
        (2, "ana"),
        (2, "Ana"),
        (4, "Eko"),
        (5, "cici"),
        (5, "dedi"),
    ]
    assert board[1] == Standing(2, 1, "ana", "Tim 1", 10, T0 + timedelta(minutes=5), 2)


def test_a_base_of_other_rows_is_not_used():
    base = ranked(ROWS, {}, ZERO)
    others = [(7, "Fajar", None)]
    board = ranked(others, {7: Tally(3, T0, 1)}, ZERO, base)
    assert board.standings == (Standing(1, 7, "Fajar", "", 3, T0, 1),)


def test_unchanged_tallies_keep_the_base_s_standings():
    tallies = {1: Tally(5, T0, 1)}
    base = ranked(ROWS, tallies, ZERO)
    again = ranked(ROWS, {1: Tally(5, T0, 1), 2: ZERO}, ZERO, base)
    assert again.standings is base.standings


# Few point values and moments, so that ties (shared ranks) are common.
tallies_st = st.dictionaries(
    st.integers(1, 40),
    st.builds(
        Tally,
        st.sampled_from([0, 5, 10, 20]),
        st.sampled_from([None, T0, T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)]),
        st.integers(0, 3),
    ),
    max_size=40,
)
names_st = st.lists(st.sampled_from(["ana", "Ana", "budi", "Cici"]), min_size=40, max_size=40)


@settings(max_examples=300, deadline=None)
@given(names=names_st, steps=st.lists(tallies_st, min_size=2, max_size=5))
def test_a_ranking_brought_up_to_date_equals_one_sorted_anew(names, steps):
    rows = [(i, names[i - 1], None if i % 4 else f"Tim {i % 3}") for i in range(1, 41)]
    board = ranked(rows, steps[0], ZERO)
    for tallies in steps[1:]:
        # a new version's tallies: some rows' from the step, the rest the same objects as before
        merged = {i: board.tallies.get(i, ZERO) for i in range(1, 41) if i % 2} | tallies
        board = ranked(rows, merged, ZERO, board)
        fresh = ranked(rows, merged, ZERO)
        assert board.standings == fresh.standings
        assert board.keys == fresh.keys


def test_past_max_moved_the_rows_are_sorted_anew(monkeypatch):
    base = ranked(ROWS, {}, ZERO)
    monkeypatch.setattr(ranking, "MAX_MOVED", 1)
    board = ranked(ROWS, {1: Tally(5, T0, 1), 2: Tally(4, T0, 1)}, ZERO, base)
    assert [s.name for s in board.standings[:2]] == ["ana", "Budi"]
    assert board.keys is not base.keys and board.names is not base.names  # sorted anew


@pytest.mark.parametrize("moved_to", [0, 3, 5])
def test_one_row_moving_shifts_the_ranks_between_its_places(moved_to):
    tallies = {i: Tally(100 - 10 * i, T0, 1) for i in range(1, 7)}
    base = ranked(ROWS, tallies, ZERO)
    points = [95, 65, 45][[0, 3, 5].index(moved_to)]
    changed = tallies | {6: Tally(points, T0, 2)}
    board = ranked(ROWS, changed, ZERO, base)
    assert board.standings == ranked(ROWS, changed, ZERO).standings
    assert [s.id for s in board.standings].index(6) == moved_to
    assert [s.rank for s in board.standings] == [1, 2, 3, 4, 5, 6]
