"""The same requests on the same code and database, its schema at two migrations, alternated:

    python -m bench.schema_ab page start answer --before 0010 [--db URL] [--runs 3] [--n 400]

What an index (or any migration that changes no code path) does to the requests that read
it. Each run migrates the seeded benchmark database (``flask db downgrade`` to ``--before``,
or ``flask db upgrade`` to the head) and then runs ``python -m bench.profile MODES --reuse
--freeze-gc --n N`` in a process of its own; runs alternate, before then after. Prints each
mode's CPU and wall milliseconds per request of every run and their medians. The database
must be one the benchmark seeded (``python -m bench.profile page`` seeds it); it is left at
the head.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
from collections import defaultdict

from bench.plan import make_app

# bench.profile's first line per mode: "page  4.58 ms CPU/req  4.58 ms wall/req  4.0 SQL/req"
_LINE = re.compile(r"^(\w+)\s+([\d.]+) ms CPU/req\s+([\d.]+) ms wall/req", re.MULTILINE)


def _migrate(url: str, revision: str | None) -> None:
    """The database's schema at ``revision`` (None: the head)."""
    from flask_migrate import downgrade, upgrade

    from quizengine.extensions import db

    app = make_app(url, "bench-schema-ab")
    with app.app_context():
        if revision is None:
            upgrade()
        else:
            downgrade(revision=revision)
        db.engine.dispose()


def _profile(url: str, modes: list[str], n: int) -> dict[str, tuple[float, float]]:
    """mode -> (CPU ms, wall ms) per request, from a ``bench.profile`` process."""
    command = [sys.executable, "-m", "bench.profile", *modes, "--db", url, "--reuse"]
    command += ["--freeze-gc", "--n", str(n)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    found = {m[1]: (float(m[2]), float(m[3])) for m in _LINE.finditer(out)}
    if set(found) != set(modes):
        raise SystemExit(f"bench.profile printed no figure for {set(modes) - set(found)}:\n{out}")
    return found


def main() -> None:
    from bench.profile import MODES, WORK

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("modes", nargs="+", choices=MODES, metavar="MODE")
    parser.add_argument("--before", required=True, help="the migration to compare the head to")
    parser.add_argument("--db", default=f"sqlite:///{WORK / 'profile' / 'bench.db'}")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--n", type=int, default=400)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be 1 or more")
    labels = {f"at {args.before}": args.before, "at the head": None}
    cpu: dict[tuple[str, str], list[float]] = defaultdict(list)
    wall: dict[tuple[str, str], list[float]] = defaultdict(list)
    try:
        for _ in range(args.runs):
            for label, revision in labels.items():
                _migrate(args.db, revision)
                for mode, (c, w) in _profile(args.db, args.modes, args.n).items():
                    cpu[mode, label].append(c)
                    wall[mode, label].append(w)
    finally:
        _migrate(args.db, None)
    print("ms per request, median of runs (runs)")
    for mode in args.modes:
        for label in labels:
            c, w = cpu[mode, label], wall[mode, label]
            print(
                f"{mode:12s} {label:12s} CPU {statistics.median(c):6.2f}"
                f" ({', '.join(f'{x:.2f}' for x in c)})  wall {statistics.median(w):6.2f}"
                f" ({', '.join(f'{x:.2f}' for x in w)})"
            )


if __name__ == "__main__":
    main()
