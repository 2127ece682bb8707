"""Seed a realistic benchmark event fast: migrations first, then bulk inserts (SQLAlchemy core).

One live team event: 50 checkpoints with 6 tasks each (5 questions, 1 creative), 500 teams of
10 participants (5,000), 100,000 attempts already made (97,500 answered questions and 2,500
approved creative submissions with a review), 25,000 accepted check-ins (every team at every
checkpoint). Each team also has running attempts (for the answer benchmark) and untouched
question tasks (for the start benchmark); ``reset_run_state`` puts them back between runs.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, func, select, text, update

from checkpoints.codes import new_join_code, new_public_code, new_secret
from quizengine.config import database_url
from quizengine.models import (
    Adjustment,
    Attempt,
    CheckIn,
    Checkpoint,
    Event,
    Organizer,
    Participant,
    Review,
    Submission,
    SubmissionFile,
    Task,
    Team,
)
from quizengine.services import score_version

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-race"
QUESTIONS_PER_CP = 5
ANSWERED_PER_TEAM = 195  # question attempts already answered, per team
CREATIVE_DONE_PER_TEAM = 5  # approved creative submissions, per team
RUNNING_PER_TEAM = 25  # started, not answered: the answer benchmark answers them
RUNNING_CREATIVE_PER_TEAM = 10  # started creative tasks: the upload benchmark submits to them
CENTER = (-7.97713, 112.63400)  # Malang


@dataclass
class TeamPlan:
    """What one team may still do during a run (tasks as ids)."""

    team_id: int
    members: list[int]
    running: list[int] = field(default_factory=list)  # question tasks with a running attempt
    fresh: list[int] = field(default_factory=list)  # question tasks never started
    creative: list[int] = field(default_factory=list)  # creative tasks with a running attempt


@dataclass
class Seeded:
    event_id: int
    slug: str
    codes: list[str]  # checkpoint codes, by position
    places: list[tuple[float, float, float]]  # lat, lon, radius of each checkpoint
    answers: dict[int, str]  # question task id -> a correct answer
    teams: list[TeamPlan]
    tokens: dict[int, str]  # participant id -> login token
    max_attempt_id: int
    counts: dict[str, int]


def sqlalchemy_url(raw: str) -> str:
    return database_url(raw, ROOT / "instance")


def reset_database(raw_url: str) -> None:
    """An empty database: a fresh SQLite file, or PostgreSQL's public schema dropped."""
    url = sqlalchemy_url(raw_url)
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    name = url.rsplit("/", 1)[1]
    admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def migrate(raw_url: str) -> None:
    """``flask db upgrade``: the schema is only ever built through the migrations."""
    env = {**os.environ, "DATABASE_URL": raw_url, "SECRET_KEY": "bench-migrate"}
    flask = str(Path(sys.executable).with_name("flask"))
    done = subprocess.run(
        [flask, "--app", "quizengine", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"flask db upgrade failed:\n{done.stderr[-3000:]}")


def _analyze(engine: Engine) -> None:
    """PostgreSQL: planner statistics for the rows just written, as autovacuum keeps them on a
    production server. This machine's server runs with autovacuum off; without statistics the
    planner took a team's 235 attempts times the event's 2,500 approved submissions in a
    nested loop (40 ms a home page instead of 0.8). SQLite is left without statistics, as
    quizengine leaves it."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def _fix_sequences(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in (
            "event",
            "team",
            "participant",
            "checkpoint",
            "task",
            "attempt",
            "checkin",
            "submission",
            "review",
            "organizer",
        ):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
            )


def seed(
    raw_url: str, teams: int = 500, per_team: int = 10, checkpoints: int = 50, rng_seed: int = 7
) -> Seeded:
    """Reset, migrate and fill the database; returns what the load plan needs."""
    reset_database(raw_url)
    migrate(raw_url)
    rnd = random.Random(rng_seed)
    engine = create_engine(sqlalchemy_url(raw_url))
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(hours=2)
    per_cp = QUESTIONS_PER_CP + 1
    with engine.begin() as conn:
        conn.execute(
            Event.__table__.insert(),
            [
                dict(
                    id=1,
                    slug=SLUG,
                    title="Benchmark race",
                    timezone="Asia/Jakarta",
                    starts_at=start,
                    ends_at=now + timedelta(hours=10),
                    language="en",
                    mode="team",
                    status="live",
                    radius_m=50.0,
                    speed_weight=0.5,
                    accuracy_cap_m=100.0,
                    max_speed_kmh=150.0,
                    team_code_login=False,
                    blind_judging=False,
                    review_policy="mean",
                    created_at=start,
                )
            ],
        )
        conn.execute(Organizer.__table__.insert(), [_organizer()])
        codes: set[str] = set()
        cps, places = [], []
        while len(codes) < checkpoints:
            codes.add(new_public_code())
        for i, code in enumerate(sorted(codes)):
            lat = CENTER[0] + rnd.uniform(-0.05, 0.05)
            lon = CENTER[1] + rnd.uniform(-0.05, 0.05)
            cps.append(
                dict(
                    id=i + 1,
                    event_id=1,
                    key=f"cp{i + 1}",
                    code=code,
                    name=f"Checkpoint {i + 1}",
                    instructions="Find the fountain.",
                    lat=lat,
                    lon=lon,
                    radius_m=60.0,
                    opens=None,
                    closes=None,
                    position=i,
                )
            )
            places.append((lat, lon, 60.0))
        conn.execute(Checkpoint.__table__.insert(), cps)
        tasks, answers, questions, creatives = [], {}, [], []
        for c in range(checkpoints):
            for j in range(per_cp):
                tid = c * per_cp + j + 1
                row = dict(
                    id=tid,
                    event_id=1,
                    checkpoint_id=c + 1,
                    title=f"Task {tid}",
                    prompt="In which year was the Tugu monument inaugurated?",
                    choices=None,
                    answer=None,
                    rubric="",
                    submit="photo_text",
                    time_limit_s=3600,
                    points=100,
                    position=j,
                )
                if j == QUESTIONS_PER_CP:
                    row.update(
                        kind="creative",
                        points=200,
                        time_limit_s=7200,
                        prompt="A team photo at the fountain.",
                    )
                    creatives.append(tid)
                elif j % 3 == 0:
                    row.update(kind="choice", choices=["1946", "1953", "1962"], answer="1953")
                    answers[tid] = "1953"
                elif j % 3 == 1:
                    row.update(kind="text", answer=["merdeka", "freedom"])
                    answers[tid] = "Merdeka"
                else:
                    row.update(kind="number", answer={"value": 1953, "tolerance": 0})
                    answers[tid] = "1953"
                if j != QUESTIONS_PER_CP:
                    questions.append(tid)
                tasks.append(row)
        conn.execute(Task.__table__.insert(), tasks)
        team_rows, people, tokens = [], [], {}
        join_codes: set[str] = set()
        while len(join_codes) < teams:
            join_codes.add(new_join_code())
        for t, jc in enumerate(sorted(join_codes)):
            team_rows.append(dict(id=t + 1, event_id=1, name=f"Team {t + 1:03d}", join_code=jc))
            for m in range(per_team):
                pid = t * per_team + m + 1
                tokens[pid] = new_secret()
                people.append(
                    dict(
                        id=pid,
                        event_id=1,
                        team_id=t + 1,
                        name=f"Player {pid:05d}",
                        unit=f"Unit {m}",
                        login_token=tokens[pid],
                        created_at=start,
                    )
                )
        conn.execute(Team.__table__.insert(), team_rows)
        conn.execute(Participant.__table__.insert(), people)
        plans, attempts, checkins, subs, reviews = [], [], [], [], []
        aid = 0
        for t in range(teams):
            team_id = t + 1
            members = [t * per_team + m + 1 for m in range(per_team)]
            rot = (t * 7) % len(questions)
            order = questions[rot:] + questions[:rot]
            plan = TeamPlan(team_id, members)
            for k, tid in enumerate(order):
                who = members[k % per_team]
                if k < ANSWERED_PER_TEAM:
                    at = start + timedelta(seconds=rnd.uniform(60, 7000))
                    ok = rnd.random() < 0.7
                    aid += 1
                    attempts.append(
                        dict(
                            id=aid,
                            event_id=1,
                            task_id=tid,
                            owner=f"team:{team_id}",
                            team_id=team_id,
                            participant_id=who,
                            started_at=at - timedelta(seconds=40),
                            deadline=at + timedelta(seconds=3560),
                            status="answered",
                            answer=answers[tid] if ok else "1946",
                            answer_key=f"seed{aid}",
                            answered_at=at,
                            answered_by_id=who,
                            correct=ok,
                            points=99 if ok else 0,
                        )
                    )
                elif k < ANSWERED_PER_TEAM + RUNNING_PER_TEAM:
                    plan.running.append(tid)
                else:
                    plan.fresh.append(tid)
            crot = t % len(creatives)
            corder = creatives[crot:] + creatives[:crot]
            for k, tid in enumerate(corder[:CREATIVE_DONE_PER_TEAM]):
                at = start + timedelta(seconds=rnd.uniform(600, 7000))
                aid += 1
                attempts.append(
                    dict(
                        id=aid,
                        event_id=1,
                        task_id=tid,
                        owner=f"team:{team_id}",
                        team_id=team_id,
                        participant_id=members[k],
                        started_at=at - timedelta(seconds=300),
                        deadline=at + timedelta(seconds=6900),
                        status="submitted",
                        answer=None,
                        answer_key=None,
                        answered_at=None,
                        answered_by_id=None,
                        correct=None,
                        points=0,
                    )
                )
                subs.append(
                    dict(
                        id=len(subs) + 1,
                        event_id=1,
                        attempt_id=aid,
                        participant_id=members[k],
                        idem_key=f"seed{aid}",
                        text="Our team at the fountain",
                        status="approved",
                        created_at=at,
                        decided_at=at + timedelta(seconds=600),
                    )
                )
                reviews.append(
                    dict(
                        id=len(reviews) + 1,
                        submission_id=len(subs),
                        judge_id=1,
                        verdict="approve",
                        points=150,
                        comment="Nice",
                        created_at=at,
                        updated_at=at + timedelta(seconds=600),
                    )
                )
            plan.creative = corder[
                CREATIVE_DONE_PER_TEAM : CREATIVE_DONE_PER_TEAM + RUNNING_CREATIVE_PER_TEAM
            ]
            needed = order + corder[: CREATIVE_DONE_PER_TEAM + RUNNING_CREATIVE_PER_TEAM]
            for cp in sorted({(tid - 1) // per_cp for tid in needed}):
                lat, lon, _ = places[cp]
                who = members[cp % per_team]
                checkins.append(
                    dict(
                        id=len(checkins) + 1,
                        event_id=1,
                        checkpoint_id=cp + 1,
                        participant_id=who,
                        team_id=team_id,
                        created_at=start + timedelta(seconds=rnd.uniform(0, 7000)),
                        lat=lat,
                        lon=lon + 0.0001,
                        accuracy_m=12.0,
                        fix_at=None,
                        distance_m=11.0,
                        verdict="on_site",
                        accepted=True,
                        flags=[],
                        flag_decision=None,
                        manual_by_id=None,
                        reason="",
                    )
                )
            plans.append(plan)
        for chunk in range(0, len(attempts), 20_000):
            conn.execute(Attempt.__table__.insert(), attempts[chunk : chunk + 20_000])
        conn.execute(CheckIn.__table__.insert(), checkins)
        conn.execute(Submission.__table__.insert(), subs)
        conn.execute(Review.__table__.insert(), reviews)
        # a few manual corrections: for a team, and for a participant (counts for the team)
        conn.execute(
            Adjustment.__table__.insert(),
            [
                dict(
                    event_id=1,
                    team_id=t if k % 2 else None,
                    participant_id=None if k % 2 else t * per_team,
                    points=25 if k % 3 else -10,
                    reason="Helped another team",
                    key=f"seed{k}",
                    organizer_id=1,
                    created_at=start + timedelta(seconds=600 + k),
                )
                for k, t in enumerate(range(1, teams + 1, 10))
            ],
        )
    _fix_sequences(engine)
    seeded = Seeded(
        event_id=1,
        slug=SLUG,
        codes=[c["code"] for c in cps],
        places=places,
        answers=answers,
        teams=plans,
        tokens=tokens,
        max_attempt_id=aid,
        counts={
            "checkpoints": len(cps),
            "tasks": len(tasks),
            "teams": teams,
            "participants": len(people),
            "attempts": len(attempts),
            "checkins": len(checkins),
            "submissions": len(subs),
        },
    )
    reset_run_state(raw_url, seeded, engine)
    engine.dispose()
    return seeded


def _organizer() -> dict[str, object]:
    from werkzeug.security import generate_password_hash

    return {
        "id": 1,
        "email": "judge@bench.example",
        "name": "Judge",
        "is_admin": False,
        "password_hash": generate_password_hash(new_secret()),
        "created_at": datetime.now(UTC),
    }


def reset_run_state(raw_url: str, seeded: Seeded, engine: Engine | None = None) -> None:
    """Undo a run: drop what it created, re-open the running attempts with a fresh clock."""
    own = engine is None
    engine = engine or create_engine(sqlalchemy_url(raw_url))
    now = datetime.now(UTC)
    with engine.begin() as conn:
        new_subs = select(Submission.id).where(Submission.attempt_id > seeded.max_attempt_id)
        conn.execute(delete(SubmissionFile).where(SubmissionFile.submission_id.in_(new_subs)))
        conn.execute(delete(Submission).where(Submission.attempt_id > seeded.max_attempt_id))
        conn.execute(delete(Attempt).where(Attempt.id > seeded.max_attempt_id))
        conn.execute(delete(CheckIn).where(CheckIn.id > seeded.counts["checkins"]))
        conn.execute(Attempt.metadata.tables["audit_entry"].delete())
        rows, aid = [], seeded.max_attempt_id
        for plan in seeded.teams:
            for k, tid in enumerate(plan.running + plan.creative):
                aid += 1
                who = plan.members[k % len(plan.members)]
                rows.append(
                    dict(
                        id=aid,
                        event_id=seeded.event_id,
                        task_id=tid,
                        owner=f"team:{plan.team_id}",
                        team_id=plan.team_id,
                        participant_id=who,
                        started_at=now - timedelta(seconds=5),
                        deadline=now + timedelta(hours=1),
                        status="running",
                        answer=None,
                        answer_key=None,
                        answered_at=None,
                        answered_by_id=None,
                        correct=None,
                        points=0,
                    )
                )
        conn.execute(Attempt.__table__.insert(), rows)
        conn.execute(
            update(Event)
            .where(Event.id == seeded.event_id)
            .values(ends_at=now + timedelta(hours=10))
        )
        # Points changed behind the ORM's back: a full change, no cached board survives it.
        score_version.bump(conn, seeded.event_id)  # type: ignore[arg-type]
    _fix_sequences(engine)
    _analyze(engine)
    if own:
        engine.dispose()


def score_change(conn: Any, event_id: int, attempt_id: int | None = None) -> None:
    """A new score version, as a write makes it, in the caller's transaction: without
    ``attempt_id`` a full change (every cached board is summed anew); with it, as an answer
    does: that attempt's points changed and stamped (cached boards are advanced)."""
    version = score_version.bump(conn, event_id, full=attempt_id is None)
    if attempt_id is not None:
        conn.execute(
            update(Attempt)
            .where(Attempt.id == attempt_id)
            .values(points=Attempt.points + 1, scored_version=version)
        )


def count_rows(raw_url: str) -> dict[str, int]:
    engine = create_engine(sqlalchemy_url(raw_url))
    with engine.connect() as conn:
        out = {
            m.__tablename__: int(conn.scalar(select(func.count()).select_from(m)))
            for m in (Attempt, CheckIn, Submission, SubmissionFile)
        }
    engine.dispose()
    return out
