"""The organizer's pages and exports on the seeded benchmark event, timed, with the memory
each one takes from a worker:

    python -m bench.organizer [--db URL] [--reuse] [--repeats 3] [PATH ...]

Every page (by default all of an event's pages that answer a GET, the board's two and the
exports) is requested in a process of its own through the app's test client, logged in as
the event's owner: the growth of that process's peak resident memory over the first request
(a warm-up of the organizer's start page) is what the page costs a worker, which keeps it
after the request (Python's allocator returns little to the system); then the median time of
``--repeats`` requests. PATH is a page under ``/organize/e/<slug>/`` ("reports/results.csv")
or a path from the root ("/board/<slug>/").

Run from another checkout's folder (``cd /tmp/before && PYTHONPATH=. python
/path/to/bench/organizer.py --db URL --reuse``), it measures that checkout's code on the same
database, for a side by side. The database is seeded as ``bench.profile`` seeds it (with
``--reuse``, the one an earlier run seeded); organizer 1 is made the event's owner there.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

# Under /organize/e/<slug>/: every page of an event that answers a GET without a form posted.
PAGES = [
    "",
    "checkpoints",
    "corrections",
    "event.yaml",
    "live",
    "live.json",
    "people",
    "print",
    "reports",
    "reports/checkins.csv",
    "reports/print",
    "reports/results.csv",
    "reports/results.xml",
    "reviews",
    "settings",
    "tasks",
    "teams",
    "/board/{slug}/",
    "/board/{slug}/projector",
]


def _owner(url: str, event_id: int) -> None:
    """Organizer 1 (the seeded judge) made the event's owner, once. In plain SQL, like the
    rest of this file written against what older checkouts have too (it runs with another
    checkout's ``bench`` and ``quizengine`` on the path for a side by side)."""
    from sqlalchemy import create_engine, text

    from bench.seed import sqlalchemy_url

    engine = create_engine(sqlalchemy_url(url))
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM event_role WHERE organizer_id = 1"))
        conn.execute(
            text("INSERT INTO event_role (event_id, organizer_id, role) VALUES (:e, 1, 'owner')"),
            {"e": event_id},
        )
    engine.dispose()


def _one(url: str, path: str, repeats: int) -> dict[str, object]:
    """In this process: the page's status, size, peak memory growth and median time."""
    from bench.plan import make_app

    app = make_app(url, "bench-secret-key-not-for-production")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "organizer:1"
        session["_fresh"] = True
    assert client.get("/organize/").status_code == 200
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        resp = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if len(times) == 1:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "path": path,
        "status": resp.status_code,
        "kB": len(resp.data) / 1024,
        "ms": statistics.median(times),
        "MB": (peak - before) / 1024,
    }


def main() -> None:
    from bench.profile import WORK, _seeded

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="*", metavar="PATH")
    parser.add_argument("--db", default=f"sqlite:///{WORK / 'profile' / 'bench.db'}")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the child process's page
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be 1 or more")
    if args.one:
        print(json.dumps(_one(args.db, args.one, args.repeats)))
        return
    seeded = _seeded(args.db, args.reuse)
    _owner(args.db, seeded.event_id)
    print("median ms | status | kB | a worker's peak memory grows by (MB) | page", flush=True)
    for page in args.paths or PAGES:
        page = page.format(slug=seeded.slug)
        path = page if page.startswith("/") else f"/organize/e/{seeded.slug}/{page}"
        # This file, with the checkout of the current folder first on the path (see above).
        command = [sys.executable, __file__, "--db", args.db, "--one", path]
        command += ["--repeats", str(args.repeats)]
        paths = [os.getcwd(), os.environ.get("PYTHONPATH", "")]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
        done = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
        found = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{found['ms']:9.1f} | {found['status']} | {found['kB']:8.0f} | {found['MB']:6.0f}"
            f" | {found['path']}",
            flush=True,
        )


if __name__ == "__main__":
    main()
