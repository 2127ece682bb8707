"""Single-client timings: the leaderboard on the seeded event (service and HTTP view), the
check-in decision's CPU time, and 200 checkpoint sheets as PDF."""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from bench.seed import score_change
from checkpoints.flags import PastFix, position_flags
from checkpoints.geofence import Fix, Place, decide
from checkpoints.qr import _matrix
from checkpoints.sheets import SheetCheckpoint, SheetEvent, checkpoint_sheets_pdf


def _median_ms(fn, repeats: int = 5, before=None) -> float:  # type: ignore[no-untyped-def]
    """Median wall time of ``fn()``; ``before()``, if given, runs untimed before each call."""
    times = []
    for _ in range(repeats):
        if before is not None:
            before()
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 1)


# The states the leaderboard is timed in after the cached one (see ``leaderboard_ms``).
KINDS = ("answer", "edit", "kept", "drop", "full")


def leaderboard_ms(app: Flask, slug: str, cookie: str, answered_ids: range) -> dict[str, float]:
    """Median wall time of the standings services and of GET /board/<slug>/standings.json:
    served from the cache, after an answer (each call after a new answer's score change:
    the cached board is advanced), after an edit that moves no points (a team renamed by the
    ORM, as the organizer's form does: the names are read again, nothing is summed), after a
    full change that keeps question points (a creative task's points, its judged points' cap,
    changed by the ORM: the judged creative points and adjustments are summed anew, the
    question sums advanced), after a
    participant registered and deleted again before playing (an organizer's correction: a full
    change that keeps question points too) and after a full change (bulk SQL: the event is
    summed anew). The changes are committed outside the timing."""
    from quizengine.extensions import db
    from quizengine.models import Event, Task, Team
    from quizengine.services import people
    from quizengine.services.events import event_by_slug
    from quizengine.services.leaderboard import participant_standings, team_standings

    rnd = random.Random(3)
    renamed: dict[int, str] = {}  # team id -> its name before the first rename
    repointed: dict[int, int] = {}  # task id -> its points before the first change
    dropped = [0]  # participants registered and deleted so far (their names must differ)

    def change(kind: str) -> None:
        db.session.rollback()  # end the reader's transaction: it must see the change
        if kind == "edit":
            team = db.session.get(Team, rnd.choice(team_ids))
            assert team is not None
            renamed.setdefault(team.id, team.name)
            team.name = f"{renamed[team.id]} ({len(renamed)}.{rnd.randrange(10**6)})"
            db.session.commit()
            return
        if kind == "kept":
            task = db.session.get(Task, rnd.choice(task_ids))
            assert task is not None
            repointed.setdefault(task.id, task.points)
            task.points = repointed[task.id] + 1 + rnd.randrange(50)
            db.session.commit()
            return
        if kind == "drop":  # through the organizer's services, as their forms do
            ev, team = db.session.get(Event, event_id), db.session.get(Team, team_ids[0])
            assert ev is not None and team is not None
            dropped[0] += 1
            p = people.create_participant(ev, f"Salah daftar {dropped[0]}", "", team, actor="bench")
            db.session.commit()
            people.delete_participant(ev, p, actor="bench")
            db.session.commit()
            return
        with db.engine.begin() as conn:
            score_change(conn, event_id, None if kind == "full" else rnd.choice(answered_ids))

    def after(fn, kind: str) -> float:  # type: ignore[no-untyped-def]
        return _median_ms(fn, 7, before=lambda: change(kind))

    event = event_by_slug(slug)
    event_id = event.id
    team_ids = list(db.session.scalars(select(Team.id).where(Team.event_id == event_id)))
    task_ids = list(  # creative: a question's points move no answer's (a narrow change)
        db.session.scalars(
            select(Task.id).where(Task.event_id == event_id, Task.kind == "creative")
        )
    )
    out: dict[str, float] = {}
    for name, fn in (
        ("team_standings", team_standings),
        ("participant_standings", participant_standings),
    ):
        fn(event)
        out[f"{name}_ms"] = _median_ms(lambda fn=fn: fn(event))  # cached
        for kind in KINDS:
            out[f"{name}_{kind}_ms"] = after(lambda fn=fn: fn(event), kind)
    db.session.remove()
    client = app.test_client()
    name, _, value = cookie.partition("=")
    client.set_cookie(name, value)

    def poll() -> None:
        resp = client.get(f"/board/{slug}/standings.json")
        assert resp.status_code == 200, resp.status_code

    poll()
    out["standings_json_ms"] = _median_ms(poll)
    for kind in KINDS:
        out[f"standings_json_{kind}_ms"] = after(poll, kind)
    db.session.rollback()
    for team_id, original in renamed.items():  # the seeded names back, for the runs after
        team = db.session.get(Team, team_id)
        assert team is not None
        team.name = original
    for task_id, points in repointed.items():
        task = db.session.get(Task, task_id)
        assert task is not None
        task.points = points
    db.session.commit()
    db.session.remove()
    return out


def checkin_decision_cpu_ms(n: int = 2000) -> dict[str, float]:
    """CPU per check-in decision: geodesic verdict plus the faked-position flags against five
    earlier check-ins (what the check-in service computes besides the database)."""
    now = datetime.now(UTC)
    place = Place(-7.97713, 112.63400, 60.0)
    fix = Fix(-7.97700, 112.63410, 12.0, now - timedelta(seconds=3))
    previous = [
        PastFix(-7.97 - i * 0.003, 112.63 + i * 0.002, now - timedelta(minutes=10 * i), f"cp{i}")
        for i in range(1, 6)
    ]
    t0 = time.process_time()
    for _ in range(n):
        decide(fix, place, 100.0)
    geodesic_only = (time.process_time() - t0) * 1000 / n
    t0 = time.process_time()
    for _ in range(n):
        decide(fix, place, 100.0)
        position_flags(fix, now, place, previous, max_speed_kmh=150)
    return {
        "decide_ms": round(geodesic_only, 3),
        "decide_and_flags_ms": round((time.process_time() - t0) * 1000 / n, 3),
    }


def sheets_pdf_s(count: int = 200) -> dict[str, float]:
    event = SheetEvent("Benchmark race - Kota Malang", "6 Oct 2023, 07:00-17:00 WIB")
    sheets = [
        SheetCheckpoint(
            f"Checkpoint {i}",
            "Find the Tugu fountain in front of the city hall and look for the plaque.",
            f"AB{i:04d}",
            f"https://quiz.example.org/c/AB{i:04d}",
        )
        for i in range(count)
    ]
    seconds, cpu = [], []
    size = 0
    for _ in range(3):
        _matrix.cache_clear()  # QR matrices built afresh, as for a new event
        t0, c0 = time.perf_counter(), time.process_time()
        size = len(checkpoint_sheets_pdf(event, sheets))
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {
        "seconds": round(statistics.median(seconds), 2),
        "cpu_seconds": round(statistics.median(cpu), 2),
        "bytes": size,
        "sheets": count,
    }
