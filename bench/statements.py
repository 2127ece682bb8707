"""Every distinct SELECT the benchmark's requests send, timed alone, slowest first:

    python -m bench.statements page home checkin start answer [--db URL] [--n 40] [--top 10]

The requests of each mode (``bench.profile``'s) go through the app's test client on the seeded
benchmark event (seeded first when ``--reuse`` finds none) while every SELECT and its
parameters are kept, once per (mode, statement). Each is then run alone 30 times on a raw
DBAPI connection, fetching every row, and the medians are printed slowest first, with
SQLite's ``EXPLAIN QUERY PLAN``. It finds the statement whose plan went wrong: an index
searched by a column that matches hundreds of rows where another would match a few, which a
request's total time hides among the Python work.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any


def main() -> None:
    from sqlalchemy import event

    from bench.plan import make_app, session_cookies
    from bench.profile import MODES, WORK, _open, _requests, _seeded
    from bench.seed import reset_run_state
    from quizengine.extensions import db

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("modes", nargs="+", choices=MODES, metavar="MODE")
    parser.add_argument("--db", default=f"sqlite:///{WORK / 'profile' / 'bench.db'}")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--n", type=int, default=40, help="requests per mode")
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    seeded = _seeded(args.db, args.reuse)
    app = make_app(args.db, "bench-secret-key-not-for-production")
    people = [p for team in seeded.teams for p in team.members]
    cookies = session_cookies(app, seeded, people)
    client = app.test_client()
    with app.app_context():
        engine = db.engine
    seen: dict[tuple[str, str], Any] = {}
    mode = ""

    def keep(_conn: Any, _cursor: Any, statement: str, params: Any, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.setdefault((mode, statement), params)

    event.listen(engine, "before_cursor_execute", keep)
    try:
        for mode in args.modes:
            reset_run_state(args.db, seeded)
            for method, path, data, headers, _action in _requests(seeded, mode, cookies, args.n):
                _open(client, method, path, data, headers)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        timed = []
        for (where, statement), params in seen.items():
            runs = []
            for _ in range(30):
                started = time.perf_counter()
                cursor.execute(statement, params)
                cursor.fetchall()
                runs.append(time.perf_counter() - started)
            timed.append((statistics.median(runs) * 1000, where, statement, params))
        timed.sort(key=lambda found: found[0], reverse=True)
        for ms, where, statement, params in timed[: args.top]:
            print(f"--- {ms:.3f} ms [{where}] {' '.join(statement.split())}")
            if engine.dialect.name == "sqlite":
                cursor.execute(f"EXPLAIN QUERY PLAN {statement}", params)
                for row in cursor.fetchall():
                    print(f"      {row[3]}")
    finally:
        raw.rollback()
        raw.close()


if __name__ == "__main__":
    main()
