"""What a judge waits for after each review: finding the next submission to judge, with a long
pending queue (the benchmark event's 2,500 creative submissions all pending, no review yet).

    python -m bench.judging [--db URL] [--repeats 9]

Copies the SQLite database ``bench.profile`` seeded (``--db``, the default one) to a file
beside it, makes every submission pending with no review there, and times, in process, the
median milliseconds of the step that follows a saved review: ``reviews.next_pending`` (one
statement), or in a checkout that has no such function (23673e2 and older) what its view did,
loading the whole pending queue (``reviews.queue``) to pick the first one this judge has not
reviewed. Run from another checkout's folder with its code on the path (``cd /tmp/before &&
PYTHONPATH=. python /path/to/bench/judging.py``) for a side by side: it imports
``quizengine`` from the folder it runs in.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import time
from pathlib import Path

DEFAULT_DB = Path(__file__).resolve().parent / ".work" / "profile" / "bench.db"


def _pending_copy(source: Path) -> Path:
    copy = source.with_name("judging.db")
    with sqlite3.connect(source) as db:  # the WAL's pages into the file before it is copied
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(source, copy)
    with sqlite3.connect(copy) as db:
        db.execute("UPDATE submission SET status = 'pending'")
        db.execute("DELETE FROM review")
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="a seeded SQLite file")
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    if not args.db.exists():
        parser.error(f"{args.db} is missing: seed it first (python -m bench.profile home)")
    from quizengine import create_app
    from quizengine.extensions import db
    from quizengine.models import Event, Submission
    from quizengine.services import reviews

    copy = _pending_copy(args.db)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy}", "TESTING": True})
    with app.test_request_context("/"):
        event = db.session.scalars(db.select(Event)).first()
        assert event is not None
        judged = db.session.scalar(db.select(db.func.min(Submission.id)))
        pending = reviews.pending_count(event)
        if hasattr(reviews, "next_pending"):
            how = "reviews.next_pending"

            def step() -> object:
                return reviews.next_pending(event, 1, judged)
        else:
            how = "the whole pending queue (reviews.queue)"

            def step() -> object:
                for entry in reviews.queue(event, 1):
                    if entry.submission.id != judged and not entry.reviewed_by_me:
                        return entry.submission.id
                return None

        times = []
        for _ in range(args.repeats):
            db.session.expunge_all()  # as a new request: nothing loaded yet
            started = time.perf_counter()
            step()
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"{pending} pending; next after a review, {how}: "
            f"{statistics.median(times):.2f} ms (median of {args.repeats})"
        )


if __name__ == "__main__":
    main()
