"""Time ``GET /board/<slug>/standings.json`` after each kind of organizer's correction, in
process, on the seeded benchmark event: what a correction costs the next board poll.

    python -m bench.edits [--db URL] [--repeats 9] [--reuse]

The corrections, each committed through the ORM (as the organizer's forms do) before a
poll, outside its timing:

- ``drop``: a participant registered by mistake and deleted again before playing (through
  ``services.people``);
- ``question points``: a question's points changed;
- ``creative points``: a creative task's points (its judged points' cap) changed;
- ``bulk SQL``: a score change by SQL that stamps nothing (``seed.score_change``).

Prints the median milliseconds of each. To compare two checkouts on one database, run this
file from each checkout's folder in turn with that checkout's code on the path (``cd
/tmp/before && PYTHONPATH=. python /path/to/bench/edits.py --db URL --reuse``): it imports
``bench`` and ``quizengine`` from the folder it runs in. Seeds the database first unless
``--reuse`` (one seeded by ``bench.profile`` or an earlier run of this).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from sqlalchemy import select

from bench.plan import make_app, session_cookies
from bench.profile import WORK, _seeded
from bench.seed import score_change


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=f"sqlite:///{WORK / 'profile' / 'bench.db'}")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be 1 or more")
    seeded = _seeded(args.db, args.reuse)
    app = make_app(args.db, "bench-secret-key-not-for-production")
    viewer = seeded.teams[0].members[0]
    cookie, _token = session_cookies(app, seeded, [viewer])[viewer]
    client = app.test_client()
    name, _, value = cookie.partition("=")
    client.set_cookie(name, value)

    from quizengine.extensions import db
    from quizengine.models import Event, Task, Team
    from quizengine.services import people

    def poll() -> None:
        resp = client.get(f"/board/{seeded.slug}/standings.json")
        assert resp.status_code == 200, resp.status_code

    with app.app_context():
        event_id = seeded.event_id
        team_id = db.session.scalars(select(Team.id).where(Team.event_id == event_id)).first()
        question_id = next(iter(seeded.answers))
        creative_id = db.session.scalar(
            select(Task.id).where(Task.event_id == event_id, Task.kind == "creative").limit(1)
        )
        assert team_id is not None and creative_id is not None
        count = [0]

        def drop() -> None:
            event, team = db.session.get(Event, event_id), db.session.get(Team, team_id)
            assert event is not None and team is not None
            count[0] += 1
            stamp = f"{time.time():.6f}-{count[0]}"
            p = people.create_participant(event, f"Salah daftar {stamp}", "", team, actor="bench")
            db.session.commit()
            people.delete_participant(event, p, actor="bench")
            db.session.commit()

        def repoint(task_id: int) -> Callable[[], None]:
            steps = [0]

            def change() -> None:  # up by one, then back: the seeded points stay
                task = db.session.get(Task, task_id)
                assert task is not None
                task.points += 1 if steps[0] % 2 == 0 else -1
                steps[0] += 1
                db.session.commit()

            return change

        def bulk() -> None:
            with db.engine.begin() as conn:
                score_change(conn, event_id, None)

        poll()
        for label, change in (
            ("drop", drop),
            ("question points", repoint(question_id)),
            ("creative points", repoint(creative_id)),
            ("bulk SQL", bulk),
        ):
            times = []
            for _ in range(args.repeats + args.repeats % 2):  # even: repointed tasks go back
                db.session.rollback()
                change()
                db.session.remove()
                started = time.perf_counter()
                poll()
                times.append((time.perf_counter() - started) * 1000)
            print(f"{label:16s} {statistics.median(times):7.1f} ms", flush=True)


if __name__ == "__main__":
    main()
