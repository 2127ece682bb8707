"""Attempts at tasks: start the clock once (race-safe), answer once (idempotent), score."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from checkpoints.scoring import question_points
from quizengine import kinds
from quizengine.extensions import db
from quizengine.models import (
    Attempt,
    AttemptStatus,
    Mode,
    Participant,
    Task,
    owner_key,
)
from quizengine.services.checkins import (
    Refused,
    has_access,
    open_problem,
    team_mode,
    unlocked_at,
    who,
)

KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")


@dataclass(frozen=True)
class AnswerOutcome:
    attempt: Attempt
    status: str  # answered | late
    correct: bool
    points: int
    replay: bool = False  # the same key and answer again: this is the first result
    already_answered: bool = False  # answered before under another key: the first result


def owner_of(participant: Participant) -> str:
    """The attempt owner for this participant: the team in team mode, else the participant."""
    in_teams = participant.event.mode == Mode.TEAM
    if in_teams and participant.team_id is None:
        raise Refused(_("You are not in a team; ask the organizers."), 403)
    return owner_key(participant.team_id, participant.id, in_teams)


@cache
def _find_statement(lock: bool) -> Select[tuple[Attempt]]:
    """Built once per process (per ``lock``), with bound parameters."""
    q = select(Attempt).where(
        Attempt.task_id == bindparam("task_id"), Attempt.owner == bindparam("owner")
    )
    if lock:
        q = q.with_for_update().execution_options(populate_existing=True)
    return q


def find(participant: Participant, task: Task, *, lock: bool = False) -> Attempt | None:
    """The attempt of this participant's owner (team or self) at ``task``, if it exists."""
    params = {"task_id": task.id, "owner": owner_of(participant)}
    return db.session.scalars(_find_statement(lock), params).first()


def check_task(participant: Participant, task: Task) -> None:
    if task.event_id != participant.event_id:
        raise Refused(_("Unknown task."), 404)


def may_start(
    participant: Participant, task: Task, now: datetime, access: bool | None = None
) -> str | None:
    """Why this task cannot be started now, or None. ``access``: whether its checkpoint is
    unlocked for the participant when the caller has read it already (else it is read here,
    and only when the event and the checkpoint are open)."""
    cp = task.checkpoint
    problem = open_problem(participant.event, cp, now)
    if problem:
        return problem
    if cp is not None and not (has_access(participant, cp) if access is None else access):
        return _("Check in at %(name)s first.", name=cp.name)
    return None


class Known(NamedTuple):
    """What ``start`` reads before it writes: the owner's attempt (None: not started yet) and
    whether the task's checkpoint is unlocked for the participant."""

    attempt: Attempt | None
    access: bool


@cache
def _task_and_known_statement(team: bool) -> Any:
    """The owner's attempt outer-joined to the task, the access as EXISTS, then the task."""
    return (
        select(Attempt, unlocked_at(team, Task.checkpoint_id), Task)
        .select_from(Task)
        .outerjoin(Attempt, and_(Attempt.task_id == Task.id, Attempt.owner == bindparam("owner")))
        .where(Task.id == bindparam("task_id"))
        .options(joinedload(Task.checkpoint))
    )


def task_for_start(participant: Participant, task_id: int) -> tuple[Task, Known] | None:
    """The task (its checkpoint joined) and what ``start`` needs to know, in one statement;
    None when there is no such task or the participant has no owner (``start`` refuses it)."""
    try:
        owner = owner_of(participant)
    except Refused:
        return None
    params = {**who(participant), "owner": owner, "task_id": task_id}
    row = db.session.execute(_task_and_known_statement(team_mode(participant)), params).first()
    if row is None:
        return None
    return row[2], Known(row[0], bool(row[1]))


def start(
    participant: Participant, task: Task, *, now: datetime, known: Known | None = None
) -> Attempt:
    """Fix started_at and the deadline on the server. Idempotent: an existing attempt of the
    owner (the team in team mode: the first member to start holds it) is returned unchanged,
    also when two phones start at the same moment (the unique (task, owner) decides).
    ``known``: what ``task_for_start`` read in this transaction (else it is read here, in one
    statement)."""
    check_task(participant, task)
    if known is None:
        owner_of(participant)  # refuses a participant without a team in a team event
        found = task_for_start(participant, task.id)
        known = found[1] if found is not None else Known(None, False)
    if known.attempt is not None:
        return known.attempt
    problem = may_start(participant, task, now, known.access)
    if problem:
        raise Refused(problem)
    attempt = Attempt(
        event_id=task.event_id,
        task_id=task.id,
        owner=owner_of(participant),
        team_id=participant.team_id if participant.event.mode == Mode.TEAM else None,
        participant_id=participant.id,
        started_at=now,
        deadline=now + timedelta(seconds=task.time_limit_s),
        status=AttemptStatus.RUNNING.value,
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        existing = find(participant, task)
        if existing is None:
            raise
        return existing
    return attempt


def _first(attempt: Attempt, *, replay: bool = False, already: bool = False) -> AnswerOutcome:
    return AnswerOutcome(
        attempt, attempt.status, bool(attempt.correct), attempt.points, replay, already
    )


def answer(
    participant: Participant, task: Task, raw: str, key: str, *, now: datetime
) -> AnswerOutcome:
    """Answer a running question once. The attempt row is locked (FOR UPDATE on PostgreSQL,
    the immediate write transaction on SQLite), so concurrent answers are serialized.

    Same key and answer again -> the first result (replay); same key with another answer ->
    Refused 409; another key after an answer -> the first result (already_answered). Points come
    from server times only; after the deadline the answer is stored as late with 0 points.
    Raises kinds.AnswerInvalid for an answer that cannot be read (nothing stored)."""
    check_task(participant, task)
    kind = kinds.get(task.kind)
    if not kind.auto_scored:
        raise Refused(_("This task takes a submission, not an answer."), 400)
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise Refused(_("The form was incomplete; reload the page and try again."), 400)
    parsed = kind.parse(task, raw)
    attempt = find(participant, task, lock=True)
    if attempt is None:
        raise Refused(_("Start the task first."), 409)
    if attempt.answer_key is not None:
        if attempt.answer_key == key:
            if attempt.answer != parsed:
                raise Refused(
                    _("This answer was already sent with a different text; it was not changed."),
                    409,
                )
            return _first(attempt, replay=True)
        return _first(attempt, already=True)
    problem = open_problem(participant.event, task.checkpoint, now)
    if problem:
        raise Refused(problem)
    late = now > attempt.deadline
    correct = kind.is_correct(task, parsed)
    elapsed = (now - attempt.started_at).total_seconds()
    points = 0
    if not late:
        points = question_points(
            task.points, participant.event.speed_weight, elapsed, task.time_limit_s, correct
        )
    attempt.answer = parsed
    attempt.answer_key = key
    attempt.answered_at = now
    attempt.answered_by_id = participant.id
    attempt.correct = correct
    attempt.points = points
    attempt.status = (AttemptStatus.LATE if late else AttemptStatus.ANSWERED).value
    db.session.flush()
    return _first(attempt)
