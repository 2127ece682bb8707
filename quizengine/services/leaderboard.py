"""Standings, computed every time as a sum over attempts, reviews and adjustments.

Nothing here is a stored counter: a team's score is the points of its question attempts, plus
the judged points of its approved creative submissions, plus its adjustments (a participant's
adjustments count for their team too). Ties go to whoever reached the score first. With
``until`` (a leaderboard freeze) only what happened up to that moment counts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

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


@dataclass(frozen=True)
class Standing:
    rank: int
    id: int  # team id or participant id
    name: str
    team_name: str
    points: int
    reached_at: datetime | None  # when the current score was reached (tie-break)
    tasks_done: int


@dataclass
class _Tally:
    points: int = 0
    reached_at: datetime | None = None
    tasks_done: int = 0

    def add(self, points: int, at: datetime | None, task_done: bool = False) -> None:
        self.points += points
        if task_done:
            self.tasks_done += 1
        if points and at is not None and (self.reached_at is None or at > self.reached_at):
            self.reached_at = at


def _creative_scores(
    event: Event, until: datetime | None
) -> list[tuple[Attempt, Submission, int, datetime]]:
    """Approved creative submissions with their judged points (mean or last, by event)."""
    rows = db.session.execute(
        select(Submission, Attempt)
        .join(Attempt, Submission.attempt_id == Attempt.id)
        .where(
            Submission.event_id == event.id,
            Submission.status == SubmissionStatus.APPROVED.value,
        )
    ).all()
    if not rows:
        return []
    reviews: dict[int, list[Review]] = defaultdict(list)
    for review in db.session.scalars(
        select(Review)
        .where(Review.submission_id.in_([s.id for s, _ in rows]))
        .order_by(Review.updated_at, Review.id)
    ):
        if review.verdict == "approve" and (until is None or review.updated_at <= until):
            reviews[review.submission_id].append(review)
    out = []
    best: dict[int, tuple[Attempt, Submission, int, datetime]] = {}
    for submission, attempt in rows:
        judged = reviews.get(submission.id)
        if not judged:
            continue
        points = review_points([r.points for r in judged], event.review_policy) or 0
        at = judged[-1].updated_at
        # One score per attempt: the latest approved submission counts.
        if attempt.id not in best or submission.id > best[attempt.id][1].id:
            best[attempt.id] = (attempt, submission, min(points, attempt.task.points), at)
    out.extend(best.values())
    return out


def _tallies(event: Event, until: datetime | None) -> tuple[dict[int, _Tally], dict[int, _Tally]]:
    """Per team and per participant tallies."""
    teams: dict[int, _Tally] = defaultdict(_Tally)
    people: dict[int, _Tally] = defaultdict(_Tally)
    team_of = dict(
        db.session.execute(
            select(Participant.id, Participant.team_id).where(Participant.event_id == event.id)
        ).all()
    )
    q = (
        select(
            Attempt.team_id,
            func.coalesce(Attempt.answered_by_id, Attempt.participant_id),
            Attempt.points,
            Attempt.answered_at,
        )
        .join(Task, Task.id == Attempt.task_id)
        .where(
            Attempt.event_id == event.id, Task.kind != "creative", Attempt.answered_at.is_not(None)
        )
    )
    if until is not None:
        q = q.where(Attempt.answered_at <= until)
    for team_id, pid, points, at in db.session.execute(q):
        people[pid].add(points, at, True)
        if team_id is not None:
            teams[team_id].add(points, at, True)
    for attempt, submission, points, at in _creative_scores(event, until):
        people[submission.participant_id].add(points, at, True)
        if attempt.team_id is not None:
            teams[attempt.team_id].add(points, at, True)
    aq = select(Adjustment).where(Adjustment.event_id == event.id)
    if until is not None:
        aq = aq.where(Adjustment.created_at <= until)
    for adj in db.session.scalars(aq):
        team_id = adj.team_id
        if adj.participant_id is not None:
            people[adj.participant_id].add(adj.points, adj.created_at)
            team_id = team_id or team_of.get(adj.participant_id)
        if team_id is not None:
            teams[team_id].add(adj.points, adj.created_at)
    return teams, people


def _rank(entries: list[tuple[int, str, str, _Tally]]) -> list[Standing]:
    def order(e: tuple[int, str, str, _Tally]) -> tuple[int, float, str]:
        reached = e[3].reached_at
        return (-e[3].points, reached.timestamp() if reached else float("inf"), e[1].casefold())

    out: list[Standing] = []
    previous: tuple[int, datetime | None] | None = None
    rank = 0
    for i, (ident, name, team_name, tally) in enumerate(sorted(entries, key=order), start=1):
        key = (tally.points, tally.reached_at)
        if key != previous:
            rank = i
            previous = key
        out.append(
            Standing(rank, ident, name, team_name, tally.points, tally.reached_at, tally.tasks_done)
        )
    return out


def team_standings(event: Event, until: datetime | None = None) -> list[Standing]:
    teams, _ = _tallies(event, until)
    rows = db.session.execute(select(Team.id, Team.name).where(Team.event_id == event.id)).all()
    return _rank([(tid, name, name, teams.get(tid, _Tally())) for tid, name in rows])


def participant_standings(event: Event, until: datetime | None = None) -> list[Standing]:
    _, people = _tallies(event, until)
    rows = db.session.execute(
        select(Participant.id, Participant.name, Team.name)
        .outerjoin(Team, Team.id == Participant.team_id)
        .where(Participant.event_id == event.id)
    ).all()
    return _rank([(pid, name, tname or "", people.get(pid, _Tally())) for pid, name, tname in rows])


def team_points(event: Event, team_id: int, until: datetime | None = None) -> int:
    teams, _ = _tallies(event, until)
    return teams[team_id].points if team_id in teams else 0


def participant_points(event: Event, participant_id: int, until: datetime | None = None) -> int:
    _, people = _tallies(event, until)
    return people[participant_id].points if participant_id in people else 0
