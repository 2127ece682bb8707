"""Authoring an event in the browser: the event, teams, participants, checkpoints and tasks.

Every change is audited (who, what, before/after). Functions add to the session and flush; the
view commits once. Bad input raises AuthoringError naming the field; things that already have
play data (check-ins, attempts) are not deleted (InUse says why).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from checkpoints.codes import new_join_code, new_public_code, new_secret, slugify
from checkpoints.timeutil import local_to_utc, to_local, zone
from quizengine.extensions import db
from quizengine.models import (
    Attempt,
    CheckIn,
    Checkpoint,
    Event,
    Kind,
    Mode,
    Organizer,
    Participant,
    Role,
    Submission,
    Task,
    Team,
)
from quizengine.services import audit, roles

EVENT_FIELDS = (
    "title", "timezone", "language", "mode", "radius_m", "speed_weight", "accuracy_cap_m",
    "team_code_login", "blind_judging", "review_policy", "status",
)  # fmt: skip
CSV_HEADER = ("name", "team", "unit")
MAX_CSV_ROWS = 10_000


class AuthoringError(ValueError):
    """Input the service refuses; ``field`` is the form field it belongs to ('' = whole form)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


class InUse(ValueError):
    """A deletion refused because participants already played with the thing."""


@dataclass(frozen=True)
class CsvProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class CsvRefused(ValueError):
    """A participant list refused whole; ``problems`` names every bad line."""

    def __init__(self, problems: list[CsvProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


# ---------------------------------------------------------------------------------------------
# Event


def event_state(event: Event) -> dict[str, Any]:
    """The event's settings as JSON for the audit log (times as local wall-clock strings)."""
    state = {name: getattr(event, name) for name in EVENT_FIELDS}
    state["starts"] = local_naive(event, event.starts_at).isoformat(" ", "minutes")
    state["ends"] = local_naive(event, event.ends_at).isoformat(" ", "minutes")
    freeze = event.freeze_at
    state["freeze"] = local_naive(event, freeze).isoformat(" ", "minutes") if freeze else None
    return state


def local_naive(event: Event, value: datetime) -> datetime:
    """An aware UTC time as the naive wall-clock time in the event's zone (for forms)."""
    return to_local(value, event.timezone).replace(tzinfo=None)


def _apply_event(event: Event, data: dict[str, Any]) -> None:
    try:
        zone(data["timezone"])
    except ValueError:
        raise AuthoringError(
            "timezone",
            f"unknown time zone '{data['timezone']}': use an IANA name such as Asia/Jakarta",
        ) from None
    starts = local_to_utc(data["starts"], data["timezone"])
    ends = local_to_utc(data["ends"], data["timezone"])
    if ends <= starts:
        raise AuthoringError("ends", "the event must end after it starts")
    freeze = local_to_utc(data["freeze"], data["timezone"]) if data.get("freeze") else None
    if freeze is not None and not starts < freeze <= ends:
        raise AuthoringError("freeze", "the freeze time must lie inside the event's window")
    for name in EVENT_FIELDS:
        if name in data:
            setattr(event, name, data[name])
    event.starts_at, event.ends_at, event.freeze_at = starts, ends, freeze


def _unique_slug(wanted: str) -> str:
    taken = set(db.session.scalars(select(Event.slug).where(Event.slug.like(f"{wanted}%"))))
    slug, n = wanted, 2
    while slug in taken:
        slug, n = f"{wanted}-{n}", n + 1
    return slug


def create_event(data: dict[str, Any], *, creator: Organizer, actor: str) -> Event:
    """A new event from the form's data; only admins create events and the creator owns it."""
    if not creator.is_admin:
        raise PermissionError("only admin organizers create events")
    event = Event(slug=_unique_slug(slugify(data["title"])))
    _apply_event(event, data)
    db.session.add(event)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="event.create",
        target=f"event:{event.id}",
        after=event_state(event),
    )
    roles.grant(event, creator, Role.OWNER.value, actor=actor)
    return event


def update_event(event: Event, data: dict[str, Any], *, actor: str) -> None:
    before = event_state(event)
    if data.get("mode") != event.mode and _has_play(event):
        raise AuthoringError("mode", "participants already played: the mode cannot change now")
    _apply_event(event, data)
    db.session.flush()
    after = event_state(event)
    if after != before:
        audit.record(
            event_id=event.id,
            actor=actor,
            action="event.update",
            target=f"event:{event.id}",
            before=before,
            after=after,
        )


def _has_play(event: Event) -> bool:
    return bool(
        db.session.scalar(select(exists().where(Attempt.event_id == event.id)))
        or db.session.scalar(select(exists().where(CheckIn.event_id == event.id)))
    )


def preload(event: Event) -> None:
    """Load teams with their members and checkpoints with their tasks in a few queries, for
    the pages that list them all (instead of one query per team or checkpoint)."""
    db.session.scalars(
        select(Team).where(Team.event_id == event.id).options(selectinload(Team.members))
    ).all()
    db.session.scalars(
        select(Checkpoint)
        .where(Checkpoint.event_id == event.id)
        .options(selectinload(Checkpoint.tasks))
    ).all()


# ---------------------------------------------------------------------------------------------
# Teams and participants


def _team_state(team: Team) -> dict[str, Any]:
    return {"name": team.name, "join_code": team.join_code}


def _check_team_name(event: Event, name: str, team_id: int | None = None) -> None:
    clash = db.session.scalar(
        select(Team.id).where(Team.event_id == event.id, Team.name == name, Team.id != team_id)
    )
    if clash is not None:
        raise AuthoringError("name", f"there is already a team called '{name}'")


def create_team(event: Event, name: str, *, actor: str) -> Team:
    _check_team_name(event, name)
    team = Team(event_id=event.id, name=name, join_code=new_join_code())
    db.session.add(team)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="team.create",
        target=f"team:{team.id}",
        after=_team_state(team),
    )
    return team


def rename_team(event: Event, team: Team, name: str, *, actor: str) -> None:
    _check_team_name(event, name, team.id)
    before = _team_state(team)
    team.name = name
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="team.update",
        target=f"team:{team.id}",
        before=before,
        after=_team_state(team),
    )


def team_played(team: Team) -> bool:
    member_ids = select(Participant.id).where(Participant.team_id == team.id)
    return bool(
        db.session.scalar(select(exists().where(Attempt.team_id == team.id)))
        or db.session.scalar(select(exists().where(CheckIn.team_id == team.id)))
        or db.session.scalar(select(exists().where(Attempt.participant_id.in_(member_ids))))
        or db.session.scalar(select(exists().where(CheckIn.participant_id.in_(member_ids))))
    )


def delete_team(event: Event, team: Team, *, actor: str) -> None:
    """Delete a team and its members, unless the team already played."""
    if team_played(team):
        raise InUse(
            f"team '{team.name}' has check-ins or answers: deleting it would erase play data. "
            "Rename it instead, or correct points with an adjustment."
        )
    before = {**_team_state(team), "members": [p.name for p in team.members]}
    for member in list(team.members):
        db.session.delete(member)
    db.session.delete(team)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="team.delete",
        target=f"team:{team.id}",
        before=before,
    )


def _participant_state(p: Participant) -> dict[str, Any]:
    return {"name": p.name, "unit": p.unit, "team": p.team.name if p.team else None}


def _check_participant(event: Event, name: str, team: Team | None, pid: int | None) -> None:
    clash = db.session.scalar(
        select(Participant.id).where(
            Participant.event_id == event.id, Participant.name == name, Participant.id != pid
        )
    )
    if clash is not None:
        raise AuthoringError("name", f"there is already a participant called '{name}'")
    if team is None and event.mode == Mode.TEAM:
        raise AuthoringError("team", "in a team event every participant needs a team")
    if team is not None and team.event_id != event.id:
        raise AuthoringError("team", "that team belongs to another event")


def create_participant(
    event: Event, name: str, unit: str, team: Team | None, *, actor: str
) -> Participant:
    _check_participant(event, name, team, None)
    p = Participant(event_id=event.id, name=name, unit=unit, team=team, login_token=new_secret())
    db.session.add(p)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="participant.create",
        target=f"participant:{p.id}",
        after=_participant_state(p),
    )
    return p


def update_participant(
    event: Event, p: Participant, name: str, unit: str, team: Team | None, *, actor: str
) -> None:
    _check_participant(event, name, team, p.id)
    if team is not p.team and participant_played(p) and event.mode == Mode.TEAM:
        raise AuthoringError("team", "this participant already played for their team")
    before = _participant_state(p)
    p.name, p.unit, p.team = name, unit, team
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="participant.update",
        target=f"participant:{p.id}",
        before=before,
        after=_participant_state(p),
    )


def participant_played(p: Participant) -> bool:
    return bool(
        db.session.scalar(select(exists().where(Attempt.participant_id == p.id)))
        or db.session.scalar(select(exists().where(CheckIn.participant_id == p.id)))
        or db.session.scalar(select(exists().where(Submission.participant_id == p.id)))
    )


def delete_participant(event: Event, p: Participant, *, actor: str) -> None:
    if participant_played(p):
        raise InUse(f"'{p.name}' has check-ins or answers: deleting them would erase play data.")
    before = _participant_state(p)
    db.session.delete(p)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="participant.delete",
        target=f"participant:{p.id}",
        before=before,
    )


def new_login_link(event: Event, p: Participant, *, actor: str) -> None:
    """A fresh login token: the old personal link and badge stop working."""
    p.login_token = new_secret()
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="participant.new_link",
        target=f"participant:{p.id}",
        reason="old link or badge lost",
    )


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, [cell.strip() for cell in row]))
    except csv.Error as exc:
        raise CsvRefused([CsvProblem(reader.line_num, f"not valid CSV: {exc}")]) from None
    return rows


def import_participants(event: Event, text: str, *, actor: str) -> list[Participant]:
    """Add the participants of a CSV with the header ``name,team,unit`` (team and unit may be
    empty where allowed); missing teams are created. Every bad line is named; nothing is
    added unless every line is good."""
    rows = _csv_rows(text)
    if not rows:
        raise CsvRefused(
            [CsvProblem(1, "the list is empty: the first line must be name,team,unit")]
        )
    line, header = rows[0]
    header = [h.lower() for h in header]
    if "name" not in header or any(h not in CSV_HEADER for h in header):
        raise CsvRefused(
            [
                CsvProblem(
                    line,
                    f"the first line must be the header name,team,unit (got {','.join(header)})",
                )
            ]
        )
    if len(rows) - 1 > MAX_CSV_ROWS:
        raise CsvRefused([CsvProblem(line, f"at most {MAX_CSV_ROWS} participants at once")])
    existing = set(
        db.session.scalars(select(Participant.name).where(Participant.event_id == event.id))
    )
    teams = {t.name: t for t in db.session.scalars(select(Team).where(Team.event_id == event.id))}
    problems: list[CsvProblem] = []
    seen: dict[str, int] = {}
    good: list[tuple[str, str, str]] = []
    for line, cells in rows[1:]:
        if len(cells) != len(header):
            problems.append(CsvProblem(line, f"expected {len(header)} values, found {len(cells)}"))
            continue
        values = dict(zip(header, cells, strict=True))
        name, team, unit = values.get("name", ""), values.get("team", ""), values.get("unit", "")
        if not name:
            problems.append(CsvProblem(line, "the name is empty"))
        elif len(name) > 200:
            problems.append(CsvProblem(line, "the name is longer than 200 characters"))
        elif name in existing:
            problems.append(CsvProblem(line, f"'{name}' is already a participant of this event"))
        elif name in seen:
            problems.append(CsvProblem(line, f"'{name}' is already on line {seen[name]}"))
        else:
            seen[name] = line
        if not team and event.mode == Mode.TEAM:
            problems.append(CsvProblem(line, "the team is empty (a team event needs one)"))
        if len(team) > 200 or len(unit) > 200:
            problems.append(CsvProblem(line, "team and unit must be at most 200 characters"))
        good.append((name, team, unit))
    if problems:
        raise CsvRefused(problems)
    added: list[Participant] = []
    for name, team_name, unit in good:
        team = teams.get(team_name) if team_name else None
        if team_name and team is None:
            team = teams[team_name] = create_team(event, team_name, actor=actor)
        p = Participant(
            event_id=event.id, name=name, unit=unit, team=team, login_token=new_secret()
        )
        db.session.add(p)
        added.append(p)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="participant.import",
        target=f"event:{event.id}",
        after={"added": [p.name for p in added]},
    )
    return added


# ---------------------------------------------------------------------------------------------
# Checkpoints


def _checkpoint_state(cp: Checkpoint) -> dict[str, Any]:
    return {
        "key": cp.key, "code": cp.code, "name": cp.name, "instructions": cp.instructions,
        "lat": cp.lat, "lon": cp.lon, "radius_m": cp.radius_m,
        "opens": cp.opens.isoformat("minutes") if cp.opens else None,
        "closes": cp.closes.isoformat("minutes") if cp.closes else None,
    }  # fmt: skip


def _check_hours(opens: time | None, closes: time | None) -> None:
    if opens is not None and closes is not None and closes <= opens:
        raise AuthoringError("closes", "the checkpoint must close after it opens")


def _unique_key(event: Event, name: str) -> str:
    base = slugify(name, max_len=30)
    taken = set(db.session.scalars(select(Checkpoint.key).where(Checkpoint.event_id == event.id)))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _fresh_code() -> str:
    while True:
        code = new_public_code()
        if db.session.scalar(select(Checkpoint.id).where(Checkpoint.code == code)) is None:
            return code


def save_checkpoint(
    event: Event, cp: Checkpoint | None, data: dict[str, Any], *, actor: str
) -> Checkpoint:
    """Create (``cp`` None) or update a checkpoint from name, instructions, lat, lon,
    radius_m, opens, closes."""
    _check_hours(data.get("opens"), data.get("closes"))
    before = None
    if cp is None:
        position = db.session.scalar(
            select(func.coalesce(func.max(Checkpoint.position), -1)).where(
                Checkpoint.event_id == event.id
            )
        )
        cp = Checkpoint(
            event_id=event.id,
            key=_unique_key(event, data["name"]),
            code=_fresh_code(),
            position=(position or 0) + 1,
        )
        db.session.add(cp)
    else:
        before = _checkpoint_state(cp)
    for name in ("name", "instructions", "lat", "lon", "radius_m", "opens", "closes"):
        setattr(cp, name, data.get(name))
    cp.instructions = cp.instructions or ""
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="checkpoint.update" if before else "checkpoint.create",
        target=f"checkpoint:{cp.id}",
        before=before,
        after=_checkpoint_state(cp),
    )
    return cp


def checkpoint_played(cp: Checkpoint) -> bool:
    task_ids = select(Task.id).where(Task.checkpoint_id == cp.id)
    return bool(
        db.session.scalar(select(exists().where(CheckIn.checkpoint_id == cp.id)))
        or db.session.scalar(select(exists().where(Attempt.task_id.in_(task_ids))))
    )


def delete_checkpoint(event: Event, cp: Checkpoint, *, actor: str) -> None:
    """Delete a checkpoint and its tasks, unless someone checked in there or answered."""
    if checkpoint_played(cp):
        raise InUse(
            f"'{cp.name}' has check-ins or answers: deleting it would erase play data. "
            "Edit it instead (a moved position applies to the next check-ins)."
        )
    before = {**_checkpoint_state(cp), "tasks": [t.id for t in cp.tasks]}
    for task in list(cp.tasks):
        db.session.delete(task)
    db.session.delete(cp)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="checkpoint.delete",
        target=f"checkpoint:{cp.id}",
        before=before,
    )


# ---------------------------------------------------------------------------------------------
# Tasks


def task_state(task: Task) -> dict[str, Any]:
    return {
        "kind": task.kind, "title": task.title, "prompt": task.prompt, "choices": task.choices,
        "answer": task.answer, "rubric": task.rubric, "submit": task.submit,
        "time_limit_s": task.time_limit_s, "points": task.points,
        "checkpoint_id": task.checkpoint_id,
    }  # fmt: skip


def _task_answer(data: dict[str, Any]) -> tuple[list[str] | None, Any]:
    kind = data["kind"]
    if kind == Kind.CHOICE:
        choices = data.get("choices") or []
        if len(choices) < 2:
            raise AuthoringError("choices", "a choice question needs at least two choices")
        if len(set(choices)) != len(choices):
            raise AuthoringError("choices", "two choices are the same")
        if data.get("answer_text") not in choices:
            raise AuthoringError("answer_text", "the correct answer must be one of the choices")
        return choices, data["answer_text"]
    if kind == Kind.TEXT:
        variants = data.get("variants") or []
        if not variants:
            raise AuthoringError("variants", "give at least one accepted answer")
        return None, variants
    if kind == Kind.NUMBER:
        if data.get("number") is None:
            raise AuthoringError("number", "give the correct number")
        return None, {"value": data["number"], "tolerance": data.get("tolerance") or 0}
    return None, None


def save_task(event: Event, task: Task | None, data: dict[str, Any], *, actor: str) -> Task:
    """Create (``task`` None) or update a task of any kind from the task form's data."""
    checkpoint = data.get("checkpoint")
    if checkpoint is not None and checkpoint.event_id != event.id:
        raise AuthoringError("checkpoint", "that checkpoint belongs to another event")
    choices, answer = _task_answer(data)
    before = None
    if task is None:
        position = db.session.scalar(
            select(func.coalesce(func.max(Task.position), -1)).where(Task.event_id == event.id)
        )
        task = Task(event_id=event.id, position=(position or 0) + 1)
        db.session.add(task)
    else:
        before = task_state(task)
    task.kind, task.title, task.prompt = data["kind"], data.get("title") or "", data["prompt"]
    task.checkpoint = checkpoint
    task.choices, task.answer = choices, answer
    task.rubric = data.get("rubric") or "" if data["kind"] == Kind.CREATIVE else ""
    task.submit = data.get("submit") or "photo_text"
    task.time_limit_s, task.points = data["time_limit_s"], data["points"]
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="task.update" if before else "task.create",
        target=f"task:{task.id}",
        before=before,
        after=task_state(task),
    )
    return task


def task_played(task: Task) -> bool:
    return bool(db.session.scalar(select(exists().where(Attempt.task_id == task.id))))


def delete_task(event: Event, task: Task, *, actor: str) -> None:
    if task_played(task):
        raise InUse("this task already has attempts: deleting it would erase answers and points.")
    before = task_state(task)
    db.session.delete(task)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="task.delete",
        target=f"task:{task.id}",
        before=before,
    )
