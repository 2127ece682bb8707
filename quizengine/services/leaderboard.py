"""Standings, computed every time as a sum over attempts, reviews and adjustments.

Nothing here is a stored counter: a team's score is the points of its question attempts, plus
the judged points of its approved creative submissions, plus its adjustments (a participant's
adjustments count for their team too). Ties go to whoever reached the score first. With
``until`` (a leaderboard freeze) only what happened up to that moment counts.

``scored_items`` is the one place that turns rows into points; the standings, the live grid and
the reports all read it, so they cannot disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Row, Select, and_, bindparam, case, false, func, or_, select
from sqlalchemy.orm import aliased

from checkpoints.scoring import mean_points
from quizengine.extensions import db
from quizengine.models import (
    ANSWERED,
    SCORER,
    Adjustment,
    Attempt,
    AttemptStatus,
    Event,
    Participant,
    Review,
    Submission,
    SubmissionStatus,
    Task,
    Team,
)
from quizengine.services import score_version
from quizengine.services.newest import NewestCache
from quizengine.services.ranking import Ranked, Rows, Standing, ranked

T = TypeVar("T")


@dataclass(frozen=True)
class ScoredItem:
    """Points from one source: a question attempt, a judged creative attempt, an adjustment."""

    source: str  # "question" | "creative" | "adjustment"
    team_id: int | None
    participant_id: int | None
    points: int
    at: datetime
    task_id: int | None = None
    attempt_id: int | None = None


@dataclass
class _Tally:
    points: int = 0
    reached_at: datetime | None = None
    tasks_done: int = 0

    def add(self, item: ScoredItem) -> None:
        self.points += item.points
        if item.source != "adjustment":
            self.tasks_done += 1
        if item.points and (self.reached_at is None or item.at > self.reached_at):
            self.reached_at = item.at


_ZERO = _Tally()  # the tally of a row without one (read only: nothing is ever added to it)


# Whose points: None (the whole event) or (team ids, participant ids); a row counts when its
# team or its participant is named.
Owners = tuple[set[int], set[int]] | None

# The statements below are built once per process and shape (bounded by ``until`` or not,
# teams and/or participants named) with bound parameters, and run as Core on the session's
# connection: building one costs more than the database spends on a team's rows (a home
# page's score: 0.2 ms in SQLite, 2 ms with the statements built anew each time). The
# parameters of every statement: event_id, until, teams, people (see ``_params``).
Shape = tuple[bool, bool] | None  # None: the whole event; else (teams named, people named)


def _owners(scope: tuple[str, int]) -> tuple[set[int], set[int]]:
    """The owners of ("team", team id) or ("participant", participant id)."""
    kind, ident = scope
    return ({ident}, set()) if kind == "team" else (set(), {ident})


def _shape(owners: Owners) -> Shape:
    return None if owners is None else (bool(owners[0]), bool(owners[1]))


def _params(event: Event, until: datetime | None, owners: Owners = None) -> dict[str, Any]:
    teams, people = owners or (set(), set())
    return {"event_id": event.id, "until": until, "teams": sorted(teams), "people": sorted(people)}


def _rows(statement: Any, params: dict[str, Any]) -> Sequence[Row[Any]]:
    """The statement's rows, read in the session's transaction after its pending changes
    are flushed (what ``session.execute`` would do), without the ORM's per-statement work."""
    db.session.flush()
    return db.session.connection().execute(statement, params).all()


def _any_of(
    shape: tuple[bool, bool], team_cols: tuple[Any, ...], person_cols: tuple[Any, ...]
) -> Any:
    """Rows of the named teams (a team column in ``teams``) or participants (a person column
    in ``people``). Only the named sets are tested: an OR with an empty IN keeps SQLite from
    using the index of the other (a team's home page walked the event's 2,500 approved
    submissions)."""
    teams, people = shape
    parts = [c.in_(bindparam("teams", expanding=True)) for c in team_cols] if teams else []
    parts += [c.in_(bindparam("people", expanding=True)) for c in person_cols] if people else []
    if not parts:
        return false()
    return or_(*parts) if len(parts) > 1 else parts[0]


@cache
def _judged_query(shape: Shape, bounded: bool, last: bool) -> Select[Any]:
    """The approved submissions that judges have approved (up to ``until``), one row each:
    (id, attempt id, task id, team id, author, the task's points, the sum and the count of the
    approving reviews' points, the time of the latest), with ``last`` the points of the latest
    review (by time, then id). The database sums and groups: a leaderboard summed anew read
    2,500 submissions and 2,500 reviews row by row before."""
    approving = [Review.submission_id == Submission.id, Review.verdict == "approve"]
    if bounded:
        approving.append(Review.updated_at <= bindparam("until"))
    grouped = (
        Submission.id,
        Attempt.id,
        Attempt.task_id,
        Attempt.team_id,
        Submission.participant_id,
        Task.points,
    )
    columns: list[Any] = [
        *grouped,
        func.sum(Review.points),
        func.count(Review.id),
        func.max(Review.updated_at),
    ]
    if last:
        latest = aliased(Review)
        later = [latest.submission_id == Submission.id, latest.verdict == "approve"]
        if bounded:
            later.append(latest.updated_at <= bindparam("until"))
        columns.append(
            select(latest.points)
            .where(*later)
            .order_by(latest.updated_at.desc(), latest.id.desc())
            .limit(1)
            .correlate(Submission)
            .scalar_subquery()
        )
    query = (
        select(*columns)
        .select_from(Submission)
        .join(Attempt, Submission.attempt_id == Attempt.id)
        .join(Task, Task.id == Attempt.task_id)
        .join(Review, and_(*approving))
        .where(Submission.status == SubmissionStatus.APPROVED.value)
        .group_by(*grouped)
    )
    if shape != (False, True):  # a team's: attempt(event_id, team_id)
        query = query.where(Attempt.event_id == bindparam("event_id"))
    if shape is None:
        # An attempt with a submission is a creative one, submitted (services/submissions
        # sets both in one flush; an answer is refused for a creative task): the condition
        # changes no row, and lets the event's submitted attempts be read by their partial
        # index (ix_attempt_event_submitted) rather than all of the event's attempts hashed.
        return query.where(
            Submission.event_id == bindparam("event_id"),
            Attempt.status == AttemptStatus.SUBMITTED.value,
        )
    # No submission.event_id here, and for participants no attempt.event_id either: SQLite
    # without statistics would walk the event's submissions or attempts by those indexes
    # (1 ms; 28 ms for 50 participants' among 117,500 attempts) rather than look up the
    # team's attempts or the participants' submissions (0.06 ms). A submission's attempt is of
    # its event, and participant ids are the event's own. Teams and participants both named
    # are asked for in two queries (``_creative_items``): an OR across the two tables' columns
    # leaves SQLite no index to start from.
    assert shape != (True, True), "ask for teams and participants apart"
    return query.where(_any_of(shape, (Attempt.team_id,), (Submission.participant_id,)))


def _creative_items(
    event: Event, until: datetime | None, owners: Owners, items: list[ScoredItem]
) -> None:
    """The judged creative points: one per attempt, from its latest approved submission that
    judges have approved, the reviews combined by the event's policy and capped at the task's
    points."""
    last = event.review_policy == "last"
    shape = _shape(owners)
    shapes = [(True, False), (False, True)] if shape == (True, True) else [shape]
    params = _params(event, until, owners)
    latest: dict[int, Any] = {}
    for one in shapes:  # a row found by its team and by its author is kept once
        for row in _rows(_judged_query(one, until is not None, last), params):
            attempt_id = row[1]
            if attempt_id not in latest or row[0] > latest[attempt_id][0]:
                latest[attempt_id] = row
    for _sub, attempt_id, task_id, team_id, pid, cap, total, count, at, *rest in latest.values():
        points = int(rest[0]) if last else mean_points(int(total), int(count))
        reached = _aware(at)
        assert reached is not None
        items.append(
            ScoredItem("creative", team_id, pid, min(points, cap), reached, task_id, attempt_id)
        )


def scored_items(
    event: Event,
    until: datetime | None = None,
    *,
    questions: bool = True,
    owners: Owners = None,
) -> list[ScoredItem]:
    """Every source of points of the event (up to ``until``), one item per source; with
    ``owners`` (teams, participants), only judged creative points and adjustments, at least
    every one of those teams and participants (others' that share a row may come along)."""
    assert owners is None or not questions, "question items are never narrowed"
    items: list[ScoredItem] = []
    if questions:
        items.extend(_question_items(event, until))
    _creative_and_adjustment_items(event, until, items, owners)
    return items


def _question_where(bounded: bool) -> list[Any]:
    """The conditions of counted question attempts, the event first (see below). An answered
    attempt is a question's: ``attempts.answer`` refuses a creative task, and a task's kind
    cannot change once it has attempts (``services.tasks``). So no task is joined: its kind,
    looked up for each of 97,500 answers, was a third of an event's sum. ``ANSWERED`` is the
    WHERE of ix_attempt_event_answered, which SQLite reads only for a term that repeats it."""
    where = [Attempt.event_id == bindparam("event_id"), ANSWERED]
    if bounded:
        where.append(Attempt.answered_at <= bindparam("until"))
    return where


_REACHED = func.max(case((Attempt.points != 0, Attempt.answered_at)))


@cache
def _question_items_query(bounded: bool) -> Select[Any]:
    return select(
        Attempt.id,
        Attempt.task_id,
        Attempt.team_id,
        SCORER,
        Attempt.points,
        Attempt.answered_at,
    ).where(*_question_where(bounded))


def _question_items(event: Event, until: datetime | None) -> list[ScoredItem]:
    rows = _rows(_question_items_query(until is not None), _params(event, until))
    return [
        ScoredItem("question", team_id, pid, points, at, task_id, attempt_id)
        for attempt_id, task_id, team_id, pid, points, at in rows
    ]


@cache
def _adjustments_query(shape: Shape, bounded: bool) -> Select[Any]:
    """The adjustments (their team, participant, points and time, and the team their
    participant is in now) of the event, or of the named teams and participants."""
    aq = (
        select(
            Adjustment.team_id,
            Adjustment.participant_id,
            Adjustment.points,
            Adjustment.created_at,
            Participant.team_id,
        )
        .outerjoin(Participant, Participant.id == Adjustment.participant_id)
        .where(Adjustment.event_id == bindparam("event_id"))
    )
    if shape is not None:
        teams_of = (Adjustment.team_id, Participant.team_id)  # a member's counts for the team
        aq = aq.where(_any_of(shape, teams_of, (Adjustment.participant_id,)))
    if bounded:
        aq = aq.where(Adjustment.created_at <= bindparam("until"))
    return aq


def _creative_and_adjustment_items(
    event: Event, until: datetime | None, items: list[ScoredItem], owners: Owners = None
) -> None:
    """The judged creative items and the adjustments of the event, or (``owners``) at least
    every one of those teams and participants (with others' that share a row with them)."""
    _creative_items(event, until, owners, items)
    # A participant's adjustment counts for the team they are in now.
    query = _adjustments_query(_shape(owners), until is not None)
    for team_id, pid, points, at, member_of in _rows(query, _params(event, until, owners)):
        if team_id is None and pid is not None:
            team_id = member_of
        items.append(ScoredItem("adjustment", team_id, pid, points, at))


def _question_tallies(
    event: Event, until: datetime | None, *, teams_only: bool = False
) -> tuple[dict[int, _Tally], dict[int, _Tally]]:
    """Question points of the whole event summed by the database, per team and per answering
    participant: one pass grouped by (team, scorer), both boards are sums of those groups (a
    participant who changed teams has two); with ``teams_only`` one GROUP BY team, less than
    half the work."""
    params = _params(event, until)
    if teams_only:
        return _grouped(_grouped_query("team", None, until is not None), params), {}
    teams: dict[int, _Tally] = {}
    people: dict[int, _Tally] = {}
    for team_id, pid, points, done, at in _rows(_pairs_query(until is not None), params):
        for out, ident in ((teams, team_id), (people, pid)):
            if ident is not None:  # a tally of its own in each board (they are added to)
                part = _Tally(int(points or 0), _aware(at), int(done))
                out[ident] = _merged(out.get(ident), part)
    return teams, people


@cache
def _pairs_query(bounded: bool) -> Select[Any]:
    return (
        select(Attempt.team_id, SCORER, func.sum(Attempt.points), func.count(Attempt.id), _REACHED)
        .where(*_question_where(bounded))
        .group_by(Attempt.team_id, SCORER)
    )


def _question_tallies_of(
    event: Event, until: datetime | None, teams: set[int], people: set[int]
) -> tuple[dict[int, _Tally], dict[int, _Tally]]:
    """Question points of only these teams and participants, by indexed lookups: a team's
    attempts by attempt(event_id, team_id); a participant's by who started or answered them
    (the groups of other scorers those rows bring along are partial and dropped). The
    participants' query names no event: participant ids are the event's own, and SQLite
    without statistics would otherwise walk the event's attempts (25 ms, not 0.1 ms)."""
    params = _params(event, until, (teams, people))
    bounded = until is not None
    teams_of = _grouped(_grouped_query("team", "teams", bounded), params) if teams else {}
    people_of: dict[int, _Tally] = {}
    if people:
        grouped = _grouped(_grouped_query("scorer", "people", bounded), params)
        people_of = {ident: tally for ident, tally in grouped.items() if ident in people}
    return teams_of, people_of


@cache
def _grouped_query(key: str, named: str | None, bounded: bool) -> Select[Any]:
    """Question points per ``key`` ("team" or "scorer") of the event, or (``named``) of the
    "teams" or the "people" named."""
    column = Attempt.team_id if key == "team" else SCORER
    where = _question_where(bounded)
    if named == "teams":
        where.append(Attempt.team_id.in_(bindparam("teams", expanding=True)))
    elif named == "people":
        mine = or_(
            Attempt.participant_id.in_(bindparam("people", expanding=True)),
            Attempt.answered_by_id.in_(bindparam("people", expanding=True)),
        )
        where = [*where[1:], mine]  # all but the event (see _question_tallies_of)
    return (
        select(column, func.sum(Attempt.points), func.count(Attempt.id), _REACHED)
        .where(*where)
        .group_by(column)
    )


def _grouped(query: Select[Any], params: dict[str, Any]) -> dict[int, _Tally]:
    """Question points summed by the database per team or scorer."""
    return {
        ident: _Tally(int(points or 0), _aware(at), int(done))
        for ident, points, done, at in _rows(query, params)
        if ident is not None
    }


def _merged(a: _Tally | None, b: _Tally | None) -> _Tally:
    """The sum of two tallies, reached at the later of their moments. (Compared by hand, not
    by ``max`` over a generator: 0.24 against 0.72 µs, and a board sums 5,000 pairs.)"""
    if a is None or b is None:
        return a or b or _Tally()
    ra, rb = a.reached_at, b.reached_at
    reached = ra if rb is None or (ra is not None and ra >= rb) else rb
    return _Tally(a.points + b.points, reached, a.tasks_done + b.tasks_done)


def _aware(at: datetime | None) -> datetime | None:
    """MAX() over a column loses the column type on SQLite: put the UTC zone back."""
    if at is None or at.tzinfo is not None:
        return at
    return at.replace(tzinfo=UTC)


@dataclass(frozen=True)
class _Board:
    """An event's tallies (up to ``until``), per team and per participant (none when
    ``teams_only``), kept as two parts that a narrow score version lets us sum again for a
    few teams and participants each: question points (of stamped attempts) and the rest
    (judged creative points of stamped attempts with submissions, stamped adjustments).
    Shared between requests: read-only."""

    teams_only: bool
    narrow_count: int  # the score version's count of narrow changes it is up to date with
    kept_count: int  # and of full changes that kept question points
    q_teams: dict[int, _Tally]
    q_people: dict[int, _Tally]
    o_teams: dict[int, _Tally]
    o_people: dict[int, _Tally]
    teams: dict[int, _Tally]
    people: dict[int, _Tally]


def _combined(q: dict[int, _Tally], o: dict[int, _Tally]) -> dict[int, _Tally]:
    out = dict(q)
    for ident, part in o.items():
        out[ident] = _merged(out.get(ident), part)
    return out


def _compute_board(
    event: Event, until: datetime | None, *, teams_only: bool, now: score_version.State
) -> _Board:
    """The event's tallies at version ``now``, summed anew."""
    q_teams, q_people = _question_tallies(event, until, teams_only=teams_only)
    return _with_others(event, until, teams_only, now, q_teams, q_people)


def _with_others(
    event: Event,
    until: datetime | None,
    teams_only: bool,
    now: score_version.State,
    q_teams: dict[int, _Tally],
    q_people: dict[int, _Tally],
) -> _Board:
    """A board at version ``now`` of these question tallies and the event's judged creative
    points and adjustments, summed anew."""
    items = scored_items(event, until, questions=False)
    o_teams, o_people = _other_tallies(items, None, set() if teams_only else None)
    return _Board(
        teams_only,
        now.narrow_count,
        now.kept_count,
        q_teams,
        q_people,
        o_teams,
        o_people,
        _combined(q_teams, o_teams),
        _combined(q_people, o_people),
    )


# Past this many teams and participants to sum again, one pass over the event is cheaper.
MAX_TOUCHED = 400


def _other_tallies(
    items: list[ScoredItem], teams: set[int] | None, people: set[int] | None
) -> tuple[dict[int, _Tally], dict[int, _Tally]]:
    """Judged creative points and adjustments summed per team and per participant (only
    those named, unless None: all)."""
    o_teams: dict[int, _Tally] = defaultdict(_Tally)
    o_people: dict[int, _Tally] = defaultdict(_Tally)
    for item in items:
        if item.participant_id is not None and (people is None or item.participant_id in people):
            o_people[item.participant_id].add(item)
        if item.team_id is not None and (teams is None or item.team_id in teams):
            o_teams[item.team_id].add(item)
    return dict(o_teams), dict(o_people)


@cache
def _stamped_queries() -> tuple[Select[Any], Select[Any], Select[Any]]:
    """The rows stamped after version ``since``: the attempts (whose), the authors of their
    submissions, the adjustments (whose)."""
    later = bindparam("since")
    stamped = select(
        Attempt.id, Attempt.team_id, Attempt.participant_id, Attempt.answered_by_id
    ).where(Attempt.event_id == bindparam("event_id"), Attempt.scored_version > later)
    authors = (
        select(Submission.attempt_id, Submission.participant_id)
        .where(Submission.attempt_id.in_(bindparam("attempts", expanding=True)))
        .distinct()
    )
    adjustments = (
        select(Adjustment.team_id, Adjustment.participant_id, Participant.team_id)
        .outerjoin(Participant, Participant.id == Adjustment.participant_id)
        .where(Adjustment.event_id == bindparam("event_id"), Adjustment.scored_version > later)
    )
    return stamped, authors, adjustments


class Touched(NamedTuple):
    """Whose sums a narrow change may have moved: question points (``q_``), judged creative
    points and adjustments (``o_``), of teams and of participants."""

    q_teams: set[int]
    o_teams: set[int]
    q_people: set[int]
    o_people: set[int]

    def teams(self) -> set[int]:
        return self.q_teams | self.o_teams

    def people(self) -> set[int]:
        return self.q_people | self.o_people


def touched_since(event: Event, since: int, *, teams_only: bool) -> Touched:
    """The teams and participants (none with ``teams_only``) whose sums the rows stamped after
    version ``since`` may have moved: question points for the stamped attempts' teams,
    starters and answerers; judged creative points and adjustments for the teams and
    submission authors of those of them that have submissions (only a submission or a review
    changes those narrowly) and for the stamped adjustments' teams and participants (and the
    team a participant is in now)."""
    stamped, authors, adjustments = _stamped_queries()
    params = {"event_id": event.id, "since": since}
    rows = _rows(stamped, params)
    subs: Sequence[Row[Any]] = []
    if rows:
        subs = _rows(authors, {"attempts": [row[0] for row in rows]})
    # Adjustments added or changed: their team, or their participant and the team they are in.
    adjusted = _rows(adjustments, params)
    with_subs = {attempt_id for attempt_id, _ in subs}
    q_teams = {row[1] for row in rows if row[1] is not None}
    o_teams = {row[1] for row in rows if row[1] is not None and row[0] in with_subs}
    o_teams.update(team if team is not None else member_of for team, _, member_of in adjusted)
    o_teams.discard(None)  # type: ignore[arg-type]
    q_people: set[int] = set()
    o_people: set[int] = set()
    if not teams_only:
        # Who started an attempt scored it while it named no answerer: both are summed again.
        q_people = {p for row in rows for p in row[2:] if p is not None}
        o_people = {author for _, author in subs}
        o_people.update(pid for _, pid, _ in adjusted if pid is not None)
    return Touched(q_teams, o_teams, q_people, o_people)


def _replaced(
    base: dict[int, _Tally], fresh: dict[int, _Tally], wanted: set[int]
) -> dict[int, _Tally]:
    """A copy of ``base`` with the tallies of ``wanted`` taken from ``fresh`` (none where it
    has none)."""
    out = dict(base)
    for ident in wanted:
        out.pop(ident, None)
        if ident in fresh:
            out[ident] = fresh[ident]
    return out


def _advanced(
    event: Event,
    until: datetime | None,
    base: _Board,
    since: int,
    *,
    teams_only: bool,
    now: score_version.State,
) -> _Board | None:
    """``base`` (cached at version ``since``, no full change after it) brought up to
    version ``now`` from the rows stamped after it: the tallies of whom they touched
    (``touched_since``) summed again, everyone else's kept. None when too many changed."""
    touched = touched_since(event, since, teams_only=teams_only)
    if len(touched.teams()) + len(touched.people()) > MAX_TOUCHED:
        return None
    fresh_q = _question_tallies_of(event, until, touched.q_teams, touched.q_people)
    items: list[ScoredItem] = []
    if touched.o_teams or touched.o_people:
        owners = (touched.o_teams, touched.o_people)
        _creative_and_adjustment_items(event, until, items, owners)
    fresh_o = _other_tallies(items, touched.o_teams, touched.o_people)
    q_teams = _replaced(base.q_teams, fresh_q[0], touched.q_teams)
    o_teams = _replaced(base.o_teams, fresh_o[0], touched.o_teams)
    q_people: dict[int, _Tally] = {}
    o_people: dict[int, _Tally] = {}
    people: dict[int, _Tally] = {}
    if not teams_only:
        q_people = _replaced(base.q_people, fresh_q[1], touched.q_people)
        o_people = _replaced(base.o_people, fresh_o[1], touched.o_people)
        people = _recombined(base.people, q_people, o_people, touched.people())
    teams = _recombined(base.teams, q_teams, o_teams, touched.teams())
    return _Board(
        teams_only,
        now.narrow_count,
        now.kept_count,
        q_teams,
        q_people,
        o_teams,
        o_people,
        teams,
        people,
    )


def _recombined(
    base: dict[int, _Tally], q: dict[int, _Tally], o: dict[int, _Tally], wanted: set[int]
) -> dict[int, _Tally]:
    """A copy of ``base`` (the sums of ``q`` and ``o``) with those of ``wanted`` summed again."""
    out = dict(base)
    for ident in wanted:
        out.pop(ident, None)
        if ident in q or ident in o:
            out[ident] = _merged(q.get(ident), o.get(ident))
    return out


def _rebased(
    event: Event,
    until: datetime | None,
    base: _Board,
    since: int,
    *,
    teams_only: bool,
    now: score_version.State,
) -> _Board | None:
    """``base`` (cached at version ``since``; only narrow changes and full ones that kept
    question points after it) brought up to date: its question tallies advanced by the
    stamped rows (``touched_since``), the judged creative points and adjustments summed anew
    for the whole event. None when too many question tallies changed."""
    touched = touched_since(event, since, teams_only=teams_only)
    if len(touched.q_teams) + len(touched.q_people) > MAX_TOUCHED:
        return None
    fresh_teams, fresh_people = _question_tallies_of(
        event, until, touched.q_teams, touched.q_people
    )
    q_teams = _replaced(base.q_teams, fresh_teams, touched.q_teams)
    q_people = {} if teams_only else _replaced(base.q_people, fresh_people, touched.q_people)
    return _with_others(event, until, teams_only, now, q_teams, q_people)


# Per process: one slot per (event id, created_at, until, what) holding only the value built
# under the newest score version (a board's tallies, or what memo() built): under a stream of
# answers old versions are never read again, and a board's body for 5,000 participants is a
# few hundred kB. A board's tallies are also the base the next version's are advanced from.
Version = tuple[str, int]
_CACHE = NewestCache(slots=256)
_TALLIES = "tallies"
_TEAM_TALLIES = "team tallies"


def _slot(event: Event, until: datetime | None, name: str) -> tuple[object, ...]:
    """A cache slot. ``created_at`` tells a new event from a deleted one whose id the
    database reused."""
    return (event.id, event.created_at, until, name)


# While memo() builds a value: the version it will be kept under, for the reads it makes.
_BUILDING: ContextVar[tuple[int, score_version.State] | None] = ContextVar(
    "leaderboard_building", default=None
)


def _state(event: Event) -> score_version.State:
    """The event's current score version, one query (see ``score_version.state``); inside
    memo()'s build, the version the value will be kept under (one read for the whole build)."""
    building = _BUILDING.get()
    if building is not None and building[0] == event.id:
        return building[1]
    return score_version.state(db.session, event.id)


def _cached(slot: tuple[object, ...], version: Version) -> Any:
    return _CACHE.get(slot, version)


def _store(
    slot: tuple[object, ...], version: Version, value: Any, cache: NewestCache | None = None
) -> None:
    """Keep ``value`` (in ``cache``, by default the boards') unless this session's open
    transaction has changed points (then what it read is not what other sessions see under
    the same version)."""
    if not score_version.pending(db.session):
        (_CACHE if cache is None else cache).put(slot, version, value)


def _base(
    slots: list[tuple[object, ...]], now: score_version.State, *, kept: bool
) -> tuple[_Board, int, bool] | None:
    """The newest cached board of these slots that ``now`` can be advanced from (same epoch,
    an earlier version, only narrow (stamped) changes since), or with ``kept`` rebased from
    (full changes that kept question points came too; the third value says which)."""
    for slot in slots:
        latest = _CACHE.latest(slot)
        if latest is None:
            continue
        (epoch, version), board = latest
        if epoch != now.epoch:
            continue
        if now.narrow_since(version, board.narrow_count):
            return board, version, False
        if kept and now.questions_kept_since(version, board.narrow_count, board.kept_count):
            return board, version, True
    return None


def _cached_board(
    event: Event, until: datetime | None, *, teams_only: bool, now: score_version.State
) -> _Board | None:
    """The event's tallies at version ``now`` if this process holds them (a teams-only board
    is also served by the event's full board)."""
    slots = _slots(event, until, teams_only)
    return next((hit for slot in slots if (hit := _cached(slot, now.key)) is not None), None)


def _slots(event: Event, until: datetime | None, teams_only: bool) -> list[tuple[object, ...]]:
    """The slots a board may come from, its own first."""
    full = _slot(event, until, _TALLIES)
    return [_slot(event, until, _TEAM_TALLIES), full] if teams_only else [full]


def _advanced_board(
    event: Event,
    until: datetime | None,
    *,
    teams_only: bool,
    now: score_version.State,
    kept: bool = True,
) -> _Board | None:
    """The event's tallies at version ``now`` advanced from an earlier cached board, when
    only narrow changes came since and not too many, or (``kept``) rebased from it when full
    changes that kept question points came too; kept in the board's own slot."""
    slots = _slots(event, until, teams_only)
    base = _base(slots, now, kept=kept)
    if base is None:
        return None
    cached, since, rebase = base
    if rebase:
        board = _rebased(event, until, cached, since, teams_only=teams_only, now=now)
    else:
        board = _advanced(event, until, cached, since, teams_only=teams_only, now=now)
    if board is not None:
        _store(slots[0], now.key, board)
    return board


def _board(
    event: Event, until: datetime | None, *, teams_only: bool, now: score_version.State
) -> _Board:
    """The event's tallies at version ``now``: from the cache while it holds, else advanced
    from an earlier cached board after narrow changes (or rebased on its question tallies
    after full changes that kept them), else summed in full."""
    board = _cached_board(event, until, teams_only=teams_only, now=now) or _advanced_board(
        event, until, teams_only=teams_only, now=now
    )
    if board is None:
        board = _compute_board(event, until, teams_only=teams_only, now=now)
        _store(_slots(event, until, teams_only)[0], now.key, board)
    return board


def _one_tally(event: Event, until: datetime | None, scope: tuple[str, int]) -> _Tally:
    """One team's or participant's tally: from the event's cached board when current, else
    kept for this version, else from the board cheaply advanced, else from queries narrowed
    to that team or participant (a home page must never sum the whole event)."""
    kind, ident = scope
    now, teams_only = _state(event), kind == "team"
    board = _cached_board(event, until, teams_only=teams_only, now=now)
    one = (event.id, event.created_at, until, kind, ident)
    if board is None:
        found = _ONE.get(one, now.key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        # Only a cheap advance: a rebase sums the event's creative points and adjustments, a
        # home page's narrowed queries cost less.
        board = _advanced_board(event, until, teams_only=teams_only, now=now, kept=False)
    if board is not None:
        return (board.teams if teams_only else board.people).get(ident) or _Tally()
    tally = _narrowed_tally(event, until, scope)
    _store(one, now.key, tally, _ONE)
    return tally


# One team's or participant's tally, when no board of the event is cached in this process
# (a worker that serves home pages but no board): kept per score version, like the boards.
_ONE = NewestCache(slots=8192)


def _narrowed_tally(event: Event, until: datetime | None, scope: tuple[str, int]) -> _Tally:
    """One team's or participant's tally from queries narrowed to them."""
    kind, ident = scope
    owners = _owners(scope)
    q_teams, q_people = _question_tallies_of(event, until, *owners)
    items: list[ScoredItem] = []
    _creative_and_adjustment_items(event, until, items, owners)
    o_teams, o_people = _other_tallies(items, *owners)
    q, o = (q_teams, o_teams) if kind == "team" else (q_people, o_people)
    return _merged(q.get(ident), o.get(ident))


def memo(event: Event, until: datetime | None, name: str, build: Callable[[], T]) -> T:
    """``build()``'s value, kept per process while the event's score version holds: for what
    is derived from the standings alone (ranked lists, a board's JSON body). Never kept when
    this session's open transaction has changed points (others do not see that state)."""
    slot, now = _slot(event, until, name), _state(event)
    hit = _cached(slot, now.key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    token = _BUILDING.set((event.id, now))
    try:
        value = build()
    finally:
        _BUILDING.reset(token)
    _store(slot, now.key, value)
    return value


def _names(event: Event, name: str, now: score_version.State, query: Any) -> list[Any]:
    """The rows of names a board ranks, kept while no name changed: a rename, a new team or
    participant, a move to another team, a deletion moves ``names_version``. Keyed on the
    count of full changes that did not keep question points too: one made by an older
    release moves no ``names_version``."""
    slot, key = _slot(event, None, name), (now.epoch, now.unkept, now.names_version)
    rows = _cached(slot, key)
    if rows is None:
        rows = db.session.execute(query).all()
        _store(slot, key, rows)
    return rows  # type: ignore[no-any-return]


def _team_standings(event: Event, until: datetime | None) -> Ranked:
    now = _state(event)
    teams = _board(event, until, teams_only=True, now=now).teams
    query = select(Team.id, Team.name, Team.name).where(Team.event_id == event.id)
    rows = _names(event, "team names", now, query)
    return _ranked(event, until, "teams", rows, teams)


def _participant_standings(event: Event, until: datetime | None) -> Ranked:
    now = _state(event)
    people = _board(event, until, teams_only=False, now=now).people
    rows = _names(
        event,
        "participant names",
        now,
        select(Participant.id, Participant.name, Team.name)
        .outerjoin(Team, Team.id == Participant.team_id)
        .where(Participant.event_id == event.id),
    )
    return _ranked(event, until, "people", rows, people)


def _ranked(
    event: Event, until: datetime | None, name: str, rows: Rows, tallies: dict[int, _Tally]
) -> Ranked:
    """``rows`` ranked by ``tallies``, from the newest ranking memo() keeps in the slot
    ``name`` when this process has one (``ranking.ranked``: only the rows whose tally, name
    or team changed are moved)."""
    latest = _CACHE.latest(_slot(event, until, name))
    return ranked(rows, tallies, _ZERO, None if latest is None else latest[1])


def team_standings(event: Event, until: datetime | None = None) -> list[Standing]:
    """Teams ranked by points, then by who reached the score first."""
    return list(memo(event, until, "teams", lambda: _team_standings(event, until)).standings)


def participant_standings(event: Event, until: datetime | None = None) -> list[Standing]:
    """Participants ranked by the points they scored (answers they gave, their judged
    submissions, their adjustments)."""
    ranking = memo(event, until, "people", lambda: _participant_standings(event, until))
    return list(ranking.standings)


def team_points(event: Event, team_id: int, until: datetime | None = None) -> int:
    return _one_tally(event, until, ("team", team_id)).points


def participant_points(event: Event, participant_id: int, until: datetime | None = None) -> int:
    return _one_tally(event, until, ("participant", participant_id)).points


def board_until(event: Event, now: datetime, live: bool) -> datetime | None:
    """The moment the board a viewer sees is computed up to: None (live) for organizers and
    before the freeze, ``event.freeze_at`` for everyone else once it has passed."""
    if live or event.freeze_at is None or now < event.freeze_at:
        return None
    return event.freeze_at
