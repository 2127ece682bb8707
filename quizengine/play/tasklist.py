"""The task lists of the home and checkpoint pages: one row per task with its state (points to
win, running, time is up, the points scored...), read in two queries whatever the number of
tasks, with every label translated once per page rather than once per row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from quizengine.extensions import db
from quizengine.models import Attempt, AttemptStatus, Participant, Submission, Task
from quizengine.play.common import url_filler
from quizengine.services.attempts import owner_of
from quizengine.services.checkins import Refused

CREATIVE = "creative"
_ANY_ID = 987654321  # builds the task URL pattern once; each row fills in its id


@dataclass(frozen=True)
class TaskInfo:
    """The columns of a task the list shows (no prompt, no answer)."""

    id: int
    title: str
    kind: str
    points: int
    checkpoint_id: int | None


@dataclass(frozen=True)
class AttemptInfo:
    """The columns of an attempt the list shows."""

    task_id: int
    status: str
    points: int
    correct: bool | None
    deadline: datetime
    review: str | None = None  # status of the latest submission (creative tasks)


@dataclass(frozen=True)
class TaskRow:
    """One line of the list: ``tone`` is "" (nothing done yet), "run", "ok", "bad" or "wait"."""

    id: int
    title: str
    state: str
    tone: str
    href: str


def tasks_of(event_id: int, checkpoint_id: int | None = None) -> list[TaskInfo]:
    """The event's tasks (only those of one checkpoint when ``checkpoint_id`` is given), in
    their order, as plain rows."""
    q = select(Task.id, Task.title, Task.kind, Task.points, Task.checkpoint_id).where(
        Task.event_id == event_id
    )
    if checkpoint_id is not None:
        q = q.where(Task.checkpoint_id == checkpoint_id)
    rows = db.session.execute(q.order_by(Task.position, Task.id))
    return [TaskInfo(*row) for row in rows]


# The status of an attempt's latest submission (creative tasks), read along with the attempt.
_LATEST_REVIEW_STATUS = (
    select(Submission.status)
    .where(Submission.attempt_id == Attempt.id)
    .order_by(Submission.id.desc())
    .limit(1)
    .correlate(Attempt)
    .scalar_subquery()
)


def attempts_of(
    participant: Participant, tasks: Sequence[TaskInfo] | None = None
) -> dict[int, AttemptInfo]:
    """The participant's owner's (team's or own) attempts by task id (only those of ``tasks``
    when given: a checkpoint page needs a handful, not the team's whole day), with the status
    of each one's latest submission: one query, however many attempts."""
    try:
        owner = owner_of(participant)
    except Refused:
        return {}
    if tasks is not None and not tasks:
        return {}
    mine: tuple[Any, ...] = (Attempt.event_id == participant.event_id, Attempt.owner == owner)
    if tasks is not None:
        mine = (*mine, Attempt.task_id.in_([t.id for t in tasks]))
    rows = db.session.execute(
        select(
            Attempt.task_id,
            Attempt.status,
            Attempt.points,
            Attempt.correct,
            Attempt.deadline,
            _LATEST_REVIEW_STATUS,
        ).where(*mine)
    )
    return {row[0]: AttemptInfo(*row) for row in rows}


_LABELS: dict[str, dict[str, str]] = {}


def _labels() -> dict[str, str]:
    """Every label the list may show, translated once per language and process ("%(points)d
    points" is filled per row)."""
    locale = str(get_locale())
    found = _LABELS.get(locale)
    if found is None:
        found = _LABELS[locale] = _translated_labels()
    return found


def _translated_labels() -> dict[str, str]:
    return {
        "question": _("Question"),
        "creative": _("Creative challenge"),
        "points": _("%(points)d points"),
        "scored": _("%(points)d points ✓"),
        "running": _("running"),
        "up": _("time is up"),
        "wrong": _("wrong, 0 points"),
        "late": _("late, 0 points"),
        "pending": _("waiting for the judges"),
        "approved": _("approved ✓"),
        "rejected": _("not accepted"),
        "disqualified": _("disqualified"),
    }


def _state(
    labels: Mapping[str, str], task: TaskInfo, a: AttemptInfo | None, now: datetime
) -> tuple[str, str]:
    if a is None:
        return labels["points"] % {"points": task.points}, ""
    if a.status == AttemptStatus.RUNNING:
        return (labels["running"], "run") if now <= a.deadline else (labels["up"], "bad")
    if a.status == AttemptStatus.SUBMITTED:
        review = a.review or "pending"
        tone = {"pending": "wait", "approved": "ok"}.get(review, "bad")
        return labels.get(review, labels["pending"]), tone
    if a.status == AttemptStatus.LATE:
        return labels["late"], "bad"
    if a.correct:
        return labels["scored"] % {"points": a.points}, "ok"
    return labels["wrong"], "bad"


def task_rows(
    tasks: Sequence[TaskInfo], attempts: Mapping[int, AttemptInfo], now: datetime
) -> list[TaskRow]:
    """The rows to show, in the order of ``tasks``."""
    if not tasks:
        return []
    labels = _labels()
    href_of = url_filler("play.task", "task_id", _ANY_ID)
    out: list[TaskRow] = []
    for task in tasks:
        state, tone = _state(labels, task, attempts.get(task.id), now)
        title = task.title or labels[CREATIVE if task.kind == CREATIVE else "question"]
        out.append(TaskRow(task.id, title, state, tone, href_of(task.id)))
    return out
