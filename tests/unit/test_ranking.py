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


def test_a_base_of_entirely_other_rows_still_gives_their_ranking():
    base = ranked(ROWS, {}, ZERO)
    others = [(7, "Fajar", None)]
    board = ranked(others, {7: Tally(3, T0, 1)}, ZERO, base)
    assert board.standings == (Standing(1, 7, "Fajar", "", 3, T0, 1),)
    assert ranked([], {}, ZERO, board).standings == ()


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


rows_st = st.lists(
    st.tuples(st.sampled_from(["ana", "Ana", "budi"]), st.sampled_from([None, "Tim 1", "Tim 2"])),
    min_size=0,
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(steps=st.lists(st.tuples(rows_st, st.sets(st.integers(1, 40)), tallies_st), min_size=2))
def test_rows_added_removed_or_renamed_are_ranked_as_if_sorted_anew(steps):
    """Each step: the names of rows 1..n (a longer or shorter list adds or removes rows, a
    different name or team renames them or moves them), some rows left out, new tallies."""
    board = None
    for names, left_out, tallies in steps:
        rows = [(i, n, t) for i, (n, t) in enumerate(names, 1) if i not in left_out]
        board = ranked(rows, tallies, ZERO, board)
        fresh = ranked(rows, tallies, ZERO)
        assert board.standings == fresh.standings
        assert board.keys == fresh.keys


def test_past_max_moved_the_rows_are_sorted_anew(monkeypatch):
    base = ranked(ROWS, {}, ZERO)
    monkeypatch.setattr(ranking, "MAX_MOVED", 1)

    def one_by_one(*_args: object) -> None:
        raise AssertionError("moved one by one")

    monkeypatch.setattr(ranking, "_reranked", one_by_one)
    board = ranked(ROWS, {1: Tally(5, T0, 1), 2: Tally(4, T0, 1)}, ZERO, base)
    assert [s.name for s in board.standings[:2]] == ["ana", "Budi"]
    with pytest.raises(AssertionError, match="one by one"):  # one row: moved, not sorted
        ranked(ROWS, {1: Tally(5, T0, 1)}, ZERO, base)


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
