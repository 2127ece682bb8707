"""Time the live dashboard's poll (``GET /organize/e/<slug>/live.json``) in-process on the
benchmark event, before and after the grid work, in the same run:

    python -m bench.live_poll [--db URL ...] [--polls 15] [--reuse]

Per database (seeded by ``bench.seed`` unless ``--reuse``), the seeded organizer is given the
organizer role on the event and logged in; then the median server time (wall and CPU of this
process, database included on SQLite, PostgreSQL's own work only as wall time) of:

- ``before``: the poll with the grid computed as before (every scored item materialized in
  Python, every attempt and check-in scanned: ``reference_grid`` in tests/app/test_live_grid.py);
- ``after, unchanged``: the poll of an organizer while nothing changed (the cached grid);
- ``after, check-in``: a check-in committed before each poll (the scores stay cached, the
  visits and the grid are read again);
- ``after, answer``: an answered attempt's points changed and stamped before each poll (what
  every answer, review or adjustment does): the cached grid is advanced, the touched rows
  summed again;
- ``after, full change``: the score version bumped as a full change before each poll (a
  deletion, task points, bulk SQL): everything is summed again;
- ``grid only``: the same three for ``live_grid.grid_json`` alone (no feed, no counts).

Every poll sends the same cursor, caught up with the whole feed (what a dashboard sends once it
has drained the backlog), so the feed does the same work in every row: the recent window's
hashes, nothing new to send. The feed and the counts are not part of the grid work. The
figures of the last run are in quizengine/services/live_grid.py ("Live dashboard poll").
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench.plan import make_app
from bench.seed import score_change, seed


def _median(fn: Callable[[], Any], before: Callable[[], Any], n: int) -> tuple[float, float]:
    """Median (wall ms, CPU ms) of ``fn`` over ``n`` runs, ``before`` run untimed each time."""
    walls, cpus = [], []
    for _ in range(n):
        before()
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        walls.append((time.perf_counter() - w0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def measure(url: str, polls: int, reuse: bool) -> list[tuple[str, float, float]]:
    if not reuse:
        seed(url)
    app = make_app(url, "bench-secret-key-not-for-production")
    from sqlalchemy import select

    from quizengine.extensions import db
    from quizengine.models import CheckIn, Event, EventRole, Organizer
    from quizengine.services import live, live_grid, score_version
    from quizengine.services.events import event_by_slug
    from quizengine.services.newest import Tagged
    from tests.app.test_live_grid import reference_payload

    with app.app_context():
        event = event_by_slug("bench-race")
        organizer = db.session.get(Organizer, 1)
        assert event is not None and organizer is not None
        if not db.session.scalar(select(EventRole).where(EventRole.organizer_id == 1)):
            db.session.add(EventRole(event_id=event.id, organizer_id=1, role="organizer"))
            db.session.commit()
        slug, event_id, user_id = event.slug, event.id, organizer.get_id()

    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = user_id
        sess["_fresh"] = True
    with app.app_context():
        caught_up = live.feed(db.session.get(Event, event_id), None, limit=1_000_000)["cursor"]
    url_path = f"/organize/e/{slug}/live.json?after={caught_up}"

    def poll() -> None:
        r = client.get(url_path)
        assert r.status_code == 200 and len(r.get_json()["grid"]["rows"]) == 500

    def nothing() -> None:
        pass

    def new_checkin() -> None:
        with app.app_context():
            db.session.add(
                CheckIn(
                    event_id=event_id,
                    checkpoint_id=1,
                    participant_id=1,
                    team_id=1,
                    created_at=datetime.now(UTC),
                    verdict="too_far",
                    accepted=False,
                    flags=[],
                )
            )
            db.session.commit()

    answered = iter(range(1, 10**9))

    def new_answer() -> None:  # an answer's narrow change: one attempt's points, stamped
        with app.app_context(), db.engine.begin() as conn:
            score_change(conn, event_id, next(answered))

    def full_change() -> None:  # a deletion's, or bulk SQL's: everything is summed anew
        with app.app_context():
            score_version.bump(db.session, event_id)
            db.session.commit()

    def grid_only() -> None:
        with app.app_context():
            live_grid.grid_json(db.session.get(Event, event_id))

    out = []
    original = live_grid.grid_page
    # The view looks it up on every poll; what it did before: build the grid, then serialise.
    # (It patched grid_json, which the view has not called since it tagged its grid: the
    # "before" row measured the cached grid.)
    live_grid.grid_page = lambda event, _page: (  # type: ignore[assignment]
        Tagged.of(app.json.dumps(reference_payload(event))),
        1,
    )
    try:
        out.append(("poll, before", *_median(poll, nothing, max(3, polls // 3))))
    finally:
        live_grid.grid_page = original
    poll()  # warm the cache
    out.append(("poll, after, unchanged", *_median(poll, nothing, polls)))
    out.append(("poll, after, check-in", *_median(poll, new_checkin, polls)))
    out.append(("poll, after, answer", *_median(poll, new_answer, polls)))
    out.append(("poll, after, full change", *_median(poll, full_change, polls)))
    grid_only()
    out.append(("grid only, after, unchanged", *_median(grid_only, nothing, polls)))
    out.append(("grid only, after, check-in", *_median(grid_only, new_checkin, polls)))
    out.append(("grid only, after, answer", *_median(grid_only, new_answer, polls)))
    out.append(("grid only, after, full change", *_median(grid_only, full_change, polls)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", action="append", help="database URL (repeatable)")
    parser.add_argument("--polls", type=int, default=15)
    parser.add_argument("--reuse", action="store_true", help="the database is seeded already")
    args = parser.parse_args()
    for url in args.db or ["sqlite:///bench/.work/live_poll.db"]:
        print(f"{url}: median of {args.polls} polls (before: of {max(3, args.polls // 3)})")
        for name, wall, cpu in measure(url, args.polls, args.reuse):
            print(f"  {name:30s} {wall:8.1f} ms wall {cpu:8.1f} ms CPU", flush=True)


if __name__ == "__main__":
    main()
