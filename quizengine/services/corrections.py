"""Corrections by organizers, each audited (who, when, why, before/after): manual check-in where
GPS fails, points adjustments with an idempotency key, re-scoring a question after its answer
was fixed, disqualifying a creative submission."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from checkpoints.scoring import question_points
from quizengine import kinds
from quizengine.extensions import db
from quizengine.models import (
    Adjustment,
    Attempt,
    AttemptStatus,
    CheckIn,
    Checkpoint,
    Event,
    Organizer,
    Participant,
    Submission,
    SubmissionStatus,
    Task,
    Team,
)
from quizengine.services import audit

MAX_ADJUSTMENT = 100_000


class CorrectionError(ValueError):
    """A correction that cannot be made as asked; the message says why."""


NOT_IN_EVENT = {
    "checkpoint": _l("no such checkpoint in this event"),
    "team": _l("no such team in this event"),
    "participant": _l("no such participant in this event"),
    "task": _l("no such task in this event"),
    "submission": _l("no such submission in this event"),
}


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionError(_("a reason is required"))
    return reason


def _in_event(model: Any, ident: int | None, event: Event, what: str) -> Any:
    obj = db.session.get(model, ident) if ident is not None else None
    if obj is None or obj.event_id != event.id:
        raise CorrectionError(str(NOT_IN_EVENT[what]))
    return obj


def manual_checkin(
    event: Event,
    *,
    checkpoint_id: int,
    team_id: int | None,
    participant_id: int | None,
    reason: str,
    organizer: Organizer,
    now: datetime,
    actor: str,
) -> CheckIn:
    """Check a team (or, in individual mode, a participant) in by hand at a checkpoint."""
    reason = _reason(reason)
    checkpoint = _in_event(Checkpoint, checkpoint_id, event, "checkpoint")
    team = _in_event(Team, team_id, event, "team") if team_id is not None else None
    person = (
        _in_event(Participant, participant_id, event, "participant")
        if participant_id is not None
        else None
    )
    if team is None and person is None:
        raise CorrectionError(_("choose a team or a participant"))
    checkin = CheckIn(
        event_id=event.id,
        checkpoint_id=checkpoint.id,
        team_id=team.id if team else (person.team_id if person else None),
        participant_id=person.id if person else None,
        created_at=now,
        verdict="manual",
        accepted=True,
        flags=[],
        manual_by_id=organizer.id,
        reason=reason,
    )
    db.session.add(checkin)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="checkin.manual",
        target=f"checkpoint:{checkpoint.id}",
        reason=reason,
        before=None,
        after={"checkin": checkin.id, "team": checkin.team_id, "participant": person and person.id},
    )
    return checkin


def adjust(
    event: Event,
    *,
    team_id: int | None,
    participant_id: int | None,
    points: int,
    reason: str,
    key: str,
    organizer: Organizer,
    now: datetime,
    actor: str,
) -> tuple[Adjustment, bool]:
    """Add ``points`` (+/-) for a team or participant; the same ``key`` twice is a no-op that
    returns the first adjustment (second value False)."""
    reason = _reason(reason)
    if not key or len(key) > 64:
        raise CorrectionError(_("missing or too long idempotency key"))
    if isinstance(points, bool) or not isinstance(points, int) or points == 0:
        raise CorrectionError(_("points must be a whole number other than 0"))
    if abs(points) > MAX_ADJUSTMENT:
        raise CorrectionError(_("at most %(n)d points at once", n=MAX_ADJUSTMENT))
    existing = db.session.scalar(
        select(Adjustment).where(Adjustment.event_id == event.id, Adjustment.key == key)
    )
    if existing is not None:
        return existing, False
    team = _in_event(Team, team_id, event, "team") if team_id is not None else None
    person = (
        _in_event(Participant, participant_id, event, "participant")
        if participant_id is not None
        else None
    )
    if (team is None) == (person is None):
        raise CorrectionError(_("choose either a team or a participant"))
    adj = Adjustment(
        event_id=event.id,
        team_id=team.id if team else None,
        participant_id=person.id if person else None,
        points=points,
        reason=reason,
        key=key,
        organizer_id=organizer.id,
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(adj)
    except IntegrityError:
        # Another organizer (or the first click) committed the same key meanwhile.
        won = db.session.scalar(
            select(Adjustment).where(Adjustment.event_id == event.id, Adjustment.key == key)
        )
        if won is None:  # pragma: no cover
            raise
        return won, False
    audit.record(
        event_id=event.id,
        actor=actor,
        action="adjustment.add",
        target=f"team:{team.id}" if team else f"participant:{person.id}",  # type: ignore[union-attr]
        reason=reason,
        before=None,
        after={"adjustment": adj.id, "points": points, "key": key},
    )
    return adj, True


def validate_answer_spec(task: Task, spec: Any) -> Any:
    """The new answer spec for ``task``'s kind, or CorrectionError naming what is wrong."""
    if task.kind == "choice":
        if not isinstance(spec, str) or spec not in (task.choices or []):
            raise CorrectionError(
                _("the answer must be one of the choices %(choices)s", choices=task.choices)
            )
        return spec
    if task.kind == "text":
        if isinstance(spec, str):
            spec = [spec]
        if not isinstance(spec, list):
            raise CorrectionError(_("give the accepted answers as a list of texts"))
        variants = [v.strip() for v in spec if isinstance(v, str) and v.strip()]
        if not variants or len(variants) != len(spec):
            raise CorrectionError(_("give at least one accepted answer, none of them blank"))
        return variants
    if task.kind == "number":
        value = spec.get("value") if isinstance(spec, dict) else None
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise CorrectionError(_("a number answer needs a value"))
        tolerance = spec.get("tolerance") or 0
        if not isinstance(tolerance, int | float) or not 0 <= tolerance < math.inf:
            raise CorrectionError(_("the tolerance must be a number >= 0"))
        return {"value": spec["value"], "tolerance": tolerance}
    raise CorrectionError(_("creative tasks are judged, not re-scored"))


def rescore_task(
    event: Event, task_id: int, new_answer: Any, *, reason: str, now: datetime, actor: str
) -> list[dict[str, Any]]:
    """Fix a question's answer and recompute every answered attempt from its stored times.

    Returns the attempts whose correctness or points changed (also written to the audit log).
    """
    reason = _reason(reason)
    task = _in_event(Task, task_id, event, "task")
    spec = validate_answer_spec(task, new_answer)
    before_answer = task.answer
    task.answer = spec
    kind = kinds.get(task.kind)
    changed: list[dict[str, Any]] = []
    attempts = db.session.scalars(
        select(Attempt)
        .where(Attempt.task_id == task.id, Attempt.answered_at.is_not(None))
        .order_by(Attempt.id)
    )
    for attempt in attempts:
        assert attempt.answered_at is not None
        correct = bool(kind.is_correct(task, attempt.answer))
        if attempt.status == AttemptStatus.LATE.value:
            points = 0
        else:
            elapsed = (attempt.answered_at - attempt.started_at).total_seconds()
            points = question_points(
                task.points, event.speed_weight, elapsed, task.time_limit_s, correct
            )
        if (correct, points) != (attempt.correct, attempt.points):
            changed.append(
                {
                    "attempt": attempt.id,
                    "owner": attempt.owner,
                    "before": {"correct": attempt.correct, "points": attempt.points},
                    "after": {"correct": correct, "points": points},
                }
            )
            attempt.correct, attempt.points = correct, points
    audit.record(
        event_id=event.id,
        actor=actor,
        action="task.rescore",
        target=f"task:{task.id}",
        reason=reason,
        before={"answer": before_answer},
        after={"answer": spec, "changed": changed, "at": now.isoformat()},
    )
    db.session.flush()
    return changed


def disqualify(
    event: Event, submission_id: int, *, reason: str, now: datetime, actor: str
) -> Submission:
    """Disqualify a creative submission: its points are gone (reviews stay, for the record)."""
    reason = _reason(reason)
    submission = _in_event(Submission, submission_id, event, "submission")
    if submission.status == SubmissionStatus.DISQUALIFIED.value:
        raise CorrectionError(_("this submission is already disqualified"))
    before = submission.status
    submission.status = SubmissionStatus.DISQUALIFIED.value
    submission.decided_at = now
    audit.record(
        event_id=event.id,
        actor=actor,
        action="submission.disqualify",
        target=f"submission:{submission.id}",
        reason=reason,
        before={"status": before},
        after={"status": submission.status},
    )
    db.session.flush()
    return submission


def parse_answer_input(task: Task, raw: str) -> Any:
    """The organizer's typed answer as the kind's spec: a choice, one text variant per line,
    or a number with an optional tolerance ("1953", "2,5 +- 0,1", "1953 ± 1")."""
    raw = (raw or "").strip()
    if task.kind == "text":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if task.kind == "number":
        value, _sep, tol = raw.replace("±", "+-").partition("+-")
        try:
            number = float(value.strip().replace(",", "."))
            tolerance = float(tol.strip().replace(",", ".")) if tol.strip() else 0.0
        except ValueError:
            number = tolerance = math.nan
        if not (math.isfinite(number) and math.isfinite(tolerance)):
            raise CorrectionError(_("type a number, optionally followed by +- and a tolerance"))
        if number.is_integer():
            return {"value": int(number), "tolerance": tolerance}
        return {"value": number, "tolerance": tolerance}
    return raw
