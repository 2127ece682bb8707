"""Single-client timings: the leaderboard on the seeded event (service and HTTP view), the
check-in decision's CPU time, and 200 checkpoint sheets as PDF."""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from bench.edits import (
    board_poll,
    creative_task_id,
    drop_participant,
    nudge_points,
    set_mode,
    toggle_policy,
)
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
KINDS = ("answer", "edit", "creative", "kept", "drop", "full")


def leaderboard_ms(app: Flask, slug: str, cookie: str, answered_ids: range) -> dict[str, float]:
    """Median wall time of the standings services and of GET /board/<slug>/standings.json:
    served from the cache, after an answer (each call after a new answer's score change:
    the cached board is advanced), after an edit that moves no points (a team renamed by the
    ORM, as the organizer's form does: the names are read again, nothing is summed), after a
    creative task's points changed by the ORM (the cap of its judged points: its judged
    attempts are stamped, the board advanced), after a full change that keeps question points
    (the review policy switched by the ORM: the judged creative points and adjustments are
    summed anew, the question sums advanced), after a participant registered
    and deleted again before playing (an organizer's correction: names only) and after a full
    change (bulk SQL: the event is summed anew). The changes are committed outside the
    timing. The poll is timed again with the event made an individual race for the while
    (``people_json``): its body lists every participant."""
    from quizengine.extensions import db
    from quizengine.models import Team
    from quizengine.services.events import event_by_slug
    from quizengine.services.leaderboard import participant_standings, team_standings

    rnd = random.Random(3)
    renamed: dict[int, str] = {}  # team id -> its name before the first rename
    nudges = [0]  # a creative task's points changed so far (see edits.nudge_points)
    policies = [0]  # review policy switches so far (see edits.toggle_policy)

    def change(kind: str) -> None:
        db.session.rollback()  # end the reader's transaction: it must see the change
        if kind == "edit":
            team = db.session.get(Team, rnd.choice(team_ids))
            assert team is not None
            renamed.setdefault(team.id, team.name)
            team.name = f"{renamed[team.id]} ({len(renamed)}.{rnd.randrange(10**6)})"
            db.session.commit()
        elif kind == "creative":
            nudge_points(creative_id, nudges[0])
            nudges[0] += 1
        elif kind == "kept":
            toggle_policy(event_id)
            policies[0] += 1
        elif kind == "drop":
            drop_participant(event_id, team_ids[0])
        else:
            with db.engine.begin() as conn:
                score_change(conn, event_id, None if kind == "full" else rnd.choice(answered_ids))

    def after(fn, kind: str) -> float:  # type: ignore[no-untyped-def]
        return _median_ms(fn, 7, before=lambda: change(kind))

    event = event_by_slug(slug)
    event_id = event.id
    team_ids = list(db.session.scalars(select(Team.id).where(Team.event_id == event_id)))
    creative_id = creative_task_id(event_id)  # a question's points move no answer's: narrow
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
    poll = board_poll(app, cookie, slug)
    poll()
    out["standings_json_ms"] = _median_ms(poll)
    for kind in KINDS:
        out[f"standings_json_{kind}_ms"] = after(poll, kind)
    # The same event as an individual race: its board lists all 5,000 participants.
    set_mode(event_id, "individual")
    try:
        poll()
        out["people_json_ms"] = _median_ms(poll)
        for kind in KINDS:
            out[f"people_json_{kind}_ms"] = after(poll, kind)
    finally:
        set_mode(event_id, "team")
    db.session.rollback()
    if nudges[0] % 2:  # the seeded points back, for the runs after
        nudge_points(creative_id, nudges[0])
    if policies[0] % 2:  # the seeded policy back
        toggle_policy(event_id)
    for team_id, original in renamed.items():  # the seeded names back
        team = db.session.get(Team, team_id)
        assert team is not None
        team.name = original
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
