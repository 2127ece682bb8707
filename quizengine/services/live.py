"""The live dashboard's data: team x checkpoint grid, a cursor-paged feed, flag decisions.

Everything is read from the database on each call, so any number of gunicorn workers can
answer the dashboard's polls; the grid (``live_grid``) keeps per process only what is keyed on
the database's own state (the score version, a mark of the check-ins). The feed pages
check-ins, submissions and answers with a cursor that never skips a row committing late (a
lower id or an earlier answer time committing after a later one was shown): ``live_cursor``
explains how and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import (
    and_,
    case,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import joinedload

from checkpoints.timeutil import format_local, utc_now
from quizengine.extensions import db
from quizengine.models import (
    Attempt,
    CheckIn,
    Checkpoint,
    Event,
    Participant,
    Submission,
    SubmissionStatus,
    Task,
    Team,
)
from quizengine.services import audit, live_cursor

FLAG_DECISIONS = ("cleared", "upheld")
FEED_LIMIT = 100


class LiveError(ValueError):
    """A request the dashboard cannot honour (bad cursor, unknown check-in, bad decision)."""


def parse_cursor(raw: str | None) -> live_cursor.Cursor | None:
    """The client's cursor (None: first poll); see ``live_cursor`` for what it holds."""
    if not raw:
        return None
    try:
        return live_cursor.decode(raw)
    except ValueError:
        raise LiveError(_("bad cursor")) from None


def _who(team: str | None, person: str | None) -> str:
    return " · ".join(x for x in (team, person) if x)


@dataclass(frozen=True)
class _Stream:
    """One kind of feed row: its table, its time column, and whether it is paged by time."""

    name: str
    model: Any
    time: Any
    by_time: bool

    def base(self, event_id: int) -> list[Any]:
        if not self.by_time:
            return [self.model.event_id == event_id]
        # Answers are found by time (index attempt.answered_at) and then checked for the event:
        # "+ 0" keeps SQLite, which has no statistics, from walking the event's attempts by an
        # event index instead (97,500 rows a poll); PostgreSQL plans by its statistics.
        return [(self.model.event_id + 0) == event_id, self.time.is_not(None)]

    def after(self, pos: tuple[int, ...]) -> Any:
        if not self.by_time:
            return self.model.id > pos[0]
        at = live_cursor.from_us(pos[0])
        # (time > at) or (time = at and id > after), with the bound first: an index range
        # starts there (the OR alone walked every answer of the event, 19 ms a poll).
        return and_(self.time >= at, or_(self.time > at, self.model.id > pos[1]))

    def position(self, row_id: int, ts_us: int) -> tuple[int, ...]:
        return (ts_us, row_id) if self.by_time else (row_id,)


_STREAMS = (
    _Stream("c", CheckIn, CheckIn.created_at, by_time=False),
    _Stream("s", Submission, Submission.created_at, by_time=False),
    _Stream("a", Attempt, Attempt.answered_at, by_time=True),
)


def _keys(
    stream: _Stream, event_id: int, pos: tuple[int, ...], since: datetime, limit: int
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(id, time µs) of the next page after ``pos`` (in order) and of the window: rows at or
    before ``pos`` whose time is ``since`` or later. One statement, so one snapshot: the
    window's hashes describe exactly what the page could see."""
    m, ts = stream.model, stream.time
    if stream.by_time and pos[0] >= live_cursor.us(since):
        # Caught up (the position is inside the window): the rows from ``since`` on hold both
        # the window and everything new, so one scan of the event's rows does.
        keys = [
            (row_id, live_cursor.us(at))
            for row_id, at in db.session.execute(
                select(m.id, ts).where(*stream.base(event_id), ts >= since)
            )
        ]
        keys.sort(key=lambda r: stream.position(*r))
        old = [k for k in keys if stream.position(*k) <= pos]
        return [k for k in keys if stream.position(*k) > pos][:limit], old
    order = (ts, m.id) if stream.by_time else (m.id,)
    page = (
        select(literal_column("1").label("new"), m.id.label("id"), ts.label("ts"))
        .where(*stream.base(event_id), stream.after(pos))
        .order_by(*order)
        .limit(limit)
        .subquery()
    )
    window = select(literal_column("0"), m.id, ts).where(
        *stream.base(event_id), not_(stream.after(pos)), ts >= since
    )
    rows = db.session.execute(union_all(select(page.c.new, page.c.id, page.c.ts), window))
    new: list[tuple[int, int]] = []
    old: list[tuple[int, int]] = []
    for is_new, row_id, at in rows:
        (new if is_new else old).append((row_id, live_cursor.us(at)))
    new.sort(key=lambda r: stream.position(*r))
    return new, old


def _checkin_items(event: Event, ids: list[int]) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(CheckIn, Checkpoint.name, Team.name, Participant.name)
        .join(Checkpoint, Checkpoint.id == CheckIn.checkpoint_id)
        .outerjoin(Participant, Participant.id == CheckIn.participant_id)
        .outerjoin(Team, Team.id == func.coalesce(CheckIn.team_id, Participant.team_id))
        .where(CheckIn.event_id == event.id, CheckIn.id.in_(ids))
    ).all()
    return [
        {
            "key": f"c{ci.id}",
            "type": "checkin",
            "at": ci.created_at.isoformat(),
            "time": format_local(ci.created_at, event.timezone, "%H:%M:%S"),
            "who": _who(team_name, person),
            "checkpoint": cp_name,
            "accepted": ci.accepted,
            "verdict": ci.verdict,
            "distance_m": None if ci.distance_m is None else round(ci.distance_m),
            "flags": [f.get("code", str(f)) for f in (ci.flags or [])],
        }
        for ci, cp_name, team_name, person in rows
    ]


def _submission_items(event: Event, ids: list[int]) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Submission, Task.title, Task.prompt, Team.name, Participant.name)
        .join(Attempt, Attempt.id == Submission.attempt_id)
        .join(Task, Task.id == Attempt.task_id)
        .join(Participant, Participant.id == Submission.participant_id)
        .outerjoin(Team, Team.id == Attempt.team_id)
        .where(Submission.event_id == event.id, Submission.id.in_(ids))
    ).all()
    return [
        {
            "key": f"s{sub.id}",
            "type": "submission",
            "at": sub.created_at.isoformat(),
            "time": format_local(sub.created_at, event.timezone, "%H:%M:%S"),
            "who": _who(team_name, person),
            "task": title or prompt[:60],
            "status": sub.status,
        }
        for sub, title, prompt, team_name, person in rows
    ]


def _answer_items(event: Event, ids: list[int]) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Attempt, Task.title, Task.prompt, Team.name, Participant.name)
        .join(Task, Task.id == Attempt.task_id)
        .join(
            Participant,
            Participant.id == func.coalesce(Attempt.answered_by_id, Attempt.participant_id),
        )
        .outerjoin(Team, Team.id == Attempt.team_id)
        .where(
            Attempt.event_id == event.id,
            Attempt.answered_at.is_not(None),
            Attempt.id.in_(ids),
        )
    ).all()
    items = []
    for attempt, title, prompt, team_name, person in rows:
        assert attempt.answered_at is not None
        items.append(
            {
                "key": f"a{attempt.id}",
                "type": "answer",
                "at": attempt.answered_at.isoformat(),
                "time": format_local(attempt.answered_at, event.timezone, "%H:%M:%S"),
                "who": _who(team_name, person),
                "task": title or prompt[:60],
                "correct": attempt.correct,
                "points": attempt.points,
                "status": attempt.status,
            }
        )
    return items


_IDS_PER_QUERY = 1000  # bound parameters per query (SQLite allows 32,766)
_ITEMS = {"c": _checkin_items, "s": _submission_items, "a": _answer_items}


def _recent_start(stream: _Stream, event_id: int, keep: int) -> live_cursor.Mark:
    """Where a dashboard's first poll starts a stream: just before its newest ``keep`` rows.
    The page shows the newest few hundred; started at the first row, a dashboard opened in
    the middle of a city race drained the event's whole history, 100 rows of each stream
    every 200 ms (118,000 rows: about 1,200 polls of 50 kB)."""
    m, ts = stream.model, stream.time
    order = (ts.desc(), m.id.desc()) if stream.by_time else (m.id.desc(),)
    row = db.session.execute(
        select(m.id, ts).where(*stream.base(event_id)).order_by(*order).offset(keep).limit(1)
    ).first()
    if row is None:  # no more than ``keep`` rows: from the first
        return live_cursor.start_mark(stream.name)
    return live_cursor.Mark(stream.position(row[0], live_cursor.us(row[1])), None)


def feed(
    event: Event,
    cursor: str | None,
    limit: int = FEED_LIMIT,
    late_window: timedelta = live_cursor.LATE_WINDOW,
) -> dict[str, Any]:
    """Check-ins, answers and submissions after ``cursor`` (without one: the newest ``limit``
    of each), oldest first, plus the rows of the recent window that committed after the
    cursor's poll (see ``live_cursor``); the next cursor; ``more`` when a stream has more rows
    than ``limit`` waiting."""
    last = parse_cursor(cursor)
    now = utc_now()
    horizon = live_cursor.horizon(db.session, now, late_window)
    horizon_us = live_cursor.us(horizon)
    width_us = live_cursor.width_for(horizon_us, live_cursor.us(now))
    items: list[dict[str, Any]] = []
    marks: dict[str, live_cursor.Mark] = {}
    more = False
    for stream in _STREAMS:
        mark = last.marks[stream.name] if last else _recent_start(stream, event.id, limit)
        since_us = horizon_us
        if last is not None and mark.slices is not None:
            since_us = min(since_us, last.horizon_us)
        new, window = _keys(stream, event.id, mark.pos, live_cursor.from_us(since_us), limit)
        again = live_cursor.changed(window, last, mark, horizon_us) if last else []
        more = more or len(new) >= limit
        ids = [row_id for row_id, _ts in new] + again
        for n in range(0, len(ids), _IDS_PER_QUERY):
            items += _ITEMS[stream.name](event, ids[n : n + _IDS_PER_QUERY])
        marks[stream.name] = live_cursor.Mark(
            stream.position(*new[-1]) if new else mark.pos,
            live_cursor.slices(window + new, horizon_us, width_us),
        )
    items.sort(key=lambda i: (i["at"], i["key"]))
    next_cursor = live_cursor.Cursor(horizon_us, width_us, marks).encode()
    return {"items": items, "cursor": next_cursor, "more": more}


def counts(event: Event) -> dict[str, int]:
    """What needs an organizer's eye: pending reviews, undecided flags, refused check-ins."""
    pending = db.session.scalar(
        select(func.count(Submission.id)).where(
            Submission.event_id == event.id, Submission.status == SubmissionStatus.PENDING.value
        )
    )
    # Both check-in counts in one pass over the event's entries of ix_checkin_event_counts,
    # which holds every column they read (the dashboard polls every 5 s).
    refused, open_flags = db.session.execute(
        select(
            func.count(case((CheckIn.accepted == false(), 1))),
            func.count(case((and_(_has_flags(), CheckIn.flag_decision.is_(None)), 1))),
        ).where(CheckIn.event_id == event.id)
    ).one()
    return {
        "pending_reviews": pending or 0,
        "open_flags": open_flags or 0,
        "refused_checkins": refused or 0,
    }


def _has_flags() -> Any:
    """SQL test for a non-empty flags list (``checkin.flagged``, kept with the flags; a
    literal, so that an index can serve it)."""
    return CheckIn.flagged == true()


def _with_people() -> tuple[Any, ...]:
    return (
        joinedload(CheckIn.checkpoint),
        joinedload(CheckIn.team),
        joinedload(CheckIn.participant),
    )


def flagged(event: Event, undecided_only: bool = False, limit: int = 200) -> list[CheckIn]:
    """Check-ins that carry flags, newest first."""
    q = (
        select(CheckIn)
        .options(*_with_people())
        .where(CheckIn.event_id == event.id, _has_flags())
        .order_by(CheckIn.id.desc())
        .limit(limit)
    )
    if undecided_only:
        q = q.where(CheckIn.flag_decision.is_(None))
    return list(db.session.scalars(q))


def refused(event: Event, limit: int = 50) -> list[CheckIn]:
    return list(
        db.session.scalars(
            select(CheckIn)
            .options(*_with_people())
            .where(CheckIn.event_id == event.id, CheckIn.accepted.is_(False))
            .order_by(CheckIn.id.desc())
            .limit(limit)
        )
    )


def decide_flag(
    event: Event, checkin_id: int, decision: str, reason: str, *, actor: str
) -> CheckIn:
    """Clear or uphold the flags on a check-in; audited. Upholding does not touch points: a
    penalty is a separate, explicit adjustment."""
    if decision not in FLAG_DECISIONS:
        raise LiveError(_("decision must be one of %(choices)s", choices=", ".join(FLAG_DECISIONS)))
    checkin = db.session.get(CheckIn, checkin_id)
    if checkin is None or checkin.event_id != event.id or not checkin.flags:
        raise LiveError(_("no flagged check-in with that id in this event"))
    before = {"flag_decision": checkin.flag_decision, "flags": checkin.flags}
    checkin.flag_decision = decision
    audit.record(
        event_id=event.id,
        actor=actor,
        action=f"checkin.flag.{decision}",
        target=f"checkin:{checkin.id}",
        reason=reason,
        before=before,
        after={"flag_decision": decision},
    )
    db.session.flush()
    return checkin
