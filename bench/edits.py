"""Time ``GET /board/<slug>/standings.json`` after each kind of organizer's correction, in
process, on the seeded benchmark event: what a correction costs the next board poll.

    python -m bench.edits [--db URL] [--repeats 9] [--reuse] [--individual]

The corrections, each committed through the ORM (as the organizer's forms do) before a
poll, outside its timing:

- ``drop``: a participant registered by mistake and deleted again before playing (through
  ``services.people``);
- ``question points``: a question's points changed;
- ``creative points``: a creative task's points (its judged points' cap) changed;
- ``team move``: a participant moved to another team and back;
- ``review policy``: the event's review policy switched between "mean" and "last";
- ``bulk SQL``: a score change by SQL that stamps nothing (``seed.score_change``).

Prints the median milliseconds of each. With ``--individual`` the event is an individual
race for the run (made one, and a team race again after, through the ORM): its board lists
all 5,000 participants. To compare two checkouts on one database, run this
file from each checkout's folder in turn with that checkout's code on the path (``cd
/tmp/before && PYTHONPATH=. python /path/to/bench/edits.py --db URL --reuse``): it imports
``bench`` and ``quizengine`` from the folder it runs in. Seeds the database first unless
``--reuse`` (one seeded by ``bench.profile`` or an earlier run of this). The seeding's plan
is kept in the running checkout's ``bench/.work``: the first run from a checkout that has
none seeds the database again, so run each checkout once before the runs you compare.

The corrections and the poll are also what ``timings`` and ``profile`` use: one copy of
each, here, because this file must run against another checkout's ``bench`` package, which
may not have them.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.plan import make_app, session_cookies
from bench.seed import score_change


def board_poll(app: Any, cookie: str, slug: str) -> Callable[[], None]:
    """A poll of the event's ``standings.json`` with a viewer's session cookie
    (``name=value``), through the app's test client; it must answer 200."""
    client = app.test_client()
    name, _, value = cookie.partition("=")
    client.set_cookie(name, value)

    def poll() -> None:
        resp = client.get(f"/board/{slug}/standings.json")
        assert resp.status_code == 200, resp.status_code

    return poll


def drop_participant(event_id: int, team_id: int) -> None:
    """A participant registered by mistake and deleted again before playing, through the
    organizer's services, each step committed (in an app context)."""
    from quizengine.extensions import db
    from quizengine.models import Event, Team
    from quizengine.services import people

    event, team = db.session.get(Event, event_id), db.session.get(Team, team_id)
    assert event is not None and team is not None
    name = f"Salah daftar {time.time_ns()}"  # unique, also beside a crashed run's leftover
    p = people.create_participant(event, name, "", team, actor="bench")
    db.session.commit()
    people.delete_participant(event, p, actor="bench")
    db.session.commit()


def creative_task_id(event_id: int) -> int:
    """The event's first creative task (in an app context)."""
    from sqlalchemy import select

    from quizengine.extensions import db
    from quizengine.models import Task

    found = db.session.scalar(
        select(Task.id).where(Task.event_id == event_id, Task.kind == "creative").limit(1)
    )
    assert found is not None, "the event has no creative task"
    return found


def nudge_points(task_id: int, step: int) -> None:
    """The task's points up by one on even steps, down by one on odd ones, committed through
    the ORM as the organizer's form does (in an app context): after an even number of steps
    the seeded points are back."""
    from quizengine.extensions import db
    from quizengine.models import Task

    task = db.session.get(Task, task_id)
    assert task is not None
    task.points += 1 if step % 2 == 0 else -1
    db.session.commit()


def move_participant(participant_id: int, team_ids: tuple[int, int], step: int) -> None:
    """The participant moved to the first of ``team_ids`` on even steps, back to the second
    on odd ones (names only, unless they have adjustments: a full change that keeps question
    points then), committed through the ORM as the organizer's form does (in
    an app context): after an even number of steps the participant is back."""
    from quizengine.extensions import db
    from quizengine.models import Participant

    participant = db.session.get(Participant, participant_id)
    assert participant is not None
    participant.team_id = team_ids[step % 2]
    db.session.commit()


def toggle_policy(event_id: int) -> None:
    """The event's review policy switched between "mean" and "last" (a full change that keeps
    question points: every judged creative attempt's points are summed anew), committed
    through the ORM as the settings form does (in an app context): after an even number of
    switches the seeded policy is back."""
    from quizengine.extensions import db
    from quizengine.models import Event

    event = db.session.get(Event, event_id)
    assert event is not None
    event.review_policy = "last" if event.review_policy == "mean" else "mean"
    db.session.commit()


def set_mode(event_id: int, mode: str) -> None:
    """The event made a team race ("team") or an individual one ("individual"), committed
    through the ORM (in an app context): the standings.json of an individual race lists
    every participant."""
    from quizengine.extensions import db
    from quizengine.models import Event

    db.session.rollback()
    event = db.session.get(Event, event_id)
    assert event is not None
    event.mode = mode
    db.session.commit()


def main() -> None:
    from bench.profile import WORK, _seeded  # here: profile imports this module

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=f"sqlite:///{WORK / 'profile' / 'bench.db'}")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument(
        "--individual",
        action="store_true",
        help="time the event as an individual race (its board lists every participant); "
        "made a team race again afterwards",
    )
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be 1 or more")
    seeded = _seeded(args.db, args.reuse)
    app = make_app(args.db, "bench-secret-key-not-for-production")
    viewer = seeded.teams[0].members[0]
    cookie, _token = session_cookies(app, seeded, [viewer])[viewer]
    poll = board_poll(app, cookie, seeded.slug)

    from quizengine.extensions import db

    with app.app_context():
        event_id = seeded.event_id
        team_id = seeded.teams[0].team_id
        question_id = next(iter(seeded.answers))
        creative_id = creative_task_id(event_id)
        mover = seeded.teams[-1].members[-1]  # to the first team and home again
        homes = (team_id, seeded.teams[-1].team_id)

        def nudging(task_id: int) -> Callable[[int], None]:
            return lambda step: nudge_points(task_id, step)

        def bulk(_step: int) -> None:
            with db.engine.begin() as conn:
                score_change(conn, event_id, None)

        if args.individual:
            set_mode(event_id, "individual")
        poll()
        corrections: tuple[tuple[str, Callable[[int], None]], ...] = (
            ("drop", lambda _step: drop_participant(event_id, team_id)),
            ("question points", nudging(question_id)),
            ("creative points", nudging(creative_id)),
            ("team move", lambda step: move_participant(mover, homes, step)),
            ("review policy", lambda _step: toggle_policy(event_id)),
            ("bulk SQL", bulk),
        )
        for label, change in corrections:
            times = []
            for step in range(args.repeats + args.repeats % 2):  # even: nudged points go back
                db.session.rollback()
                change(step)
                db.session.remove()
                started = time.perf_counter()
                poll()
                times.append((time.perf_counter() - started) * 1000)
            print(f"{label:16s} {statistics.median(times):7.1f} ms", flush=True)
        if args.individual:
            set_mode(event_id, "team")


if __name__ == "__main__":
    main()
