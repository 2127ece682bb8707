"""Ranking a board's rows by their tallies, and ranking it again after a few tallies changed
without sorting every row anew.

The order: most points first, then who reached the score first (never: last), then by name
(case-folded) and id; equal points reached at the same moment share a rank. An individual
race ranks 5,000 participants: sorting and building every row took about 8 ms of each poll
after any answer. ``ranked`` with the ranking of an earlier version as ``base`` compares each
row's tally with the base's, takes the rows whose tally changed out of the base's order and
puts them back where they now belong (binary search), and builds again only the rows between
the first and the last position that moved (their ranks may have shifted). Everything here is
a pure function of its arguments: a base is a valid starting point whatever version it was
built under.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple, Protocol


class Standing(NamedTuple):
    """One row of a ranked board (a named tuple: immutable, and 5,000 of them are built in
    half the time of frozen dataclasses)."""

    rank: int
    id: int  # team id or participant id
    name: str
    team_name: str
    points: int
    reached_at: datetime | None  # when the current score was reached (tie-break)
    tasks_done: int


class Tally(Protocol):
    points: int
    reached_at: datetime | None
    tasks_done: int


# A row's place in the order; unique, as it ends with the row's id.
Key = tuple[int, bool, datetime, str, int]
Rows = Sequence[tuple[int, str, str | None]]  # (id, name, team name) of every row

_NEVER = datetime.min.replace(tzinfo=UTC)  # stands in for "not reached" (sorted after all)

# Past this many changed tallies, sorting every row is about as cheap as moving them one by one.
MAX_MOVED = 500


@dataclass(frozen=True)
class Ranked:
    """A ranking and what it was built from: shared between requests, read-only."""

    rows: Rows  # compared by identity: a base serves only the same rows object
    tallies: Mapping[int, Tally]
    names: dict[int, tuple[str, str]]  # id -> (name, team name)
    keys: list[Key]  # in rank order
    standings: tuple[Standing, ...]  # in the same order


def _key(ident: int, name: str, tally: Tally) -> Key:
    reached = tally.reached_at
    return (-tally.points, reached is None, reached or _NEVER, name.casefold(), ident)


def ranked(
    rows: Rows, tallies: Mapping[int, Tally], zero: Tally, base: Ranked | None = None
) -> Ranked:
    """``rows`` ranked by their ``tallies`` (``zero`` for a row without one), from ``base``
    when it ranked the same rows object and few tallies changed since, else sorted anew."""
    if base is not None and base.rows is rows:
        moved = _moved(base, tallies, zero)
        if len(moved) <= MAX_MOVED:
            return _reranked(base, tallies, zero, moved)
    return _sorted(rows, tallies, zero)


def _sorted(rows: Rows, tallies: Mapping[int, Tally], zero: Tally) -> Ranked:
    names = {ident: (name, team or "") for ident, name, team in rows}
    get = tallies.get
    keys = sorted(_key(ident, name, get(ident, zero)) for ident, (name, _) in names.items())
    standings = _built(keys, 0, len(keys), names, tallies, zero)
    return Ranked(rows, tallies, names, keys, tuple(standings))


def _moved(base: Ranked, tallies: Mapping[int, Tally], zero: Tally) -> list[int]:
    """The rows whose tally differs from the base's (the same object: unchanged)."""
    now, then = tallies.get, base.tallies.get
    moved = []
    for ident in base.names:
        a, b = now(ident, zero), then(ident, zero)
        if a is not b and a != b:
            moved.append(ident)
    return moved


def _reranked(base: Ranked, tallies: Mapping[int, Tally], zero: Tally, moved: list[int]) -> Ranked:
    """The base's order with the ``moved`` rows taken out and put back by their new keys.
    Rows before the first place that changed (in the base or now) and after the last keep
    their place and rank; the rows between are built again, from the start of the first one's
    tie (where its rank is known) to the end of the last one's."""
    names = base.names
    if not moved:
        return Ranked(base.rows, tallies, names, base.keys, base.standings)
    old = [_key(i, names[i][0], base.tallies.get(i, zero)) for i in moved]
    new = [_key(i, names[i][0], tallies.get(i, zero)) for i in moved]
    places = [bisect_left(base.keys, k) for k in old]
    keys = list(base.keys)
    for place in sorted(places, reverse=True):
        del keys[place]
    for k in new:
        keys.insert(bisect_left(keys, k), k)
    places += [bisect_left(keys, k) for k in new]
    first, last = min(places), max(places)
    while first > 0 and keys[first - 1][:3] == keys[first][:3]:
        first -= 1
    # After ``last`` every row is where it was, but the row just after it may now start a
    # tie or no longer start one: its rank and its tie's are built again too.
    end = min(last + 2, len(keys))
    while end < len(keys) and keys[end][:3] == keys[end - 1][:3]:
        end += 1
    built = _built(keys, first, end, names, tallies, zero)
    standings = (*base.standings[:first], *built, *base.standings[end:])
    return Ranked(base.rows, tallies, names, keys, standings)


def _built(
    keys: list[Key],
    start: int,
    end: int,
    names: dict[int, tuple[str, str]],
    tallies: Mapping[int, Tally],
    zero: Tally,
) -> list[Standing]:
    """The standings of ``keys[start:end]``, where ``start`` is the first place of a tie."""
    out: list[Standing] = []
    make, get = Standing._make, tallies.get
    previous, rank = None, 0
    for place in range(start, end):
        key = keys[place]
        if key[:3] != previous:
            rank, previous = place + 1, key[:3]
        ident = key[4]
        tally = get(ident, zero)
        name, team = names[ident]
        out.append(
            make((rank, ident, name, team, tally.points, tally.reached_at, tally.tasks_done))
        )
    return out
