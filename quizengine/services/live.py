"""The live dashboard's data: team x checkpoint grid, a cursor-paged feed, flag decisions.

Everything is read from the database on each call (no in-process state), so any number of
gunicorn workers can answer the dashboard's polls. The feed's cursor is the last check-in id,
the last submission id and the last answer time (microseconds) the client has seen.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Text, and_, cast, func, or_, select
from sqlalchemy.orm import joinedload

from checkpoints.timeutil import format_local
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
from quizengine.services import audit
from quizengine.services.leaderboard import scored_items

FLAG_DECISIONS = ("cleared", "upheld")
FEED_LIMIT = 100


class LiveError(ValueError):
    """A request the dashboard cannot honour (bad cursor, unknown check-in, bad decision)."""


@dataclass
class Cell:
    visited: bool = False
    tasks_done: int = 0
    tasks_total: int = 0
    points: int = 0


@dataclass
class Row:
    id: int
    name: str
    cells: dict[int, Cell] = field(default_factory=dict)
    points: int = 0  # checkpoint tasks + location-free tasks + adjustments


def _rows(event: Event) -> list[tuple[int, str]]:
    if event.mode == "team":
        q = select(Team.id, Team.name).where(Team.event_id == event.id).order_by(Team.name)
    else:
        q = (
            select(Participant.id, Participant.name)
            .where(Participant.event_id == event.id)
            .order_by(Participant.name)
        )
    return [(i, n) for i, n in db.session.execute(q)]


def grid(event: Event) -> tuple[list[Checkpoint], list[Row]]:
    """One row per team (team mode) or participant (individual mode), one cell per checkpoint."""
    team_mode = event.mode == "team"
    checkpoints = list(
        db.session.scalars(
            select(Checkpoint).where(Checkpoint.event_id == event.id).order_by(Checkpoint.position)
        )
    )
    task_cp = dict(
        db.session.execute(
            select(Task.id, Task.checkpoint_id).where(Task.event_id == event.id)
        ).all()
    )
    per_cp: dict[int | None, int] = defaultdict(int)
    for cp_id in task_cp.values():
        per_cp[cp_id] += 1
    rows = {
        i: Row(i, n, {cp.id: Cell(tasks_total=per_cp[cp.id]) for cp in checkpoints})
        for i, n in _rows(event)
    }
    team_of = dict(
        db.session.execute(
            select(Participant.id, Participant.team_id).where(Participant.event_id == event.id)
        ).all()
    )
    visits = db.session.execute(
        select(CheckIn.checkpoint_id, CheckIn.team_id, CheckIn.participant_id).where(
            CheckIn.event_id == event.id, CheckIn.accepted.is_(True)
        )
    )
    for cp_id, team_id, pid in visits:
        owner = (team_id or team_of.get(pid)) if team_mode else pid
        if owner in rows and cp_id in rows[owner].cells:
            rows[owner].cells[cp_id].visited = True
    for item in scored_items(event):
        owner = item.team_id if team_mode else item.participant_id
        if owner not in rows:
            continue
        rows[owner].points += item.points
        cp_id = task_cp.get(item.task_id) if item.task_id is not None else None
        if cp_id is not None and cp_id in rows[owner].cells:
            rows[owner].cells[cp_id].points += item.points
    done = db.session.execute(
        select(Attempt.task_id, Attempt.team_id, Attempt.participant_id).where(
            Attempt.event_id == event.id,
            or_(Attempt.answered_at.is_not(None), Attempt.status == "submitted"),
        )
    )
    for task_id, team_id, pid in done:
        owner = team_id if team_mode else pid
        cp_id = task_cp.get(task_id)
        if owner in rows and cp_id in rows[owner].cells:
            rows[owner].cells[cp_id].tasks_done += 1
    return checkpoints, list(rows.values())


def parse_cursor(raw: str | None) -> tuple[int, int, int]:
    """``"C.S.T"`` -> (last check-in id, last submission id, last answer time in µs)."""
    if not raw:
        return (0, 0, 0)
    parts = raw.split(".")
    if len(parts) != 3 or not all(p.isdigit() and len(p) <= 18 for p in parts):
        raise LiveError(_("bad cursor"))
    c, s, t = (int(p) for p in parts)
    return (c, s, t)


def _us(dt: datetime) -> int:
    return int(dt.timestamp() * 1_000_000)


def _who(team: str | None, person: str | None) -> str:
    return " · ".join(x for x in (team, person) if x)


def feed(event: Event, cursor: str | None, limit: int = FEED_LIMIT) -> dict[str, Any]:
    """Check-ins, answers and submissions after ``cursor``, oldest first, and the next cursor."""
    last_c, last_s, last_t = parse_cursor(cursor)
    tz = event.timezone
    items: list[dict[str, Any]] = []
    checkins = db.session.execute(
        select(CheckIn, Checkpoint.name, Team.name, Participant.name)
        .join(Checkpoint, Checkpoint.id == CheckIn.checkpoint_id)
        .outerjoin(Participant, Participant.id == CheckIn.participant_id)
        .outerjoin(Team, Team.id == func.coalesce(CheckIn.team_id, Participant.team_id))
        .where(CheckIn.event_id == event.id, CheckIn.id > last_c)
        .order_by(CheckIn.id)
        .limit(limit)
    ).all()
    for ci, cp_name, team_name, person in checkins:
        last_c = ci.id
        items.append(
            {
                "key": f"c{ci.id}",
                "type": "checkin",
                "at": ci.created_at.isoformat(),
                "time": format_local(ci.created_at, tz, "%H:%M:%S"),
                "who": _who(team_name, person),
                "checkpoint": cp_name,
                "accepted": ci.accepted,
                "verdict": ci.verdict,
                "distance_m": None if ci.distance_m is None else round(ci.distance_m),
                "flags": [f.get("code", str(f)) for f in (ci.flags or [])],
            }
        )
    subs = db.session.execute(
        select(Submission, Task.title, Task.prompt, Team.name, Participant.name)
        .join(Attempt, Attempt.id == Submission.attempt_id)
        .join(Task, Task.id == Attempt.task_id)
        .join(Participant, Participant.id == Submission.participant_id)
        .outerjoin(Team, Team.id == Attempt.team_id)
        .where(Submission.event_id == event.id, Submission.id > last_s)
        .order_by(Submission.id)
        .limit(limit)
    ).all()
    for sub, title, prompt, team_name, person in subs:
        last_s = sub.id
        items.append(
            {
                "key": f"s{sub.id}",
                "type": "submission",
                "at": sub.created_at.isoformat(),
                "time": format_local(sub.created_at, tz, "%H:%M:%S"),
                "who": _who(team_name, person),
                "task": title or prompt[:60],
                "status": sub.status,
            }
        )
    since = datetime.fromtimestamp(last_t / 1_000_000, UTC) if last_t else None
    aq = (
        select(Attempt, Task.title, Task.prompt, Team.name, Participant.name)
        .join(Task, Task.id == Attempt.task_id)
        .join(
            Participant,
            Participant.id == func.coalesce(Attempt.answered_by_id, Attempt.participant_id),
        )
        .outerjoin(Team, Team.id == Attempt.team_id)
        .where(Attempt.event_id == event.id, Attempt.answered_at.is_not(None))
        .order_by(Attempt.answered_at, Attempt.id)
        .limit(limit)
    )
    if since is not None:
        aq = aq.where(Attempt.answered_at > since)
    for attempt, title, prompt, team_name, person in db.session.execute(aq).all():
        assert attempt.answered_at is not None
        last_t = max(last_t, _us(attempt.answered_at))
        items.append(
            {
                "key": f"a{attempt.id}",
                "type": "answer",
                "at": attempt.answered_at.isoformat(),
                "time": format_local(attempt.answered_at, tz, "%H:%M:%S"),
                "who": _who(team_name, person),
                "task": title or prompt[:60],
                "correct": attempt.correct,
                "points": attempt.points,
                "status": attempt.status,
            }
        )
    items.sort(key=lambda i: (i["at"], i["key"]))
    return {"items": items, "cursor": f"{last_c}.{last_s}.{last_t}"}


def counts(event: Event) -> dict[str, int]:
    """What needs an organizer's eye: pending reviews, undecided flags, refused check-ins."""
    pending = db.session.scalar(
        select(func.count(Submission.id)).where(
            Submission.event_id == event.id, Submission.status == SubmissionStatus.PENDING.value
        )
    )
    refused = db.session.scalar(
        select(func.count(CheckIn.id)).where(
            CheckIn.event_id == event.id, CheckIn.accepted.is_(False)
        )
    )
    return {
        "pending_reviews": pending or 0,
        "open_flags": open_flag_count(event),
        "refused_checkins": refused or 0,
    }


def _has_flags() -> Any:
    """SQL test for a non-empty flags list; the JSON is compared as text ("[]" when empty),
    which both SQLite and PostgreSQL's ``json`` type support."""
    text = cast(CheckIn.flags, Text)
    return and_(CheckIn.flags.is_not(None), text.not_in(["[]", "null"]))


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
    return [ci for ci in db.session.scalars(q) if ci.flags]


def open_flag_count(event: Event) -> int:
    return (
        db.session.scalar(
            select(func.count(CheckIn.id)).where(
                CheckIn.event_id == event.id, _has_flags(), CheckIn.flag_decision.is_(None)
            )
        )
        or 0
    )


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
