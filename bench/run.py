"""``make bench``: seed, serve with gunicorn, load with wrk, measure the ceilings in the same run,
time the leaderboard, the check-in decision and the sheets PDF, write bench/results/latest.*

    python -m bench.run [--db sqlite,postgres] [--seconds 5] [--repeats 3] [--workers 4]
                        [--compare-workers 2,4] [--connections 64]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import time
import urllib.request
from contextlib import nullcontext
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from bench import ceiling
from bench.plan import make_app, photo_jpeg, write_plan
from bench.report import write_markdown
from bench.seed import reset_run_state, seed, sqlalchemy_url
from bench.server import Restartable, Server, run_wrk
from bench.timings import checkin_decision_cpu_ms, leaderboard_ms, sheets_pdf_s

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
RESULTS = HERE / "results"
SECRET = "bench-secret-key-not-for-production"
ENDPOINTS = ["page", "home", "board", "checkin", "start", "answer", "upload", "mix"]
FLOORS = ["floor_page", "floor_write"]  # served by the engine's server (bench.ceiling.floor_app)
AFTER_MODES = ["home", "board", "mix"]  # default rows served by the --after-root checkout
WRITES = {"checkin", "start", "answer", "upload", "mix"}


def machine() -> dict[str, object]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "kernel": platform.release(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "loadavg_start": os.getloadavg()[0],
    }


def pg_version(raw_url: str) -> str:
    engine = create_engine(sqlalchemy_url(raw_url))
    with engine.connect() as conn:
        version = str(conn.scalar(text("SHOW server_version")))
    engine.dispose()
    return version


def check_session(server: Server, plan_people: tuple[str, str]) -> None:
    """The pre-built cookie really logs in: /home answers 200, not the log-in page."""
    req = urllib.request.Request(server.url + "/home", headers={"Cookie": plan_people[0]})
    with urllib.request.urlopen(req, timeout=10) as resp:
        if resp.status != 200:
            raise RuntimeError(f"pre-built session refused: {resp.status}")


def median_run(runs: list[dict]) -> dict:
    ordered = sorted(runs, key=lambda r: r["rps"])
    best = dict(ordered[len(ordered) // 2])
    best["rps_runs"] = [round(r["rps"], 1) for r in runs]
    best["errors"] = sum(r["errors"] for r in runs)
    best["exhausted"] = sum(r["exhausted"] for r in runs)
    best["samples"] = {k: v for r in runs for k, v in r.get("samples", {}).items()}
    best["loadavg"] = [r["loadavg"] for r in runs]
    return best


def _app_spec(root: Path | None) -> str:
    """What gunicorn serves from the other checkout: its ``quizengine.wsgi:app`` (built, then
    frozen out of the garbage collector's walks, as this checkout's engine server is) when it
    has one, else ``create_app()``; side by side, both are then served alike."""
    if root is not None and (Path(root) / "quizengine" / "wsgi.py").exists():
        return "quizengine.wsgi:app"
    return "quizengine:create_app()"


def bench_database(kind: str, raw_url: str, args: argparse.Namespace) -> dict[str, object]:
    t0 = time.monotonic()
    seeded = seed(raw_url)
    seed_s = time.monotonic() - t0
    app = make_app(raw_url, SECRET)
    workdir = WORK / kind
    workdir.mkdir(parents=True, exist_ok=True)
    board = f"/board/{seeded.slug}/standings.json"
    plan = write_plan(
        app, seeded, args.connections, workdir / "plan", photo_jpeg(WORK / "photo.jpg"), board
    )
    first_cookie = (plan / "t0.lua").read_text().split('c="', 1)[1].split('"', 1)[0]
    ceiling.create_table(sqlalchemy_url(raw_url))
    env = {
        "DATABASE_URL": raw_url,
        "SECRET_KEY": SECRET,
        "RATELIMIT_ENABLED": "0",
        "UPLOAD_DIR": str(workdir / "uploads"),
        "PUBLIC_URL": "http://127.0.0.1:5000",
    }
    out: dict[str, object] = {"seed_s": round(seed_s, 1), "counts": seeded.counts, "workers": {}}
    counts = sorted({args.workers, *args.compare_workers})
    for workers in counts:
        modes = ENDPOINTS if workers == args.workers else ["mix"]
        after = args.after_root if workers == args.workers else None
        if after:
            modes = [*modes, *(f"{m}_after" for m in args.after_modes)]
        floors = FLOORS if workers == args.workers else []
        runs: dict[str, list[dict]] = {m: [] for m in ["hello", "insert", *floors, *modes]}
        with (
            Restartable("bench.ceiling:hello_app()", env, workers) as hello,
            Restartable("bench.ceiling:insert_app()", env, workers) as insert,
            Restartable("bench.ceiling:floor_app()", env, workers, "/api/health") as engine,
            Restartable(_app_spec(after), env, workers, "/api/health", root=after)
            if after
            else nullcontext() as fixed,
        ):
            check_session(engine.server, (first_cookie, ""))
            rss: list[float] = []
            after_rss: list[float] = []
            # The server whose writes the database holds since the last reset: the other
            # checkout may cache differently (an older one stamps no score changes), so it
            # reads only after a reset (which is a full score change for every cache).
            wrote: object = None
            for _ in range(args.repeats):
                for mode in runs:
                    base = mode.removesuffix("_after")
                    managed = {"hello": hello, "insert": insert}.get(mode, engine)
                    if mode != base:
                        managed = fixed
                    ours = managed is engine or managed is fixed
                    if base in WRITES or (ours and wrote is not None and wrote is not managed):
                        # Requests of the last run still queued (wrk stops, gunicorn's backlog
                        # does not) would write after the reset: a queued photo upload left a
                        # pending submission, and the mix's upload to it got a 409.
                        for server in (engine, fixed):
                            if server is not None:
                                server.settle()
                        reset_run_state(raw_url, seeded)
                        wrote = None
                    if base in WRITES:
                        wrote = managed
                    managed.settle()
                    result = asdict(
                        run_wrk(managed.server, base, plan, args.seconds, args.connections)
                    )
                    result["loadavg"] = round(os.getloadavg()[0], 2)
                    runs[mode].append(result)
                    if managed is engine:
                        rss = max(rss, engine.server.rss_mb(), key=lambda x: max(x, default=0))
                    if managed is fixed:
                        after_rss = max(
                            after_rss, fixed.server.rss_mb(), key=lambda x: max(x, default=0)
                        )
                    print(
                        f"[{kind} w={workers}] {mode:12s} {result['rps']:8.1f} req/s "
                        f"p99 {result['p99_ms']:7.1f} ms errors {result['errors']} "
                        f"wrk cpu {result['wrk_cpu_pct']:.0f}% load {result['loadavg']}",
                        flush=True,
                    )
            restarts = engine.restarts
        out["workers"][workers] = {
            "runs": {m: median_run(r) for m, r in runs.items()},
            "rss_mb": [round(x, 1) for x in rss],
            "after_rss_mb": [round(x, 1) for x in after_rss],
            "restarts": restarts,
        }
    reset_run_state(raw_url, seeded)
    with app.app_context():
        answered = range(1, seeded.max_attempt_id + 1)
        out["leaderboard"] = leaderboard_ms(app, seeded.slug, first_cookie, answered)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/quizengine_bench"
        ),
    )
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--compare-workers", default="2")
    parser.add_argument(
        "--after-root",
        type=Path,
        default=None,
        help="another checkout served side by side for before/after rows "
        "(e.g. `git worktree add DIR REV`)",
    )
    parser.add_argument(
        "--after-modes",
        default=",".join(AFTER_MODES),
        help="the endpoints also measured on the --after-root checkout",
    )
    parser.add_argument(
        "--after-label",
        default="--after-root checkout",
        help="how the report names the --after-root rows (e.g. 'before, 3c5790e')",
    )
    args = parser.parse_args()
    args.after_modes = [m for m in args.after_modes.split(",") if m]
    args.compare_workers = [int(x) for x in args.compare_workers.split(",") if x]
    info = machine()
    results: dict[str, object] = {
        "machine": info,
        "settings": {
            "seconds": args.seconds,
            "repeats": args.repeats,
            "connections": args.connections,
            "workers": args.workers,
            "compare_workers": args.compare_workers,
            "worker_class": "sync",
            "after_label": args.after_label,
        },
        "databases": {},
    }
    for kind in args.db.split(","):
        url = f"sqlite:///{WORK / 'sqlite' / 'bench.db'}" if kind == "sqlite" else args.pg_url
        if kind == "postgres":
            info["postgresql"] = pg_version_safe(url)
        results["databases"][kind] = bench_database(kind, url, args)
    results["pure"] = {
        "checkin_decision_cpu_ms": checkin_decision_cpu_ms(),
        "sheets_200_pdf_s": sheets_pdf_s(200),
    }
    micro = RESULTS / "micro.json"
    if micro.exists():
        compact_micro(micro)
        results["micro"] = [
            {
                "name": b["name"],
                "median_ms": b["stats"]["median"] * 1000,
                "min_ms": b["stats"]["min"] * 1000,
                "rounds": b["stats"]["rounds"],
            }
            for b in json.loads(micro.read_text())["benchmarks"]
        ]
    info["loadavg_end"] = os.getloadavg()[0]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=1, default=str))
    write_markdown(results, RESULTS / "latest.md")
    print((RESULTS / "latest.md").read_text())


def compact_micro(path: Path) -> None:
    """pytest-benchmark's JSON keeps every round's time (megabytes): keep the statistics."""
    data = json.loads(path.read_text())
    for bench in data.get("benchmarks", []):
        bench.get("stats", {}).pop("data", None)
    path.write_text(json.dumps(data, indent=1))


def pg_version_safe(url: str) -> str:
    try:
        return pg_version(url)
    except Exception:  # the database may not exist yet: seed creates it
        return pg_version(url.rsplit("/", 1)[0] + "/postgres")


if __name__ == "__main__":
    main()
