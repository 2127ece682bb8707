"""The task lists of the home and checkpoint pages: one row per task with its state (points to
win, running, time is up, the points scored...), read in one statement whatever the number of
tasks (the tasks joined with the owner's attempts), with every label translated once per
language and process rather than once per row.

The statements are built once per process with bound parameters and run on the session's
connection as plain Core (no ORM objects): a page needs a few columns, not the rows' objects.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import Select, and_, bindparam, case, or_, select

from quizengine.extensions import db
from quizengine.models import Attempt, AttemptStatus, Participant, Submission, Task
from quizengine.services.attempts import owner_of
from quizengine.services.checkins import Refused
from quizengine.web import ANY_ID, url_filler

CREATIVE = "creative"

_TASK = Task.__table__
_ATTEMPT = Attempt.__table__
_SUBMISSION = Submission.__table__

# The status of a submitted attempt's latest submission (creative tasks), read along with the
# attempt; NULL for every other attempt (no look-up: ``_state`` reads it only when submitted).
_LATEST_REVIEW_STATUS = case(
    (
        _ATTEMPT.c.status == AttemptStatus.SUBMITTED.value,
        select(_SUBMISSION.c.status)
        .where(_SUBMISSION.c.attempt_id == _ATTEMPT.c.id)
        .order_by(_SUBMISSION.c.id.desc())
        .limit(1)
        .correlate(_ATTEMPT)
        .scalar_subquery(),
    )
)
# A running attempt's deadline; NULL for the others, whose deadline ``_state`` never reads (a
# home page's hundreds of answered rows parse no timestamps).
_RUNNING_DEADLINE = case((_ATTEMPT.c.status == AttemptStatus.RUNNING.value, _ATTEMPT.c.deadline))

# The event's tasks in their order, each with the owner's attempt (NULLs when not started):
# the unique (task_id, owner) index finds the attempt of each task. No prompt, no answer.
_EVENT_TASKS: Select[Any] = (
    select(
        _TASK.c.id,
        _TASK.c.title,
        _TASK.c.kind,
        _TASK.c.points,
        _TASK.c.checkpoint_id,
        _ATTEMPT.c.status,
        _ATTEMPT.c.points,
        _ATTEMPT.c.correct,
        _RUNNING_DEADLINE,
        _LATEST_REVIEW_STATUS,
    )
    .select_from(
        _TASK.outerjoin(
            _ATTEMPT,
            and_(_ATTEMPT.c.task_id == _TASK.c.id, _ATTEMPT.c.owner == bindparam("owner")),
        )
    )
    .where(_TASK.c.event_id == bindparam("event_id"))
    .order_by(_TASK.c.position, _TASK.c.id)
)
_CHECKPOINT_TASKS = _EVENT_TASKS.where(_TASK.c.checkpoint_id == bindparam("checkpoint_id"))
# The home page's: the tasks of the visited checkpoints and those that need no place.
_OPEN_TASKS = _EVENT_TASKS.where(
    or_(
        _TASK.c.checkpoint_id.in_(bindparam("checkpoint_ids", expanding=True)),
        _TASK.c.checkpoint_id.is_(None),
    )
)


# One row of the list as HTML, filled in Python: a home page lists up to hundreds of tasks,
# and a Jinja macro looping over them (four attribute look-ups and escapes per row) cost as
# much as reading the rows. The labels are escaped once per language and the URL pattern
# checked once per page, so a row escapes only its title (memoised: titles repeat).
_ROW_HTML = (
    '\n  <li><a class="task-link" href="{href}">\n    <span>{title}</span>\n'
    '    <span class="state{tone}">{state}</span></a></li>'
)


class TaskRow(NamedTuple):
    """One line of the list: its task's checkpoint (None: a task that needs no place), its
    ``<li>``, which is the row in a template (``__html__``), and whether it is still to do
    (not started, running, or a creative answer the judges did not accept: it may be sent
    again). The tone in the state's class is "" (nothing done yet), "run", "ok", "bad" or
    "wait"."""

    checkpoint_id: int | None
    html: str
    to_do: bool

    def __html__(self) -> str:
        return self.html


class TaskRows(list[TaskRow]):
    """The rows of a list; in a template, ``{{ rows }}`` is their ``<li>`` elements joined in
    one piece (Jinja's ``join`` filter escapes and concatenates them one by one: a tenth of a
    home page's 300 rows)."""

    def __html__(self) -> str:
        return "".join([row.html for row in self])


@lru_cache(maxsize=4096)
def _escaped(text: str) -> str:
    """A title's HTML, memoised (a pure function of the text: never stale)."""
    return str(escape(text))


def task_list(
    participant: Participant,
    now: datetime,
    checkpoint_id: int | None = None,
    *,
    open_at: Collection[int] | None = None,
) -> TaskRows:
    """The rows of the event's tasks in their order, each in the state of the participant's
    owner's (team's or own) attempt: one statement, however many tasks and attempts. Only the
    tasks of one checkpoint when ``checkpoint_id`` is given; only those of the checkpoints
    ``open_at`` and the ones that need no place when that is given (the home page's)."""
    try:
        owner: str | None = owner_of(participant)
    except Refused:
        owner = None  # no team in a team event: nothing started, nothing matches NULL
    params: dict[str, Any] = {"owner": owner, "event_id": participant.event_id}
    statement = _EVENT_TASKS
    if checkpoint_id is not None:
        statement, params["checkpoint_id"] = _CHECKPOINT_TASKS, checkpoint_id
    elif open_at is not None:
        statement, params["checkpoint_ids"] = _OPEN_TASKS, sorted(open_at)
    rows = db.session.connection().execute(statement, params).all()
    if not rows:
        return TaskRows()
    labels, labels_html = _labels()
    href_of = url_filler("play.task", "task_id")  # the pattern once; each row fills in its id
    plain_href = str(escape(href_of(ANY_ID))) == href_of(ANY_ID)  # no escaping per row
    out = TaskRows()
    for task_id, title, kind, points, cp_id, status, got, correct, deadline, review in rows:
        key, tone, fill = _state(points, status, got, correct, deadline, review, now)
        if not title:
            title = labels[CREATIVE if kind == CREATIVE else "question"]
        href = href_of(task_id)
        html = _ROW_HTML.format(
            href=href if plain_href else escape(href),
            title=_escaped(title),
            tone=f" {tone}" if tone else "",
            state=labels_html[key] % {"points": fill} if fill is not None else labels_html[key],
        )
        out.append(TaskRow(cp_id, html, key in _TO_DO))
    return out


_LABELS: dict[str, tuple[dict[str, str], dict[str, str]]] = {}


def _labels() -> tuple[dict[str, str], dict[str, str]]:
    """Every label the list may show, translated once per language and process ("%(points)d
    points" is filled per row), as text and as escaped HTML."""
    locale = str(get_locale())
    found = _LABELS.get(locale)
    if found is None:
        text = _translated_labels()
        found = _LABELS[locale] = (text, {k: str(escape(v)) for k, v in text.items()})
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
    task_points: int,
    status: str | None,
    points: int | None,
    correct: bool | None,
    deadline: datetime | None,
    review: str | None,
    now: datetime,
) -> tuple[str, str, int | None]:
    """The label, tone and the number of points to fill in of a task whose owner's attempt
    has ``status`` (None: not started yet)."""
    if status is None:
        return "points", "", task_points
    if status == AttemptStatus.RUNNING:
        assert deadline is not None
        return ("running", "run", None) if now <= deadline else ("up", "bad", None)
    if status == AttemptStatus.SUBMITTED:
        review = review if review in _REVIEW_TONES else "pending"
        return review, _REVIEW_TONES[review], None
    if status == AttemptStatus.LATE:
        return "late", "bad", None
    if correct:
        return "scored", "ok", points
    return "wrong", "bad", None


# The states of a task still to do; any other is done (scored, wrong, late, time up, judged
# or waiting for the judges).
_TO_DO = frozenset({"points", "running", "rejected"})

# The latest submission's status -> its tone; any other status reads as "waiting".
_REVIEW_TONES = {"pending": "wait", "approved": "ok", "rejected": "bad", "disqualified": "bad"}
