"""Before/after in one process on the seeded benchmark database: today's leaderboard service
against the GROUP BY prototype, with an equality check of every standing.

    python -m bench.proposals.compare DATABASE_URL
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.plan import make_app
from bench.proposals import leaderboard_sql as fast
from bench.seed import SLUG
from quizengine.services import leaderboard as lb
from quizengine.services.events import event_by_slug


def timed(fn: Callable[[], Any], repeats: int = 3) -> tuple[Any, float, float]:
    """(result, median wall ms, median CPU ms)."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    return result, round(statistics.median(walls), 1), round(statistics.median(cpus), 1)


def compare(raw_url: str) -> dict[str, Any]:
    app = make_app(raw_url, "bench-compare")
    with app.app_context():
        event = event_by_slug(SLUG)
        team_id = 17
        out: dict[str, Any] = {}
        before_t, w, c = timed(lambda: lb.team_standings(event))
        before_p, w2, c2 = timed(lambda: lb.participant_standings(event))
        out["before_standings_ms"] = {"wall": w + w2, "cpu": c + c2}
        after, w, c = timed(lambda: fast.standings(event))
        out["after_standings_ms"] = {"wall": w, "cpu": c}
        out["standings_equal"] = after == (before_t, before_p)
        before_pts, w, c = timed(lambda: lb.team_points(event, team_id))
        out["before_team_points_ms"] = {"wall": w, "cpu": c}
        after_pts, w, c = timed(lambda: fast.team_points(event, team_id))
        out["after_team_points_ms"] = {"wall": w, "cpu": c}
        out["team_points_equal"] = before_pts == after_pts
        sample = [1, 2, 11, 21, 250, 499]  # with and without adjustments (seed: every 10th)
        out["team_points_equal_sample"] = all(
            lb.team_points(event, t) == fast.team_points(event, t) for t in sample
        )
    return out


def index_effect(raw_url: str) -> dict[str, Any]:
    """The owner's attempts (what /c/<code>, /home and every task page load): no index leads
    with ``owner`` (unique(task_id, owner) starts with task_id), so each load scans the attempt
    table. Timed without, then with a proposed index on (event_id, owner), which is dropped
    again (the schema is only changed through migrations)."""
    from sqlalchemy import select, text

    from quizengine.extensions import db
    from quizengine.models import Attempt

    app = make_app(raw_url, "bench-compare")
    out: dict[str, Any] = {}
    with app.app_context():
        q = select(Attempt).where(Attempt.event_id == 1, Attempt.owner == "team:17")

        def load() -> int:
            n = len(db.session.scalars(q).all())
            db.session.expunge_all()
            return n

        db.session.execute(text("DROP INDEX IF EXISTS ix_bench_attempt_event_owner"))
        db.session.commit()
        rows, w, c = timed(load, 5)
        out["without_index_ms"] = {"wall": w, "cpu": c, "rows": rows}
        db.session.execute(
            text("CREATE INDEX ix_bench_attempt_event_owner ON attempt (event_id, owner)")
        )
        db.session.commit()
        rows, w, c = timed(load, 5)
        out["with_index_ms"] = {"wall": w, "cpu": c, "rows": rows}
        db.session.execute(text("DROP INDEX ix_bench_attempt_event_owner"))
        db.session.commit()
    return out


if __name__ == "__main__":
    print(
        json.dumps(
            {"leaderboard": compare(sys.argv[1]), "owner_index": index_effect(sys.argv[1])},
            indent=1,
        )
    )
