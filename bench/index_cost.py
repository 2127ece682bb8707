"""What one index of ``attempt`` costs an answer's write, on the seeded benchmark event:

    python -m bench.index_cost [--db URL] [--index ix_attempt_event_answered]
                               [--answers 2000] [--runs 6]

Each run answers ``--answers`` of the event's running attempts, one transaction each, with
the columns an answer request sets (status, time, answerer, correctness, points, key: one
UPDATE and its COMMIT, through the app's engine and so its SQLite settings), then puts them
back to running. Runs alternate: without the index (dropped), then with it (created again
from the model's definition). Prints each run's µs per answer and the medians: the write
alone, not the request around it (``bench.profile answer`` times that).

The database must be one the benchmark seeded (``bench.profile`` or ``bench.edits`` seed
it; ``--reuse`` there keeps it); it is left as it was found, the index included.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Index, bindparam, select, update

from bench.plan import make_app
from quizengine.database import has_index
from quizengine.extensions import db
from quizengine.models import Attempt


def _index(name: str) -> Index:
    found = [index for index in Attempt.__table__.indexes if index.name == name]
    if not found:
        raise SystemExit(f"attempt has no index {name!r} in the models")
    return found[0]


def _drop(conn: Any, name: str) -> None:
    conn.exec_driver_sql(f'DROP INDEX IF EXISTS "{name}"')


def _answer_each(engine: Any, ids: list[int]) -> float:
    """µs per answer: each attempt answered in a transaction of its own."""
    now = datetime.now(UTC)
    answer = (
        update(Attempt)
        .where(Attempt.id == bindparam("aid"))
        .values(
            status="answered",
            answered_at=now,
            answered_by_id=Attempt.participant_id,
            correct=True,
            points=50,
            answer_key="bench-index-cost",
        )
    )
    started = time.perf_counter()
    for ident in ids:
        with engine.begin() as conn:
            conn.execute(answer, {"aid": ident})
    return (time.perf_counter() - started) / len(ids) * 1e6


def _unanswer(engine: Any, ids: list[int]) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(Attempt)
            .where(Attempt.id.in_(ids))
            .values(
                status="running",
                answered_at=None,
                answered_by_id=None,
                correct=None,
                points=0,
                answer_key=None,
            )
        )


def main() -> None:
    from bench.profile import WORK

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=f"sqlite:///{WORK / 'profile' / 'bench.db'}")
    parser.add_argument("--index", default="ix_attempt_event_answered")
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=6)
    args = parser.parse_args()
    if args.answers < 1 or args.runs < 1:
        parser.error("--answers and --runs must be 1 or more")
    app = make_app(args.db, "bench-index-cost")
    index = _index(args.index)
    with app.app_context():
        engine = db.engine
        with engine.connect() as conn:
            had = has_index(conn, args.index)
            ids = list(
                conn.scalars(
                    select(Attempt.id)
                    .where(Attempt.status == "running")
                    .order_by(Attempt.id)
                    .limit(args.answers)
                )
            )
        if len(ids) < args.answers:
            raise SystemExit(f"only {len(ids)} running attempts: seed the database first")
        times: dict[str, list[float]] = {"without": [], "with": []}
        try:
            for _ in range(args.runs):
                for label in times:
                    with engine.begin() as conn:
                        _drop(conn, args.index)
                        if label == "with":
                            index.create(conn)
                    times[label].append(_answer_each(engine, ids))
                    _unanswer(engine, ids)
        finally:
            with engine.begin() as conn:
                _drop(conn, args.index)
                if had:
                    index.create(conn)
    for label, runs in times.items():
        shown = ", ".join(f"{t:.1f}" for t in runs)
        print(f"{label:8s} {statistics.median(runs):7.1f} µs per answer (runs: {shown})")


if __name__ == "__main__":
    main()
