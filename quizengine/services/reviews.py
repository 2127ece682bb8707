"""Judging creative submissions: the queue (oldest first), one review per judge, approve/reject.

A judge's review is upserted (a judge revising updates the same row); the unique constraint
(submission, judge) makes a double click or a second tab land on that row instead of doubling
it. The submission's status follows the latest decision; its points are the judges' approving
reviews combined by the event's policy (mean or last), computed by the leaderboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from checkpoints.scoring import review_points
from quizengine.extensions import db
from quizengine.models import (
    Attempt,
    Event,
    Organizer,
    Review,
    Submission,
    SubmissionStatus,
    Task,
)
from quizengine.services import audit
from quizengine.services.pages import NoSuchPage, page_count

VERDICTS = ("approve", "reject")
MAX_COMMENT = 2000


class ReviewError(ValueError):
    """A review that cannot be taken (points out of range, closed submission, ...)."""


@dataclass(frozen=True)
class QueueEntry:
    submission: Submission
    task: Task
    reviewed_by_me: bool
    reviews: int


def pending_count(event: Event) -> int:
    return (
        db.session.scalar(
            select(func.count(Submission.id)).where(
                Submission.event_id == event.id,
                Submission.status == SubmissionStatus.PENDING.value,
            )
        )
        or 0
    )


# Submissions on a page of the queue: an individual race's "approved" tab can hold tens of
# thousands (2,500 made a 519 kB page in half a second).
QUEUE_PAGE = 100


@dataclass(frozen=True)
class QueuePage:
    entries: list[QueueEntry]
    page: int  # 1-based
    pages: int
    total: int  # submissions with the status, on all pages

    @property
    def first(self) -> int:
        """The number of the page's first entry in the whole queue (1 on page 1)."""
        return (self.page - 1) * QUEUE_PAGE + 1


def counts_by_status(event: Event) -> dict[str, int]:
    """How many of the event's submissions have each status (0 for none), for the tabs."""
    found = dict(
        db.session.execute(
            select(Submission.status, func.count(Submission.id))
            .where(Submission.event_id == event.id)
            .group_by(Submission.status)
        ).all()
    )
    return {s.value: found.get(s.value, 0) for s in SubmissionStatus}


def queue(
    event: Event, judge_id: int, status: str = "pending", *, page: int = 1, total: int
) -> QueuePage:
    """Page ``page`` of the submissions with ``status`` (``total`` of them), oldest first,
    with whether this judge already scored each; with its attempt's team, its author and its
    files (what the queue shows), in the same few statements whatever the page's length.
    ``NoSuchPage`` past the last page (page 1 always exists)."""
    if status not in {s.value for s in SubmissionStatus}:
        raise ReviewError(_("unknown status"))
    pages = page_count(total, QUEUE_PAGE)
    if not 1 <= page <= pages:
        raise NoSuchPage(page)
    rows = db.session.execute(
        select(Submission, Task)
        .join(Attempt, Attempt.id == Submission.attempt_id)
        .join(Task, Task.id == Attempt.task_id)
        .where(Submission.event_id == event.id, Submission.status == status)
        .order_by(Submission.created_at, Submission.id)
        .limit(QUEUE_PAGE)
        .offset((page - 1) * QUEUE_PAGE)
        .options(
            contains_eager(Submission.attempt).joinedload(Attempt.team),
            joinedload(Submission.participant),
            selectinload(Submission.files),
        )
    ).all()
    listed = [s.id for s, _t in rows]  # QUEUE_PAGE ids at most: one bound parameter each
    reviewed = select(Review.submission_id).where(Review.submission_id.in_(listed))
    mine = set(db.session.scalars(reviewed.where(Review.judge_id == judge_id)))
    counts = dict(
        db.session.execute(
            reviewed.add_columns(func.count(Review.id)).group_by(Review.submission_id)
        ).all()
    )
    return QueuePage(
        [QueueEntry(s, t, s.id in mine, counts.get(s.id, 0)) for s, t in rows],
        page,
        pages,
        total,
    )


def next_pending(event: Event, judge_id: int, after_id: int) -> int | None:
    """The oldest pending submission this judge has not reviewed, other than ``after_id`` (the
    one just judged): where the judge goes next. One statement, where the view loaded the
    whole pending queue after every review to pick it."""
    return db.session.scalar(
        select(Submission.id)
        .where(
            Submission.event_id == event.id,
            Submission.status == SubmissionStatus.PENDING.value,
            Submission.id != after_id,
            ~select(Review.id)
            .where(Review.submission_id == Submission.id, Review.judge_id == judge_id)
            .exists(),
        )
        .order_by(Submission.created_at, Submission.id)
        .limit(1)
    )


def submission_in(event: Event, submission_id: int) -> tuple[Submission, Task]:
    row = db.session.execute(
        select(Submission, Task)
        .join(Attempt, Attempt.id == Submission.attempt_id)
        .join(Task, Task.id == Attempt.task_id)
        .where(Submission.id == submission_id, Submission.event_id == event.id)
    ).first()
    if row is None:
        raise LookupError(_("no such submission in this event"))
    return row[0], row[1]


def combined_points(event: Event, submission: Submission) -> int | None:
    """The submission's points as the event's policy combines its approving reviews."""
    approving = sorted(
        (r for r in submission.reviews if r.verdict == "approve"),
        key=lambda r: (r.updated_at, r.id),
    )
    return review_points([r.points for r in approving], event.review_policy)


def _upsert(submission: Submission, judge: Organizer, now: datetime) -> tuple[Review, bool]:
    """This judge's review row, created if missing; a concurrent insert of the same row (the
    unique constraint fires) falls back to the row that won."""
    existing = db.session.scalar(
        select(Review).where(Review.submission_id == submission.id, Review.judge_id == judge.id)
    )
    if existing is not None:
        return existing, False
    review = Review(
        submission_id=submission.id,
        judge_id=judge.id,
        verdict="approve",
        points=0,
        created_at=now,
        updated_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(review)
    except IntegrityError:
        existing = db.session.scalar(
            select(Review).where(Review.submission_id == submission.id, Review.judge_id == judge.id)
        )
        if existing is None:  # pragma: no cover - the constraint fired for another reason
            raise
        return existing, False
    return review, True


def judge(
    event: Event,
    submission_id: int,
    *,
    judge: Organizer,
    verdict: str,
    points: int,
    comment: str,
    now: datetime,
    actor: str,
) -> Review:
    """Record (or revise) ``judge``'s review and set the submission's status to the decision."""
    if verdict not in VERDICTS:
        raise ReviewError(_("verdict must be one of %(choices)s", choices=", ".join(VERDICTS)))
    submission, task = submission_in(event, submission_id)
    if submission.status == SubmissionStatus.DISQUALIFIED.value:
        raise ReviewError(_("this submission was disqualified; it cannot be judged"))
    if isinstance(points, bool) or not isinstance(points, int):
        raise ReviewError(_("points must be a whole number"))
    if verdict == "reject":
        points = 0
    if not 0 <= points <= task.points:
        raise ReviewError(_("points must be between 0 and %(max)d", max=task.points))
    if len(comment) > MAX_COMMENT:
        raise ReviewError(_("the comment is longer than %(n)d characters", n=MAX_COMMENT))
    review, created = _upsert(submission, judge, now)
    before = None if created else {"verdict": review.verdict, "points": review.points}
    status_before = submission.status
    review.verdict, review.points, review.comment, review.updated_at = (
        verdict,
        points,
        comment,
        now,
    )
    submission.status = (
        SubmissionStatus.APPROVED.value if verdict == "approve" else SubmissionStatus.REJECTED.value
    )
    submission.decided_at = now
    audit.record(
        event_id=event.id,
        actor=actor,
        action=f"review.{verdict}",
        target=f"submission:{submission.id}",
        reason=comment,
        before={"status": status_before, "review": before},
        after={"status": submission.status, "review": {"verdict": verdict, "points": points}},
    )
    db.session.flush()
    return review
