"""Review queue for creative submissions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from checkpoints.timeutil import utc_now
from quizengine.extensions import db
from quizengine.models import Event, Role, Submission, SubmissionStatus, Task
from quizengine.organize.access import actor, event_view
from quizengine.organize.paging import no_such_page, page_links, page_number
from quizengine.organize.review_forms import ReviewForm
from quizengine.organize.views import bp
from quizengine.services import reviews
from quizengine.services.pages import NoSuchPage


@bp.get("/e/<slug>/reviews")
@event_view(Role.JUDGE.value)
def review_queue(event: Event) -> str:
    status = request.args.get("status", SubmissionStatus.PENDING.value)
    counts = reviews.counts_by_status(event)
    try:
        listed = reviews.queue(
            event, current_user.id, status, page=page_number(), total=counts.get(status, 0)
        )
    except reviews.ReviewError:
        abort(400, description=_("Unknown status."))
    except NoSuchPage:
        no_such_page()
    return render_template(
        "organize/reviews.html",
        event=event,
        listed=listed,
        status=status,
        counts=counts,
        pending=counts[SubmissionStatus.PENDING.value],
        blind=event.blind_judging,
        page_href=page_links("organize.review_queue", slug=event.slug, status=status),
    )


@bp.route("/e/<slug>/reviews/<int:submission_id>", methods=["GET", "POST"])
@event_view(Role.JUDGE.value)
def review_submission(event: Event, submission_id: int) -> str | Response | tuple[str, int]:
    try:
        submission, task = reviews.submission_in(event, submission_id)
    except LookupError:
        abort(404)
    mine = next((r for r in submission.reviews if r.judge_id == current_user.id), None)
    form = ReviewForm(obj=mine) if request.method == "GET" else ReviewForm()
    if request.method == "POST":
        if not form.validate_for(task.points):
            return _render(event, submission, task, form), 400
        try:
            reviews.judge(
                event,
                submission.id,
                judge=current_user,
                verdict=form.verdict.data,
                points=form.points.data or 0,
                comment=(form.comment.data or "").strip(),
                now=utc_now(),
                actor=actor(),
            )
        except reviews.ReviewError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return _render(event, submission, task, form), 409
        db.session.commit()
        flash(_("Review saved."), "success")
        following = reviews.next_pending(event, current_user.id, submission.id)
        if following is not None:
            return redirect(
                url_for("organize.review_submission", slug=event.slug, submission_id=following)
            )
        return redirect(url_for("organize.review_queue", slug=event.slug))
    return _render(event, submission, task, form)


def _render(event: Event, submission: Submission, task: Task, form: ReviewForm) -> str:
    return render_template(
        "organize/review.html",
        event=event,
        submission=submission,
        task=task,
        form=form,
        combined=reviews.combined_points(event, submission),
        pending=reviews.pending_count(event),
        blind=event.blind_judging,
    )
