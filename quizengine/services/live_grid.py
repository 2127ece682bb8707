"""The live dashboard's team x checkpoint grid, cheap enough to rebuild on every poll.

The dashboard polls every 5 s, so the grid is summed by the database (GROUP BY per owner and
checkpoint, only the columns it needs) and kept per process in layers:

- the scores (row names, points per owner and per owner x checkpoint, tasks done and tasks per
  checkpoint) under the event's score version, which every points-changing flush bumps
  (``score_version``). After *narrow* versions (answers, submissions, reviews, adjustments,
  renames, task texts) the newest scores are advanced as the leaderboard's boards are: only
  the teams or participants the stamped rows touched are summed again (``touched_since``, a
  GROUP BY narrowed by an IN list), the other rows' totals and cells are kept, the tasks are
  read again and the names when ``names_version`` moved. A full version sums everything anew;
- the visits (accepted check-ins per owner) under a mark of the event's check-ins (count,
  highest id, sum of ids) and the versions that move participants between teams (full, names).
  Check-ins do not bump the score version; they are only ever inserted (a verdict is never
  changed afterwards, a correction is a new manual check-in) and are deleted only with their
  participant or team (which bumps the version), so any new or removed check-in, also one
  committing late with a lower id, changes the mark. After new check-ins the newest visits
  are advanced by reading only the check-ins above the highest id they were made from, when
  those make up the marks' difference (a late commit with a lower id does not: all are read);
- each row's JSON text, with what it was made from: a poll after a change serialises only the
  rows that changed (the whole text is the same as one ``dumps`` of the payload);
- the finished pieces (``GridText``: the head and the row texts, each page of rows put
  together and tagged once) under the version, the check-in mark and the checkpoints' ids,
  names and codes.

Every layer keeps only the newest entry per event, reads its key before it computes (a value
is never older than its key), and, except the row texts (reused only for equal inputs), none
stores while the session's own transaction has written something (others cannot see that
state). ``leaderboard.scored_items`` still turns creative reviews and adjustments into
points, so the grid and the standings agree.

Live dashboard poll
-------------------
Measured with::

    python -m bench.live_poll --polls 15 --db sqlite:////tmp/lp.db \
        --db postgresql://postgres@127.0.0.1:5432/lp

on the benchmark event (500 teams, 50 checkpoints, 100,000 attempts, 25,000 check-ins),
in-process, median ms of wall time (CPU of the app process in brackets; on SQLite they
coincide), 2 cores: f39b921 (before the grid was advanced; any version bump summed
everything) in its worktree at 12:52 UTC, this code at 13:29, each on a database it seeded
(this machine ran twice as slow today as in the table this one replaces):

=========================================  =================  =================
GET live.json (caught-up feed cursor)      SQLite             PostgreSQL
                                           f39b921 / now      f39b921 / now
=========================================  =================  =================
nothing changed                            193 / 85           117 (57) / 77 (54)
a check-in since the last poll             399 / 157          232 (176) / 168 (121)
an answer since the last poll              848 / 96           566 (363) / 113 (71)
a full change (a deletion, task points)    848 / 482          566 (363) / 432 (239)
grid alone, after a check-in               215 / 108          159 (144) / 80 (66)
grid alone, after an answer                543 / 19           434 (307) / 27 (17)
=========================================  =================  =================

(f39b921's "answer" row is a full bump: that code summed everything after any bump.) An
unchanged poll also got cheaper: the feed's window of recent answers walked the event's
97,500 answers on every poll (SQLite, 19-34 ms: no index on their time, and an OR that no
index could bound); the answers are now found by time, through a new index on
``attempt.answered_at`` (migration 0007), and checked for the event (``live._Stream.base``).
``live.counts`` then read every check-in's flags as JSON text (12-14 ms of a quiet poll on
SQLite); since migration 0009 it reads one index (``checkin.flagged``, kept with the flags).
``python -m bench.live_poll --polls 15 --reuse`` on one seeded database, this code and 2aabc14
alternated twice (2026-12-04 17:30, 2 cores Intel Xeon; the figures include the test client's
parse of the 1.2 MB body): a quiet poll 26-27 ms on SQLite against 39-40, after a check-in
58-60 against 72-74, after an answer 34-36 against 49-50; PostgreSQL alike before and after
(quiet 33-34 against 33-35 ms). Of the 13 ms of server time a quiet poll now takes on SQLite
(in process, frozen out of the garbage collector), the feed's window takes 5.5, the check-in
mark 3.4 and the counts 3.2.

A poll after new check-ins, the steady state of a dashboard during a race, read the event's
25,000 accepted check-ins again; it now reads the new ones (``_advanced_visits``). Same
command, c9e8a48 in its worktree and this code alternated, each on a database it seeded
(2026-12-07, 2 cores AMD EPYC; wall ms): on SQLite 68.1, 68.7 against 38.8, 39.0 for the
poll and 47.7, 63.8 against 16.5, 14.5 for the grid alone; on PostgreSQL (one run each)
98.7 against 41.0 for the poll (77 against 29 ms of this process's CPU) and 70.2 against
13.0 for the grid alone. Quiet polls and polls after an answer stayed as they were.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from flask import current_app
from sqlalchemy import and_, case, event, func, or_, select
from sqlalchemy.orm import Session

from quizengine.extensions import db
from quizengine.models import Attempt, CheckIn, Checkpoint, Event, Participant, Task, Team
from quizengine.services import score_version
from quizengine.services.leaderboard import MAX_TOUCHED, scored_items, touched_since
from quizengine.services.newest import NewestCache, Tagged
from quizengine.services.pages import page_count

T = TypeVar("T")
WROTE = "quizengine.live_grid.wrote"

# Rows on a page of the grid (``LIVE_GRID_ROWS`` in the app's config): a team race's 500 teams
# on one page, an individual race's 5,000 participants on ten. Whole, the latter was 250,000
# cells, a poll of 1.5-2.5 MB and more than a browser tab can draw every few seconds.
GRID_ROWS = 500


@dataclass(frozen=True)
class Scores:
    """What only points-changing writes move; an owner is a team (team mode) or participant."""

    rows: tuple[tuple[int, str], ...]  # (id, name) in display order
    team_of: dict[int, int | None]  # participant id -> team id
    tasks_total: dict[int | None, int]  # checkpoint id -> tasks
    totals: dict[int, int]  # owner -> points
    cells: dict[int, dict[int, list[int]]]  # owner -> checkpoint id -> [points, tasks done]
    state: score_version.State  # the score version they were summed at


class _Newest:
    """Per process: the newest value built for each event, with the key it was built under;
    nothing is read or kept while the session's own transaction has written."""

    def __init__(self, events: int = 32) -> None:
        self._cache = NewestCache(slots=events)

    def get(self, event_id: int, key: Hashable, build: Callable[[], T]) -> T:
        if not _cacheable():
            return build()
        hit = self._cache.get(event_id, key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
        value = build()
        if _cacheable():
            self._cache.put(event_id, key, value)
        return value

    def latest(self, event_id: int) -> tuple[Hashable, Any] | None:
        """The newest (key, value) kept for the event, whatever its key."""
        return self._cache.latest(event_id)


_SCORES = _Newest()
_PAYLOADS = _Newest()
_VISITS = _Newest()
# Per event: each row's JSON text with what it was made from, under the checkpoints and their
# task counts (``_payload``). A text is reused only for equal inputs, so it may be kept
# from any state, committed or not.
_ROW_TEXTS = NewestCache(slots=32)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _ctx: Any) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session: Session) -> None:
    session.info.pop(WROTE, None)


def _cacheable() -> bool:
    """Nothing written in this session's open transaction (flushed or not)."""
    session = db.session()
    return not session.info.get(WROTE) and not score_version.pending(session)


class Version(NamedTuple):
    """What the grid's layers are kept under: the event (``created_at`` tells a new event from
    a deleted one whose id the database reused), its mode and its score version (no row yet,
    bulk-loaded data, is version 0)."""

    event_id: int
    created_at: datetime
    mode: str
    state: score_version.State

    def lineage(self) -> tuple[object, ...]:
        """What must be the same for a value of another version to be advanced to this one:
        the event, its mode and the score version's epoch."""
        return (self.event_id, self.created_at, self.mode, self.state.epoch)


def version_key(event: Event) -> Version:
    return Version(
        event.id, event.created_at, event.mode, score_version.state(db.session, event.id)
    )


def checkin_mark(event: Event) -> tuple[int, int, int]:
    """(count, highest id, sum of ids) of the event's check-ins: any insert or delete moves it."""
    row = db.session.execute(
        select(func.count(CheckIn.id), func.max(CheckIn.id), func.sum(CheckIn.id)).where(
            CheckIn.event_id == event.id
        )
    ).one()
    return (int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))


def _owner_rows(event: Event) -> tuple[tuple[int, str], ...]:
    if event.mode == "team":
        q = select(Team.id, Team.name).where(Team.event_id == event.id).order_by(Team.name)
    else:
        q = (
            select(Participant.id, Participant.name)
            .where(Participant.event_id == event.id)
            .order_by(Participant.name)
        )
    return tuple((i, n) for i, n in db.session.execute(q))


def _tasks(event: Event) -> tuple[dict[int, int | None], dict[int | None, int]]:
    """Task id -> its checkpoint id, and checkpoint id -> its number of tasks."""
    task_cp: dict[int, int | None] = dict(
        db.session.execute(  # type: ignore[arg-type]
            select(Task.id, Task.checkpoint_id).where(Task.event_id == event.id)
        ).all()
    )
    tasks_total: dict[int | None, int] = defaultdict(int)
    for cp_id in task_cp.values():
        tasks_total[cp_id] += 1
    return task_cp, dict(tasks_total)


def _team_of(event: Event) -> dict[int, int | None]:
    return dict(
        db.session.execute(  # type: ignore[arg-type]
            select(Participant.id, Participant.team_id).where(Participant.event_id == event.id)
        ).all()
    )


def _build_scores(event: Event, key: Version) -> Scores:
    task_cp, tasks_total = _tasks(event)
    totals: dict[int, int] = {}
    cells: dict[int, dict[int, list[int]]] = {}
    _sum(event, task_cp, totals, cells)
    return Scores(_owner_rows(event), _team_of(event), tasks_total, totals, cells, key.state)


def _sum(
    event: Event,
    task_cp: dict[int, int | None],
    totals: dict[int, int],
    cells: dict[int, dict[int, list[int]]],
    owners: set[int] | None = None,
) -> None:
    """Sum the points and tasks done per owner and checkpoint into ``totals`` and ``cells``:
    of every owner, or (``owners``) of those teams or participants only."""
    team_mode = event.mode == "team"

    def cell(owner: int, cp_id: int) -> list[int]:
        own = cells.get(owner)
        if own is None:
            own = cells[owner] = {}
        found = own.get(cp_id)
        if found is None:
            found = own[cp_id] = [0, 0]
        return found

    def mine(owner: int | None) -> bool:
        return owner is not None and (owners is None or owner in owners)

    # Question points (answered, not creative) and tasks done (answered or submitted), per owner
    # and checkpoint. A question's points go to who answered; a task done to the attempt's owner
    # (the same in practice; kept apart in individual mode, as the scored items keep them).
    answered = Attempt.answered_at.is_not(None)
    points = func.sum(case((and_(answered, Task.kind != "creative"), Attempt.points), else_=0))
    scorer = func.coalesce(Attempt.answered_by_id, Attempt.participant_id)
    keys = [Attempt.team_id] if team_mode else [scorer, Attempt.participant_id]
    where = [Attempt.event_id == event.id, or_(answered, Attempt.status == "submitted")]
    if owners is not None:
        named = sorted(owners)
        where.append(
            Attempt.team_id.in_(named)
            if team_mode
            else or_(scorer.in_(named), Attempt.participant_id.in_(named))
        )
    rows = db.session.execute(
        select(Task.checkpoint_id, points, func.count(Attempt.id), *keys)
        .join(Task, Task.id == Attempt.task_id)
        .where(*where)
        .group_by(Task.checkpoint_id, *keys)
    )
    if team_mode:  # one row per (team, checkpoint): the common case, kept lean
        for cp_id, got, done, team_id in rows:
            if team_id is None:
                continue
            totals[team_id] = totals.get(team_id, 0) + int(got or 0)
            if cp_id is not None:
                cells.setdefault(team_id, {})[cp_id] = [int(got or 0), int(done)]
    else:
        for cp_id, got, done, scorer_id, owner_id in rows:
            got = int(got or 0)
            if mine(scorer_id):
                totals[scorer_id] = totals.get(scorer_id, 0) + got
                if cp_id is not None and got:
                    cell(scorer_id, cp_id)[0] += got
            if cp_id is not None and mine(owner_id):
                cell(owner_id, cp_id)[1] += int(done)
    named_owners = None
    if owners is not None:
        named_owners = (owners, set()) if team_mode else (set(), owners)
    for item in scored_items(event, questions=False, owners=named_owners):
        owner = item.team_id if team_mode else item.participant_id
        if not mine(owner):  # judged creative work, adjustments
            continue
        assert owner is not None
        totals[owner] = totals.get(owner, 0) + item.points
        cp_id = task_cp.get(item.task_id) if item.task_id is not None else None
        if cp_id is not None:
            cell(owner, cp_id)[0] += item.points


def _advanced_scores(event: Event, key: Version) -> Scores | None:
    """The newest scores this process summed for the event, brought up to ``key``'s version
    when only narrow changes came since it and not too many (as the leaderboard's boards
    are): the teams or participants the stamped rows touched are summed again, the others'
    totals and cells kept; the tasks are read again (a new task is narrow), the names when
    they changed."""
    latest = _SCORES.latest(event.id)
    if latest is None:
        return None
    old_key, old = latest
    now = key.state
    if old_key.lineage() != key.lineage() or not now.narrow_since(
        old.state.version, old.state.narrow_count
    ):
        return None  # another event, mode or epoch, or a full change since
    team_mode = event.mode == "team"
    touched = touched_since(event, old.state.version, teams_only=team_mode)
    owners = touched.teams() if team_mode else touched.people()
    if len(owners) > MAX_TOUCHED:
        return None
    task_cp, tasks_total = _tasks(event)
    rows, team_of = old.rows, old.team_of
    if now.names_version != old.state.names_version:
        rows, team_of = _owner_rows(event), _team_of(event)
    totals = {owner: got for owner, got in old.totals.items() if owner not in owners}
    cells = {owner: own for owner, own in old.cells.items() if owner not in owners}
    _sum(event, task_cp, totals, cells, owners)
    return Scores(rows, team_of, tasks_total, totals, cells, now)


def scores(event: Event, version: Version | None = None) -> Scores:
    """The event's scores for the grid, from this process's cache while the version holds
    (``version``: the event's ``version_key`` when the caller has read it already), else
    advanced from the newest cached scores after narrow changes, else summed anew.
    Shared between requests: read-only."""
    key = version_key(event) if version is None else version
    return _SCORES.get(
        event.id, key, lambda: _advanced_scores(event, key) or _build_scores(event, key)
    )


def visits(event: Event, team_of: dict[int, int | None]) -> dict[int, set[int]]:
    """Owner -> checkpoint ids of its accepted check-ins: a team's visit is any member's or a
    manual one of the team (team mode), a participant's their own (individual mode). No
    DISTINCT: repeated check-ins are few, and sorting them out costs the database more."""
    out: dict[int, set[int]] = defaultdict(set)
    team_mode = event.mode == "team"
    rows = db.session.execute(
        select(CheckIn.team_id, CheckIn.participant_id, CheckIn.checkpoint_id).where(
            CheckIn.event_id == event.id, CheckIn.accepted.is_(True)
        )
    )
    for team_id, pid, cp_id in rows:
        owner = _visit_owner(team_mode, team_id, pid, team_of)
        if owner is not None:
            out[owner].add(cp_id)
    return out


_NOTHING: dict[int, list[int]] = {}
_NONE: set[int] = set()


class GridText:
    """The grid's JSON text in pieces, kept per change and shared by the polls: the head (the
    checkpoints) and each row's text. A page of rows is put together and tagged once, when a
    poll first asks for it: ``{"checkpoints", "owners", "page", "pages", "rows"}``."""

    def __init__(self, head: str, rows: list[str]) -> None:
        self.head = head
        self.rows = rows
        self._pages: dict[tuple[int, int], Tagged] = {}

    def pages(self, size: int) -> int:
        return page_count(len(self.rows), size)

    def page(self, number: int, size: int) -> Tagged:
        """Page ``number`` (1-based, at most ``pages(size)``) of ``size`` rows, tagged."""
        found = self._pages.get((number, size))
        if found is None:
            part = ",".join(self.rows[(number - 1) * size : number * size])
            middle = f'"owners":{len(self.rows)},"page":{number},"pages":{self.pages(size)}'
            # keys in order, as the app's JSON provider sorts them
            text = '{"checkpoints":' + self.head + "," + middle + ',"rows":[' + part + "]}"
            found = self._pages[(number, size)] = Tagged.of(text)
        return found


def _payload(
    event: Event,
    checkpoints: tuple[tuple[int, str, str], ...],
    got: Scores,
    seen: dict[int, set[int]],
) -> GridText:
    """What ``live.js`` draws, as JSON text in pieces (``GridText``): the checkpoints (each
    with its number of tasks), then per row its cells in their order, each ``[visited, tasks
    done, points]`` (visited 0 or 1), or ``0`` for a cell with nothing in it: not visited,
    nothing done, no points.
    Compact because a dashboard fetches it every 5 s: with one object per cell, 500 teams x
    50 checkpoints were 1.26 MB a poll, 900 MB an hour on an organizer's mobile data.

    Each row's text is kept with what it was made from, so after a change only the rows
    that changed are serialised again (25,000 cells took 100 ms); a page's text is the same as
    one ``dumps`` of its payload."""
    dumps = current_app.json.dumps
    texts: dict[int, tuple[Any, ...]] | None = _ROW_TEXTS.get(event.id, checkpoints)
    if texts is None:
        texts = {}
        _ROW_TEXTS.put(event.id, checkpoints, texts)
    parts = []
    for owner, name in got.rows:
        own, been = got.cells.get(owner, _NOTHING), seen.get(owner, _NONE)
        points = got.totals.get(owner, 0)
        kept = texts.get(owner)
        if (
            kept is not None
            and kept[:2] == (name, points)
            and (kept[2] is own or kept[2] == own)
            and (kept[3] is been or kept[3] == been)
        ):
            parts.append(kept[4])
            continue
        cells: list[Any] = []
        for cp_id, _name, _code in checkpoints:
            got_points, done = own.get(cp_id, (0, 0))
            visited = cp_id in been
            cells.append([int(visited), done, got_points] if visited or done or got_points else 0)
        row = {"id": owner, "name": name, "points": points, "cells": cells}
        text = dumps(row, separators=(",", ":"))
        texts[owner] = (name, points, own, been, text)
        parts.append(text)
    head = dumps(
        [
            {"id": cp_id, "name": name, "code": code, "total": got.tasks_total.get(cp_id, 0)}
            for cp_id, name, code in checkpoints
        ],
        separators=(",", ":"),
    )
    return GridText(head, parts)


def _visits(
    event: Event, version: Version, mark: tuple[int, int, int], team_of: Any
) -> dict[int, set[int]]:
    """``visits``, kept while the check-ins (their mark) and the participants' teams (only a
    full change or a new participant moves them) hold: an answer does not read them again,
    and after new check-ins only those are read (``_advanced_visits``)."""
    state = version.state
    key = (version.lineage(), state.full_version, state.names_version, mark)

    def build() -> dict[int, set[int]]:
        advanced = _advanced_visits(event, key, team_of)
        return visits(event, team_of) if advanced is None else advanced

    return _VISITS.get(event.id, key, build)


def _advanced_visits(
    event: Event, key: tuple[Any, ...], team_of: dict[int, int | None]
) -> dict[int, set[int]] | None:
    """The newest kept visits brought up to the check-in mark of ``key`` by reading only the
    check-ins above the highest id they were made from: during a race every dashboard poll
    follows new check-ins, and reading the event's 25,000 again took 60-70 ms of it. Only
    when those rows are exactly the new ones: their count and the sum of their ids make up
    the difference between the two marks (a check-in that committed late with a lower id, or
    one deleted, breaks that, and the caller reads them all). None when there is no such base:
    nothing kept, or kept under other versions (teams, participants, mode)."""
    found = _VISITS.latest(event.id)
    if found is None:
        return None
    base_key, base = found
    if base_key[:-1] != key[:-1]:
        return None
    (count, top, total), (new_count, _new_top, new_total) = base_key[-1], key[-1]
    if new_count <= count:
        return None
    rows = db.session.execute(
        select(
            CheckIn.id,
            CheckIn.accepted,
            CheckIn.team_id,
            CheckIn.participant_id,
            CheckIn.checkpoint_id,
        ).where(CheckIn.event_id == event.id, CheckIn.id > top)
    ).all()
    if len(rows) != new_count - count or sum(row[0] for row in rows) != new_total - total:
        return None
    out = dict(base)  # the kept sets are shared (row texts compare them): never changed
    team_mode = event.mode == "team"
    for _id, accepted, team_id, pid, cp_id in rows:
        owner = _visit_owner(team_mode, team_id, pid, team_of) if accepted else None
        if owner is None:
            continue
        been = out.get(owner, _NONE)
        if cp_id not in been:
            out[owner] = been | {cp_id}
    return out


def _visit_owner(
    team_mode: bool, team_id: int | None, pid: int | None, team_of: dict[int, int | None]
) -> int | None:
    """Whose visit an accepted check-in is (``visits``): in a team race its team's (an
    organizer's manual one names only the team; a member's, the team they are in now), in an
    individual race its participant's."""
    if not team_mode:
        return pid
    return team_id or (team_of.get(pid) if pid is not None else None)


def grid_json(event: Event) -> str:
    """The grid's first page as the poll sends it (``live.js`` draws it), as JSON text."""
    return grid_page(event, 1)[0].text


def grid_page(event: Event, page: int) -> tuple[Tagged, int]:
    """Page ``page`` of the grid (the last when there are fewer), tagged, and the number of
    pages. Serialising 25,000 cells costs more than finding them in the cache, so the pieces
    are what is kept (``GridText``, each page tagged once), shared between polls while the
    score version, the check-in mark and the checkpoints hold."""
    checkpoints = tuple(
        (cp_id, name, code)
        for cp_id, name, code in db.session.execute(
            select(Checkpoint.id, Checkpoint.name, Checkpoint.code)
            .where(Checkpoint.event_id == event.id)
            .order_by(Checkpoint.position)
        )
    )
    version = version_key(event)
    mark = checkin_mark(event)
    key = (version, mark, checkpoints)

    def build() -> GridText:
        got = scores(event, version)
        seen = _visits(event, version, mark, got.team_of)
        return _payload(event, checkpoints, got, seen)

    text: GridText = _PAYLOADS.get(event.id, key, build)
    size = int(current_app.config.get("LIVE_GRID_ROWS", GRID_ROWS))
    pages = text.pages(size)
    return text.page(min(max(page, 1), pages), size), pages
