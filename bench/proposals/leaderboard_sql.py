"""Proposal (prototype, not used by the app): the same standings with the question attempts
summed by the database (GROUP BY) instead of 100,000 rows turned into Python objects, and one
team's points summed for that team only (what /home needs) instead of the whole event.

``bench/proposals/compare.py`` checks these give exactly what quizengine.services.leaderboard
gives on the seeded event, and times both in the same process.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, case, func, select

from checkpoints.scoring import review_points
from quizengine.extensions import db
from quizengine.models import (
    Adjustment,
    Attempt,
    Event,
    Participant,
    Review,
    Submission,
    SubmissionStatus,
    Task,
    Team,
)
from quizengine.services import leaderboard as lb


def _question_groups(
    event: Event, until: datetime | None, by: ColumnElement[int], only: ColumnElement[bool] | None
) -> dict[int, lb._Tally]:
    scored_at = case((Attempt.points != 0, Attempt.answered_at), else_=None)
    q = (
        select(by, func.sum(Attempt.points), func.count(), func.max(scored_at))
        .join(Task, Task.id == Attempt.task_id)
        .where(
            Attempt.event_id == event.id, Task.kind != "creative", Attempt.answered_at.is_not(None)
        )
        .group_by(by)
    )
    if until is not None:
        q = q.where(Attempt.answered_at <= until)
    if only is not None:
        q = q.where(only)
    out: dict[int, lb._Tally] = {}
    for key, points, done, reached in db.session.execute(q):
        if isinstance(reached, str):  # SQLite: max() over a CASE comes back as text
            reached = datetime.fromisoformat(reached).replace(tzinfo=UTC)
        out[key] = lb._Tally(int(points or 0), reached, int(done))
    return out


def other_items(event: Event, until: datetime | None = None) -> list[lb.ScoredItem]:
    """Creative and adjustment items (few rows): the same logic as scored_items' second half."""
    items: list[lb.ScoredItem] = []
    judged = lb.creative_points(event, until)
    if judged:
        latest: dict[int, tuple[int, int, int | None, int]] = {}
        for sub_id, attempt_id, task_id, team_id, pid in db.session.execute(
            select(
                Submission.id,
                Attempt.id,
                Attempt.task_id,
                Attempt.team_id,
                Submission.participant_id,
            )
            .join(Attempt, Submission.attempt_id == Attempt.id)
            .where(Submission.id.in_(list(judged)))
        ):
            if attempt_id not in latest or sub_id > latest[attempt_id][0]:
                latest[attempt_id] = (sub_id, task_id, team_id, pid)
        for attempt_id, (sub_id, task_id, team_id, pid) in latest.items():
            points, at = judged[sub_id]
            items.append(lb.ScoredItem("creative", team_id, pid, points, at, task_id, attempt_id))
    team_of = dict(
        db.session.execute(
            select(Participant.id, Participant.team_id).where(Participant.event_id == event.id)
        ).all()
    )
    aq = select(Adjustment).where(Adjustment.event_id == event.id)
    if until is not None:
        aq = aq.where(Adjustment.created_at <= until)
    for adj in db.session.scalars(aq):
        team_id = adj.team_id
        if team_id is None and adj.participant_id is not None:
            team_id = team_of.get(adj.participant_id)
        items.append(
            lb.ScoredItem("adjustment", team_id, adj.participant_id, adj.points, adj.created_at)
        )
    return items


def tallies(event: Event, until: datetime | None = None, others: list | None = None):  # type: ignore[no-untyped-def]
    teams: dict[int, lb._Tally] = defaultdict(lb._Tally)
    people: dict[int, lb._Tally] = defaultdict(lb._Tally)
    teams.update(_question_groups(event, until, Attempt.team_id, Attempt.team_id.is_not(None)))
    people.update(
        _question_groups(
            event, until, func.coalesce(Attempt.answered_by_id, Attempt.participant_id), None
        )
    )
    for item in other_items(event, until) if others is None else others:
        if item.participant_id is not None:
            people[item.participant_id].add(item)
        if item.team_id is not None:
            teams[item.team_id].add(item)
    return teams, people


def _team_creative(event: Event, team_id: int) -> int:
    """One team's judged creative points, from plain columns (no ORM objects)."""
    rows = db.session.execute(
        select(Submission.id, Submission.attempt_id, Task.points, Review.points)
        .join(Attempt, Submission.attempt_id == Attempt.id)
        .join(Task, Task.id == Attempt.task_id)
        .join(Review, Review.submission_id == Submission.id)
        .where(
            Submission.event_id == event.id,
            Attempt.team_id == team_id,
            Submission.status == SubmissionStatus.APPROVED.value,
            Review.verdict == "approve",
        )
        .order_by(Review.updated_at, Review.id)
    ).all()
    judged: dict[int, list[int]] = defaultdict(list)
    latest: dict[int, tuple[int, int]] = {}  # attempt -> (submission, cap)
    for sub_id, attempt_id, cap, points in rows:
        judged[sub_id].append(points)
        if attempt_id not in latest or sub_id > latest[attempt_id][0]:
            latest[attempt_id] = (sub_id, cap)
    return sum(
        min(review_points(judged[sub_id], event.review_policy) or 0, cap)
        for sub_id, cap in latest.values()
    )


def team_points(event: Event, team_id: int) -> int:
    """One team: the database sums its own question attempts (index ix_attempt_event_team),
    plus its judged creative work and its (and its members') adjustments."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(Attempt.points), 0))
        .join(Task, Task.id == Attempt.task_id)
        .where(
            Attempt.event_id == event.id,
            Attempt.team_id == team_id,
            Task.kind != "creative",
            Attempt.answered_at.is_not(None),
        )
    )
    members = select(Participant.id).where(Participant.team_id == team_id)
    adjusted = db.session.scalar(
        select(func.coalesce(func.sum(Adjustment.points), 0)).where(
            Adjustment.event_id == event.id,
            (Adjustment.team_id == team_id)
            | (Adjustment.team_id.is_(None) & Adjustment.participant_id.in_(members)),
        )
    )
    return int(total) + _team_creative(event, team_id) + int(adjusted)


def standings(event: Event, others: list | None = None):  # type: ignore[no-untyped-def]
    teams, people = tallies(event, None, others)
    trows = db.session.execute(select(Team.id, Team.name).where(Team.event_id == event.id)).all()
    prows = db.session.execute(
        select(Participant.id, Participant.name, Team.name)
        .outerjoin(Team, Team.id == Participant.team_id)
        .where(Participant.event_id == event.id)
    ).all()
    return (
        lb._rank([(tid, n, n, teams.get(tid, lb._Tally())) for tid, n in trows]),
        lb._rank([(pid, n, tn or "", people.get(pid, lb._Tally())) for pid, n, tn in prows]),
    )
