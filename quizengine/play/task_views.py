"""Participant task views: the task page, start, answer, creative submit, submission photos."""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from checkpoints.scoring import review_points
from checkpoints.timeutil import format_local, utc_now
from quizengine import kinds
from quizengine.auth import current_participant
from quizengine.extensions import db
from quizengine.models import Attempt, Participant, SubmissionFile, Task
from quizengine.play.blueprint import bp
from quizengine.play.common import ms_left, participant_or_abort, wants_json
from quizengine.play.forms import AnswerForm, ConfirmForm, SubmitForm, first_error
from quizengine.services import attempts, submissions
from quizengine.services.attempts import AnswerOutcome
from quizengine.services.checkins import Refused

PHOTO_FIELD = "photos"


@cache
def _task_by_id() -> Select[tuple[Task]]:
    """The task with its checkpoint (the opening hours and the access check need it: one
    statement, not two), built once per process."""
    return select(Task).options(joinedload(Task.checkpoint)).where(Task.id == bindparam("task_id"))


def _task(task_id: int, participant: Participant) -> Task:
    task = db.session.scalars(_task_by_id(), {"task_id": task_id}).first()
    if task is None or task.event_id != participant.event_id:
        abort(404, description=_("Unknown task."))
    return task


def _judged(attempt: Attempt | None) -> list[dict[str, object]]:
    """The owner's submissions with their verdict, points and the judges' comments."""
    out: list[dict[str, object]] = []
    for sub in attempt.submissions if attempt else []:
        approved = [r for r in sub.reviews if r.verdict == "approve"]
        points = None
        if sub.status == "approved" and approved:
            points = review_points([r.points for r in approved], attempt.task.event.review_policy)
        comments = [r.comment for r in sub.reviews if r.comment]
        out.append({"submission": sub, "points": points, "comments": comments})
    return out


def render_task(
    participant: Participant, task: Task, *, error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    """The task page; also used to show a refusal (``error``) with its status code."""
    now = utc_now()
    event = participant.event
    try:
        attempt = attempts.find(participant, task)
    except Refused as err:
        attempt, error, status = None, error or err.message, status if error else err.status
    running = attempt is not None and attempt.answer_key is None and now <= attempt.deadline
    remaining_ms = ms_left(attempt.deadline, now) if attempt else 0
    judged = _judged(attempt)
    can_submit = (
        task.is_creative
        and attempt is not None
        and now <= attempt.deadline
        and not any(s.status in submissions.BLOCKING for s in attempt.submissions)
    )
    if wants_json() and status >= 400:
        return jsonify(error=status, message=error), status
    return render_template(
        "play/task.html",
        task=task,
        event=event,
        kind=kinds.get(task.kind),
        attempt=attempt,
        running=running,
        remaining_ms=remaining_ms,
        deadline_local=format_local(attempt.deadline, event.timezone, "%H:%M:%S")
        if attempt
        else None,
        start_problem=None if attempt else attempts.may_start(participant, task, now),
        judged=judged,
        can_submit=can_submit,
        max_photos=submissions.MAX_PHOTOS,
        error=error,
        key=secrets.token_urlsafe(16),
        start_form=ConfirmForm(),
        answer_form=AnswerForm(formdata=None),
        submit_form=SubmitForm(formdata=None),
    ), status


@bp.get("/t/<int:task_id>")
def task(task_id: int) -> ResponseReturnValue:
    participant = current_participant()
    if participant is None:
        return render_template("play/login_needed.html", next=request.path), 401
    return render_task(participant, _task(task_id, participant))


@bp.post("/t/<int:task_id>/start")
def start(task_id: int) -> ResponseReturnValue:
    participant = participant_or_abort()
    found = attempts.task_for_start(participant, task_id)  # one statement, not three
    if found is None or found[0].event_id != participant.event_id:
        task, known = _task(task_id, participant), None  # unknown task (404) or no team
    else:
        task, known = found
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_task(participant, task, error=first_error(form), status=400)
    try:
        attempt = attempts.start(participant, task, now=utc_now(), known=known)
    except Refused as err:
        return render_task(participant, task, error=err.message, status=err.status)
    # Read before the commit, which expires the objects (reading after it costs a new
    # transaction and two queries).
    started = {
        "attempt_id": attempt.id,
        "started_at": attempt.started_at.isoformat(),
        "deadline": attempt.deadline.isoformat(),
        "prompt": task.prompt,
    }
    deadline = attempt.deadline
    db.session.commit()
    if wants_json():
        remaining_ms = ms_left(deadline, utc_now())
        return jsonify(**started, remaining_ms=remaining_ms)
    return redirect(url_for("play.task", task_id=task_id))


def outcome_message(outcome: AnswerOutcome) -> str:
    if outcome.status == "late":
        text = _("Too late: the answer came after the deadline. 0 points.")
    elif outcome.correct:
        text = _("Correct! %(points)d points.", points=outcome.points)
    else:
        text = _("Wrong answer. 0 points.")
    if outcome.already_answered:
        return _("This task was already answered. %(result)s", result=text)
    return text


@bp.post("/t/<int:task_id>/answer")
def answer(task_id: int) -> ResponseReturnValue:
    participant = participant_or_abort()
    task = _task(task_id, participant)
    form = AnswerForm()
    if not form.validate_on_submit():
        return render_task(participant, task, error=first_error(form), status=400)
    try:
        outcome = attempts.answer(
            participant, task, form.answer.data or "", form.key.data or "", now=utc_now()
        )
    except kinds.AnswerInvalid as err:
        return render_task(participant, task, error=err.message, status=400)
    except Refused as err:
        return render_task(participant, task, error=err.message, status=err.status)
    # Worded before the commit: the first translation picks the language, which reads the
    # participant's event, and after the commit that costs a new transaction and two queries.
    message = outcome_message(outcome)
    db.session.commit()
    if wants_json():
        return jsonify(
            status=outcome.status,
            correct=outcome.correct,
            points=outcome.points,
            message=message,
            replay=outcome.replay,
            already_answered=outcome.already_answered,
        )
    flash(message, "success" if outcome.points else "error")
    return redirect(url_for("play.task", task_id=task_id))


@bp.post("/t/<int:task_id>/submit")
def submit(task_id: int) -> ResponseReturnValue:
    participant = participant_or_abort()
    task = _task(task_id, participant)
    form = SubmitForm()
    if not form.validate_on_submit():
        return render_task(participant, task, error=first_error(form), status=400)
    photos = [f.read() for f in request.files.getlist(PHOTO_FIELD) if f and f.filename]
    try:
        submission = submissions.submit(
            participant,
            task,
            form.text.data or "",
            photos,
            form.key.data or "",
            now=utc_now(),
            upload_dir=current_app.config["UPLOAD_DIR"],
        )
    except Refused as err:
        return render_task(participant, task, error=err.message, status=err.status)
    stored = [f.stored_name for f in submission.files]
    sent = _("Sent. Your submission is waiting for the judges.")  # before the commit (answer)
    try:
        db.session.commit()
    except BaseException:
        # Nothing was stored: take the photos written for it away again (a retry is safe).
        db.session.rollback()
        submissions.discard_files(stored, current_app.config["UPLOAD_DIR"])
        raise
    if wants_json():
        return jsonify(
            submission_id=submission.id,
            status=submission.status,
            photos=[f.id for f in submission.files],
        )
    flash(sent, "success")
    return redirect(url_for("play.task", task_id=task_id))


@bp.get("/photo/<int:file_id>")
def photo(file_id: int) -> ResponseReturnValue:
    file = db.session.get(SubmissionFile, file_id)
    organizer_id = current_user.id if current_user.is_authenticated else None
    if file is None or not submissions.may_see(file, current_participant(), organizer_id):
        abort(404)
    response = send_from_directory(
        Path(current_app.config["UPLOAD_DIR"]), file.stored_name, mimetype="image/jpeg"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
