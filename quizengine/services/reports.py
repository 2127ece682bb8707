"""Reports and exports: results and check-ins as CSV, attendance, printable results, IOF XML 3.0.

Times in CSVs and pages are the event's local time with the zone abbreviation; the IOF export
uses ISO 8601 with the offset, split times in seconds since the event's start.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import aliased

from checkpoints.timeutil import format_local, to_local
from quizengine.extensions import db
from quizengine.models import (
    Attempt,
    CheckIn,
    Checkpoint,
    Event,
    Kind,
    Participant,
    Submission,
    SubmissionFile,
    Task,
    Team,
)
from quizengine.services.leaderboard import (
    Standing,
    participant_standings,
    scored_items,
    team_standings,
)

IOF_NS = "http://www.orienteering.org/datastandard/3.0"
FMT = "%Y-%m-%d %H:%M:%S"


def _csv(header: list[str], rows: Iterable[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _safe_cell(v) for v in row])
    return out.getvalue()


def _safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _answer_text(answer: Any) -> str:
    if answer is None:
        return ""
    return answer if isinstance(answer, str) else str(answer)


def results_rows(event: Event) -> Iterator[list[Any]]:
    """One row per attempt: team, participant, task, checkpoint, times, answer, points.

    Read as plain columns, one row at a time, not as ORM objects: at 117,900 attempts the
    objects took 9 s and 440 MB of a worker (the file is 14 MB)."""
    creative = {
        i.attempt_id: i.points
        for i in scored_items(event, questions=False)
        if i.source == "creative"
    }
    texts: dict[int, str] = {}
    for attempt_id, text, n_files in db.session.execute(
        select(Submission.attempt_id, Submission.text, func.count(SubmissionFile.id))
        .outerjoin(SubmissionFile, SubmissionFile.submission_id == Submission.id)
        .where(Submission.event_id == event.id)
        .group_by(Submission.id, Submission.attempt_id, Submission.text)
        .order_by(Submission.id)
    ):
        texts[attempt_id] = f"{text} [{n_files} photo(s)]" if n_files else text
    answerer = aliased(Participant)
    statement = (
        select(
            Attempt.id,
            Attempt.started_at,
            Attempt.answered_at,
            Attempt.answer,
            Attempt.correct,
            Attempt.points,
            Attempt.status,
            Task.title,
            Task.prompt,
            Task.kind,
            Checkpoint.name,
            Team.name,
            Participant.name,
            answerer.name,
        )
        .join(Task, Task.id == Attempt.task_id)
        .outerjoin(Checkpoint, Checkpoint.id == Task.checkpoint_id)
        .outerjoin(Team, Team.id == Attempt.team_id)
        .join(Participant, Participant.id == Attempt.participant_id)
        .outerjoin(answerer, answerer.id == Attempt.answered_by_id)
        .where(Attempt.event_id == event.id)
        .order_by(Team.name, Participant.name, Task.position, Attempt.id)
    )
    zone_name = event.timezone
    for (
        attempt_id,
        started_at,
        done_at,
        given,
        right,
        got,
        status,
        title,
        prompt,
        kind,
        cp_name,
        team_name,
        starter,
        answered_by,
    ) in db.session.connection().execute(statement):
        elapsed = (done_at - started_at).total_seconds() if done_at else None
        if kind == Kind.CREATIVE:
            answer, points, correct = texts.get(attempt_id, ""), creative.get(attempt_id, 0), ""
        else:
            answer, points = _answer_text(given), got
            correct = "" if right is None else ("yes" if right else "no")
        yield [
            team_name or "",
            answered_by or starter,
            title or prompt[:80],
            kind,
            cp_name or "",
            format_local(started_at, zone_name, FMT),
            "" if done_at is None else format_local(done_at, zone_name, FMT),
            None if elapsed is None else round(elapsed, 1),
            answer,
            correct,
            points,
            status,
        ]


RESULTS_HEADER = [
    "team",
    "participant",
    "task",
    "kind",
    "checkpoint",
    "started",
    "answered",
    "elapsed_s",
    "answer",
    "correct",
    "points",
    "status",
]


def results_csv(event: Event) -> str:
    return _csv(RESULTS_HEADER, results_rows(event))


CHECKINS_HEADER = [
    "time",
    "team",
    "participant",
    "checkpoint",
    "code",
    "accepted",
    "verdict",
    "distance_m",
    "accuracy_m",
    "lat",
    "lon",
    "flags",
    "flag_decision",
    "manual_reason",
]


def checkins_csv(event: Event) -> str:
    """Every try to check in, oldest first (plain columns, not ORM objects: see
    ``results_rows``)."""
    rows = db.session.connection().execute(
        select(
            CheckIn.created_at,
            CheckIn.accepted,
            CheckIn.verdict,
            CheckIn.distance_m,
            CheckIn.accuracy_m,
            CheckIn.lat,
            CheckIn.lon,
            CheckIn.flags,
            CheckIn.flag_decision,
            CheckIn.reason,
            Checkpoint.name,
            Checkpoint.code,
            Team.name,
            Participant.name,
        )
        .join(Checkpoint, Checkpoint.id == CheckIn.checkpoint_id)
        .outerjoin(Participant, Participant.id == CheckIn.participant_id)
        .outerjoin(Team, Team.id == func.coalesce(CheckIn.team_id, Participant.team_id))
        .where(CheckIn.event_id == event.id)
        .order_by(CheckIn.created_at, CheckIn.id)
    )
    zone_name = event.timezone
    return _csv(
        CHECKINS_HEADER,
        (
            [
                format_local(created_at, zone_name, FMT),
                team or "",
                person or "",
                cp_name,
                code,
                "yes" if accepted else "no",
                verdict,
                None if distance_m is None else round(distance_m, 1),
                accuracy_m,
                lat,
                lon,
                "; ".join(f"{f.get('code')}: {f.get('detail', '')}" for f in flags or []),
                flag_decision or "",
                reason,
            ]
            for (
                created_at,
                accepted,
                verdict,
                distance_m,
                accuracy_m,
                lat,
                lon,
                flags,
                flag_decision,
                reason,
                cp_name,
                code,
                team,
                person,
            ) in rows
        ),
    )


@dataclass(frozen=True)
class Presence:
    participant_id: int
    name: str
    team: str
    checkins: int  # tries, accepted or not
    accepted: int
    answers: int
    last_seen: datetime | None

    @property
    def took_part(self) -> bool:
        return self.checkins > 0 or self.answers > 0


def attendance(event: Event) -> list[Presence]:
    """Every participant with what they did; those who never took part come first."""
    tries: dict[int, tuple[int, int, datetime | None]] = {
        pid: (n, int(ok or 0), last)
        for pid, n, ok, last in db.session.execute(
            select(
                CheckIn.participant_id,
                func.count(CheckIn.id),
                func.sum(cast(CheckIn.accepted, Integer)),
                func.max(CheckIn.created_at),
            )
            .where(CheckIn.event_id == event.id, CheckIn.participant_id.is_not(None))
            .group_by(CheckIn.participant_id)
        )
    }
    answers: dict[int, int] = dict(
        db.session.execute(
            select(func.coalesce(Attempt.answered_by_id, Attempt.participant_id), func.count())
            .where(Attempt.event_id == event.id)
            .group_by(func.coalesce(Attempt.answered_by_id, Attempt.participant_id))
        ).all()
    )
    rows = db.session.execute(
        select(Participant.id, Participant.name, Team.name)
        .outerjoin(Team, Team.id == Participant.team_id)
        .where(Participant.event_id == event.id)
    ).all()
    out = []
    for pid, name, team in rows:
        n, ok, last = tries.get(pid, (0, 0, None))
        out.append(Presence(pid, name, team or "", n, ok, answers.get(pid, 0), last))
    out.sort(key=lambda p: (p.took_part, p.team.casefold(), p.name.casefold()))
    return out


def first_visits(event: Event) -> dict[tuple[str, int], dict[int, datetime]]:
    """First accepted check-in per (owner kind, owner id) and checkpoint: team ids and
    participant ids; a team's visit is its first member's (or a manual one)."""
    out: dict[tuple[str, int], dict[int, datetime]] = {}
    rows = db.session.execute(
        select(CheckIn.checkpoint_id, CheckIn.team_id, CheckIn.participant_id, CheckIn.created_at)
        .where(CheckIn.event_id == event.id, CheckIn.accepted.is_(True))
        .order_by(CheckIn.created_at, CheckIn.id)
    )
    team_of = dict(
        db.session.execute(
            select(Participant.id, Participant.team_id).where(Participant.event_id == event.id)
        ).all()
    )
    for cp_id, team_id, pid, at in rows:
        team_id = team_id or team_of.get(pid)
        for owner in (("team", team_id), ("participant", pid)):
            if owner[1] is not None:
                out.setdefault(owner, {}).setdefault(cp_id, at)  # type: ignore[arg-type]
    return out


def _sub(parent: ET.Element, tag: str, text: Any = None, **attrs: str) -> ET.Element:
    """A child element; in the IOF namespace, which the document's root declares as its
    default (no tag carries it: the results are serialised one at a time, see below)."""
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = str(text)
    return el


def _iso(event: Event, dt: datetime) -> str:
    return to_local(dt, event.timezone).isoformat(timespec="seconds")


def _person(parent: ET.Element, name: str) -> None:
    person = _sub(parent, "Person")
    pname = _sub(person, "Name")
    given, _, family = name.rpartition(" ")
    _sub(pname, "Family", family or name)
    _sub(pname, "Given", given or name)


def _result_body(
    res: ET.Element,
    event: Event,
    checkpoints: list[tuple[int, str]],
    visits: dict[int, datetime],
    score: int,
    position: int | None,
) -> None:
    """StartTime, Position, Status, Score and one SplitTime per checkpoint, in schema order."""
    _sub(res, "StartTime", _iso(event, event.starts_at))
    if position is not None:
        _sub(res, "Position", position)
    missing = any(cp_id not in visits for cp_id, _code in checkpoints)
    _sub(
        res, "Status", "MissingPunch" if missing and visits else ("OK" if visits else "DidNotStart")
    )
    _sub(res, "Score", score, type="Points")
    for cp_id, code in checkpoints:
        at = visits.get(cp_id)
        split = _sub(res, "SplitTime", status="Missing") if at is None else _sub(res, "SplitTime")
        _sub(split, "ControlCode", code)
        if at is not None:
            _sub(split, "Time", int((at - event.starts_at).total_seconds()))


def iof_result_list(event: Event, now: datetime) -> bytes:
    """The event's results as an IOF XML 3.0 ResultList: one TeamResult per team (team mode)
    or PersonResult per participant, one SplitTime per checkpoint.

    The results are built and serialised one at a time, each indented at its depth, between
    the document's head and its end: the whole tree of 500 teams of 10 (a member carries the
    team's 50 splits: 250,000 SplitTime elements, a 32 MB file) took 350 MB of a worker."""
    root = ET.Element(
        "ResultList",
        {
            "xmlns": IOF_NS,
            "iofVersion": "3.0",
            "createTime": _iso(event, now),
            "creator": "quizengine",
            "status": "Complete" if now >= event.ends_at else "Snapshot",
        },
    )
    ev = _sub(root, "Event")
    _sub(ev, "Id", event.slug)
    _sub(ev, "Name", event.title)
    start = _sub(ev, "StartTime")
    local_start = to_local(event.starts_at, event.timezone)
    _sub(start, "Date", local_start.date().isoformat())
    _sub(start, "Time", local_start.timetz().isoformat(timespec="seconds"))
    cr = _sub(root, "ClassResult")
    _sub(_sub(cr, "Class"), "Name", event.title)
    ET.indent(root)
    head, end = ET.tostring(root, encoding="unicode").rsplit(_CLASS_RESULT_END, 1)
    out = [b"<?xml version='1.0' encoding='utf-8'?>\n", head.encode()]
    for result in _results(event):
        ET.indent(result, level=2)  # a child of ClassResult, itself a child of the root
        out.append(f"\n{_RESULT_INDENT}{ET.tostring(result, encoding='unicode')}".encode())
    out.append(f"{_CLASS_RESULT_END}{end}".encode())
    return b"".join(out)


_RESULT_INDENT = "  " * 2
_CLASS_RESULT_END = "\n  </ClassResult>"


def _results(event: Event) -> Iterator[ET.Element]:
    """The ClassResult's results, in rank order, one element at a time."""
    checkpoints = [
        (cp_id, code)
        for cp_id, code in db.session.execute(
            select(Checkpoint.id, Checkpoint.code)
            .where(Checkpoint.event_id == event.id)
            .order_by(Checkpoint.position)
        )
    ]
    visits = first_visits(event)
    if event.mode == "team":
        members: dict[int, list[str]] = {}
        for tid, name in db.session.execute(
            select(Participant.team_id, Participant.name)
            .where(Participant.event_id == event.id)
            .order_by(Participant.id)
        ):
            members.setdefault(tid, []).append(name)
        for st in team_standings(event):
            yield _team_result(event, checkpoints, visits.get(("team", st.id), {}), st, members)
        return
    for st in participant_standings(event):
        pr = ET.Element("PersonResult")
        _sub(pr, "EntryId", st.id)
        _person(pr, st.name)
        if st.team_name:
            _sub(_sub(pr, "Organisation"), "Name", st.team_name)
        res = _sub(pr, "Result")
        own = visits.get(("participant", st.id), {})
        _result_body(res, event, checkpoints, own, st.points, st.rank)
        yield pr


def _team_result(
    event: Event,
    checkpoints: list[tuple[int, str]],
    visits: dict[int, datetime],
    st: Standing,
    members: dict[int, list[str]],
) -> ET.Element:
    tr = ET.Element("TeamResult")
    _sub(tr, "EntryId", st.id)
    _sub(tr, "Name", st.name)
    # The team moves together: every member carries the team's splits and score.
    for name in members.get(st.id, []) or [""]:
        tm = _sub(tr, "TeamMemberResult")
        if name:
            _person(tm, name)
        res = _sub(tm, "Result")
        _sub(res, "Leg", 1)
        _result_body(res, event, checkpoints, visits, st.points, None)
    return tr
