"""Profile one endpoint in-process on the seeded benchmark event: CPU per request and, with
``--tree``, pyinstrument's call tree, to find what a load run's slow rows spend their time on.

    python -m bench.profile page home board board_fresh board_kept board_answer checkin start
                            answer mix [--db URL] [--n 300] [--tree] [--sql] [--reuse]
                            [--freeze-gc]

``mix`` sends the load run's realistic mix (without its photo uploads) and says which action
takes what share of its CPU. ``board_fresh`` makes a full score change before each poll (the
board summed anew), ``board_kept`` switches the review policy through the ORM (a full change
that keeps question points: the board rebased), ``board_answer`` changes
one answered attempt's points as an answer does (the board advanced from the one before); the
change's CPU counts, it is small (about a millisecond for the ORM's).

``--freeze-gc`` freezes what exists after the warm-up out of the garbage collector's walks
(``quizengine.wsgi``); every run prints the median, 99th percentile and slowest request.

Seeds the database first unless ``--reuse`` (a database seeded by an earlier run of this
profiler, whose plan it kept); requests go through Flask's test client with the same pre-built
session cookies the load run sends.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import pickle
import random
import time
from pathlib import Path
from typing import Any

from bench.edits import toggle_policy
from bench.plan import make_app, session_cookies
from bench.seed import Seeded, reset_run_state, score_change, seed, sqlalchemy_url

WORK = Path(__file__).resolve().parent / ".work"


# The load run's mix (lua/play.lua's MIX) without its 1 % of photo uploads.
MIX = {"page": 20, "home": 20, "board": 14, "checkin": 15, "start": 15, "answer": 15}
MODES = [*MIX, "board_fresh", "board_kept", "board_answer", "mix"]
WARM_UP = 5  # requests sent before the measured ones


def _requests(seeded: Seeded, mode: str, cookies: dict[int, tuple], n: int) -> list[tuple]:
    """(method, path, data, headers, action) per request, built like lua/play.lua builds
    them; ``mix`` draws each request's action with the load run's shares."""
    rnd = random.Random(5)
    out: list[tuple] = []
    actions = list(MIX)
    weights = list(MIX.values())
    for i in range(n):
        action = rnd.choices(actions, weights)[0] if mode == "mix" else mode
        _add_request(out, seeded, action, cookies, i, rnd)
    return out


def _add_request(
    out: list[tuple], seeded: Seeded, mode: str, cookies: dict[int, tuple], i: int, rnd: Any
) -> None:
    """The ``i``-th request of ``mode``, appended to ``out``."""
    teams = seeded.teams
    team = teams[i % len(teams)]
    pid = team.members[i % len(team.members)]
    cookie, token = cookies[pid]
    json_headers: dict[str, str] = {
        "Cookie": cookie,
        "Accept": "application/json",
        "X-CSRFToken": token,
    }
    k = rnd.randrange(len(seeded.codes))
    code, (lat, lon, _) = seeded.codes[k], seeded.places[k]
    if mode == "page":
        out.append(("GET", f"/c/{code}", None, {"Cookie": cookie}, mode))
    elif mode == "home":
        out.append(("GET", "/home", None, {"Cookie": cookie}, mode))
    elif mode in ("board", "board_fresh", "board_kept", "board_answer"):
        board = f"/board/{seeded.slug}/standings.json"
        out.append(("GET", board, None, {"Cookie": cookie}, mode))
    elif mode == "checkin":
        body = {
            "lat": f"{lat + (rnd.random() - 0.5) * 0.0004:.6f}",
            "lon": f"{lon:.6f}",
            "accuracy": str(5 + rnd.randrange(25)),
            "fix_ts": str(int(time.time() * 1000)),
            "csrf_token": token,
        }
        out.append(("POST", f"/c/{code}/checkin", body, json_headers, mode))
    elif mode == "start":
        task = team.fresh[(i // len(teams)) % len(team.fresh)]
        body = {"x": "1", "csrf_token": token}
        out.append(("POST", f"/t/{task}/start", body, json_headers, mode))
    elif mode == "answer":
        task = team.running[(i // len(teams)) % len(team.running)]
        body = {"answer": seeded.answers[task], "key": f"profile-{i:06d}", "csrf_token": token}
        out.append(("POST", f"/t/{task}/answer", body, json_headers, mode))
    else:
        raise ValueError(f"unknown mode {mode!r}")


def _open(client, method: str, path: str, data: dict | None, headers: dict):  # type: ignore[no-untyped-def]
    """The test client keeps its own cookie jar: put the request's session cookie in it."""
    name, _, value = dict(headers).pop("Cookie").partition("=")
    client.set_cookie(name, value)
    rest = {k: v for k, v in headers.items() if k != "Cookie"}
    return client.open(path, method=method, data=data, headers=rest)


def _bump(app: Any, event_id: int, attempt_id: int | None = None) -> None:
    """A score change before a poll (``seed.score_change``), in its own connection and
    transaction outside the measured request (its statements are counted, one or two per
    request): full for ``board_fresh``, an answer's for ``board_answer``."""
    from quizengine.extensions import db

    with app.app_context(), db.engine.begin() as conn:
        score_change(conn, event_id, attempt_id)


def _policy(app: Any, event_id: int) -> None:
    """A full change that keeps question points before a poll (``board_kept``): the review
    policy switched (``edits.toggle_policy``), outside the measured request."""
    from quizengine.extensions import db

    with app.app_context():
        toggle_policy(event_id)
        db.session.remove()


class _StatementCounter:
    """SQL statements sent to the database (a steadier figure than time on a busy machine)."""

    def __init__(self, app: Any) -> None:
        from sqlalchemy import event

        from quizengine.extensions import db

        with app.app_context():
            self.engine = db.engine
        self.count = 0
        self.last: list[str] = []  # the statements of the last request
        event.listen(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.count += 1
        self.last.append(statement)

    def stop(self) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._seen)


def _matches(url: str, seeded: Seeded) -> bool:
    """Does the database hold the plan's event (its slug and first checkpoint code)? Another
    seeding of the same database leaves a plan whose codes answer 404."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError

    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT count(*) FROM checkpoint JOIN event ON event.id = checkpoint.event_id"
                    " WHERE event.slug = :slug AND checkpoint.code = :code"
                ),
                {"slug": seeded.slug, "code": seeded.codes[0]},
            ).scalar_one()
    except DBAPIError:  # no such table: nothing seeded there
        return False
    finally:
        engine.dispose()
    return bool(found)


def _seeded(url: str, reuse: bool) -> Seeded:
    """A freshly seeded database, or with ``reuse`` the one an earlier run seeded (its plan
    kept beside it; run state is reset before each mode either way)."""
    kept = WORK / "profile" / f"seeded-{hashlib.sha256(url.encode()).hexdigest()[:12]}.pickle"
    if reuse and kept.exists():
        found: Seeded = pickle.loads(kept.read_bytes())
        if _matches(url, found):
            return found
        print(f"the plan kept for {url} does not match that database: seeding it again")
    seeded = seed(url)
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_bytes(pickle.dumps(seeded))
    return seeded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("modes", nargs="+", choices=MODES, metavar="MODE")
    parser.add_argument("--db", default=f"sqlite:///{WORK / 'profile' / 'bench.db'}")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--tree", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--sql", action="store_true", help="print the last request's SQL")
    parser.add_argument(
        "--freeze-gc",
        action="store_true",
        help="freeze what exists after the warm-up out of the garbage collector's walks, as "
        "quizengine.wsgi does in a gunicorn worker",
    )
    args = parser.parse_args()
    if args.n <= WARM_UP:
        parser.error(f"--n must be more than the {WARM_UP} warm-up requests")
    seeded = _seeded(args.db, args.reuse)
    app = make_app(args.db, "bench-secret-key-not-for-production")
    people = [p for team in seeded.teams for p in team.members]
    cookies = session_cookies(app, seeded, people)
    client = app.test_client()
    for mode in args.modes:
        reset_run_state(args.db, seeded)
        reqs = _requests(seeded, mode, cookies, args.n)
        for method, path, data, headers, _action in reqs[:WARM_UP]:
            _open(client, method, path, data, headers)
        if args.freeze_gc:
            gc.collect()
            gc.freeze()
        profiler = None
        if args.tree:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
        statuses: dict[int, int] = {}
        statements = _StatementCounter(app)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        per_action: dict[str, list[float]] = {}
        walls: list[float] = []  # each request's wall time (the board changes not included)
        for method, path, data, headers, action in reqs[WARM_UP:]:
            if mode == "board_fresh":
                _bump(app, seeded.event_id)
            elif mode == "board_kept":
                _policy(app, seeded.event_id)
            elif mode == "board_answer":
                _bump(app, seeded.event_id, 1 + random.randrange(seeded.max_attempt_id))
            statements.last = []
            started, began = time.process_time(), time.perf_counter()
            resp = _open(client, method, path, data, headers)
            per_action.setdefault(action, []).append(time.process_time() - started)
            walls.append(time.perf_counter() - began)
            statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        statements.stop()
        count = len(reqs) - WARM_UP
        print(
            f"{mode:8s} {cpu / count * 1000:7.2f} ms CPU/req {wall / count * 1000:7.2f} ms wall/req"
            f" {statements.count / count:5.1f} SQL/req statuses {statuses}",
            flush=True,
        )
        walls.sort()
        print(
            f"  wall per request: p50 {walls[len(walls) // 2] * 1000:.2f} ms, p99"
            f" {walls[int(len(walls) * 0.99)] * 1000:.2f} ms, slowest {walls[-1] * 1000:.1f} ms"
            f" (garbage collector {'frozen' if args.freeze_gc else 'as Python starts it'})"
        )
        if mode == "board_kept" and count % 2:  # the seeded policy back
            _policy(app, seeded.event_id)
        if mode == "mix":  # where the mix's CPU goes
            for action, spent in sorted(per_action.items(), key=lambda kv: -sum(kv[1])):
                print(
                    f"  {action:8s} {len(spent):5d} requests {sum(spent) / len(spent) * 1000:6.2f}"
                    f" ms CPU/req, {sum(spent) / cpu * 100:4.1f} % of the CPU"
                )
        if args.sql:
            print("\n".join(f"  {' '.join(sql.split())[:160]}" for sql in statements.last))
        if profiler is not None:
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
