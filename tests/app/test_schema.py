"""The schema comes from the migrations, matches the models, and enforces the invariants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError, StatementError

from quizengine.extensions import db
from quizengine.models import Adjustment, Attempt, CheckIn, Event, Review, owner_key
from tests.builders import (
    make_checkpoint,
    make_event,
    make_organizer,
    make_participant,
    make_task,
    make_team,
)


# SQLite's reflection skips an index on an expression, so there the comparison cannot see
# ix_attempt_event_answered (PostgreSQL's does); test_leaderboard_cache checks SQLite reads it.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_migrations_match_the_models(ctx):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []
    assert "alembic_version" in inspect(db.engine).get_table_names()


def _attempt(task, participant, team, team_mode=True, **kw):
    now = datetime.now(UTC)
    return Attempt(
        event_id=task.event_id,
        task_id=task.id,
        owner=owner_key(team.id if team else None, participant.id, team_mode),
        team_id=team.id if team else None,
        participant_id=participant.id,
        started_at=now,
        deadline=now + timedelta(seconds=task.time_limit_s),
        **kw,
    )


def test_one_attempt_per_task_and_team(ctx):
    event = make_event()
    team = make_team(event)
    a, b = make_participant(event, team), make_participant(event, team)
    task = make_task(event, make_checkpoint(event))
    db.session.add(_attempt(task, a, team))
    db.session.commit()
    db.session.add(_attempt(task, b, team))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(db.func.count(Attempt.id))) == 1


def test_one_attempt_per_task_and_participant_in_individual_mode(ctx):
    event = make_event(mode="individual")
    team = make_team(event)
    a, b = make_participant(event, team), make_participant(event, team)
    task = make_task(event)
    db.session.add_all([_attempt(task, a, team, False), _attempt(task, b, team, False)])
    db.session.commit()
    db.session.add(_attempt(task, a, team, False))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_attempt_owner_cannot_be_null(ctx):
    event = make_event()
    team = make_team(event)
    p = make_participant(event, team)
    task = make_task(event)
    attempt = _attempt(task, p, team)
    attempt.owner = None
    db.session.add(attempt)
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_team_mode_owner_needs_a_team():
    with pytest.raises(ValueError, match="without a team"):
        owner_key(None, 5, team_mode=True)
    assert owner_key(None, 5, team_mode=False) == "participant:5"
    assert owner_key(3, 5, team_mode=True) == "team:3"


def test_event_window_and_mode_are_checked(ctx):
    now = datetime.now(UTC)
    db.session.add(Event(slug="bad", title="Bad", timezone="UTC", starts_at=now, ends_at=now))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    make_event(slug="ok")
    db.session.commit()
    db.session.add(
        Event(
            slug="m",
            title="M",
            timezone="UTC",
            starts_at=now,
            ends_at=now + timedelta(hours=1),
            mode="solo",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_adjustment_key_is_unique_per_event(ctx):
    event = make_event()
    team = make_team(event)
    db.session.add(Adjustment(event_id=event.id, team_id=team.id, points=5, reason="r", key="k1"))
    db.session.commit()
    db.session.add(Adjustment(event_id=event.id, team_id=team.id, points=5, reason="r", key="k1"))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_one_review_per_judge_and_submission(ctx):
    from quizengine.models import Submission

    event = make_event()
    team = make_team(event)
    p = make_participant(event, team)
    task = make_task(event, kind="creative", choices=None, answer=None)
    attempt = _attempt(task, p, team)
    db.session.add(attempt)
    db.session.flush()
    sub = Submission(event_id=event.id, attempt_id=attempt.id, participant_id=p.id, idem_key="x")
    db.session.add(sub)
    judge = make_organizer()
    db.session.flush()
    db.session.add(Review(submission_id=sub.id, judge_id=judge.id, verdict="approve", points=5))
    db.session.commit()
    db.session.add(Review(submission_id=sub.id, judge_id=judge.id, verdict="approve", points=9))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_checkin_needs_someone(ctx):
    event = make_event()
    cp = make_checkpoint(event)
    db.session.add(CheckIn(event_id=event.id, checkpoint_id=cp.id, verdict="manual"))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_times_are_aware_utc_on_the_way_back(ctx):
    wib = timezone(timedelta(hours=7))
    event = make_event(
        starts_at=datetime(2023, 10, 6, 7, 0, tzinfo=wib),
        ends_at=datetime(2023, 10, 6, 17, 0, tzinfo=wib),
    )
    db.session.commit()
    db.session.expire_all()
    loaded = db.session.get(Event, event.id)
    assert loaded.starts_at == datetime(2023, 10, 6, 0, 0, tzinfo=UTC)
    assert loaded.starts_at.utcoffset() == timedelta(0)
    assert loaded.ends_at.tzinfo is not None


def test_naive_datetimes_are_refused(ctx):
    db.session.add(
        Event(
            slug="n",
            title="N",
            timezone="UTC",
            starts_at=datetime(2023, 1, 1),
            ends_at=datetime(2023, 1, 2),
        )
    )
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.commit()
