"""The live feed under concurrent writers, on real connections (no mocks): a row whose
transaction commits after a poll that already showed a later row must come in the next poll,
and the page must never show a row twice.

The first writer takes the lower id (or reads the earlier answer time) and keeps its
transaction open while a second writer commits and the dashboard polls, then commits: the
row the old "after the last one shown" cursor skipped forever. That happens for check-ins on
PostgreSQL (ids come from a sequence at insert, not at commit) and for answers on both
databases (the time is read before the write waits for its lock). Where the database
serializes the two writers (any insert on SQLite; submissions on PostgreSQL, which queue on the
event's score-version row before taking an id) the late row cannot be overtaken: there the
tests check that the second writer really waited and that both rows still come exactly once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from checkpoints.timeutil import utc_now
from quizengine.extensions import db
from quizengine.models import Attempt, Checkpoint, Event, Organizer, Participant, Task
from quizengine.services import live
from tests.app.test_live_support import attempt, checkin, judge, log_in_organizer, submission
from tests.builders import at, make_checkpoint, make_event, make_participant, make_task, make_team

WAIT_S = 30
Write = Callable[[Callable[[], None]], str]


class Writer(threading.Thread):
    """Runs ``write(hold)`` in its own request context (own session, own connection), then
    commits.
    ``write`` calls ``hold()`` at the point where it keeps its transaction open: that signals
    ``written`` and waits for ``release`` (if given)."""

    def __init__(self, app: Flask, write: Write, release: threading.Event | None):
        super().__init__(daemon=True)
        self.app, self.write, self.release = app, write, release
        self.written = threading.Event()
        self.committed = threading.Event()
        self.key = ""
        self.error: BaseException | None = None

    def hold(self) -> None:
        self.written.set()
        if self.release is not None and not self.release.wait(WAIT_S):
            raise TimeoutError("never released")

    def run(self) -> None:
        try:
            # As a participant's request: on SQLite its transaction takes the write lock at its
            # first write, not before.
            with self.app.test_request_context("/", method="POST"):
                try:
                    self.key = self.write(self.hold)
                    db.session.commit()
                    self.committed.set()
                finally:
                    db.session.remove()
        except BaseException as exc:  # reported by finish()
            self.error = exc
            self.written.set()

    def finish(self) -> None:
        self.join(WAIT_S)
        assert not self.is_alive(), "writer still running"
        if self.error is not None:
            raise self.error


def _postgres(app: Flask) -> bool:
    return str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql")


def _world(app: Flask) -> dict[str, Any]:
    """An event with two teams, a checkpoint with a question and a creative task, two running
    attempts (answered later by the writers), an organizer; committed."""
    with app.app_context():
        event = make_event()
        red, blue = make_team(event, "Merah"), make_team(event, "Biru")
        ana, budi = make_participant(event, red, "Ana"), make_participant(event, blue, "Budi")
        cp = make_checkpoint(event, name="Balai Kota")
        q = make_task(event, cp, points=100)
        c = make_task(event, cp, kind="creative", choices=None, answer=None, points=50)
        started = utc_now() - timedelta(seconds=30)
        ids = {
            "event": event.id,
            "slug": event.slug,
            "cp": cp.id,
            "ana": ana.id,
            "budi": budi.id,
            "run_ana": attempt(q, ana, started).id,
            "run_budi": attempt(q, budi, started).id,
            "creative_ana": attempt(c, ana, started).id,
            "creative_budi": attempt(c, budi, started).id,
            "org": judge(event, "organizer").id,
        }
        db.session.commit()
        return ids


def _write_checkin(w: dict[str, Any], who: str) -> Write:
    """A check-in inserted (its id taken), then the transaction is held open."""

    def write(hold: Callable[[], None]) -> str:
        event = db.session.get(Event, w["event"])
        cp = db.session.get(Checkpoint, w["cp"])
        person = db.session.get(Participant, w[who])
        assert event is not None and cp is not None and person is not None
        key = f"c{checkin(event, cp, utc_now(), person).id}"
        hold()
        return key

    return write


def _write_submission(w: dict[str, Any], who: str) -> Write:
    """A submission inserted (its id taken), then the transaction is held open."""

    def write(hold: Callable[[], None]) -> str:
        att = db.session.get(Attempt, w[f"creative_{who}"])
        person = db.session.get(Participant, w[who])
        assert att is not None and person is not None
        key = f"s{submission(att, person, utc_now()).id}"
        hold()
        return key

    return write


def _write_answer(w: dict[str, Any], who: str) -> Write:
    """As the answer request does: in its transaction, take the answer time, then (held here)
    write it. The score-version row lock is only taken at the flush, so on PostgreSQL a later
    answer can commit in between."""

    def write(hold: Callable[[], None]) -> str:
        att = db.session.get(Attempt, w[f"run_{who}"])
        assert att is not None
        now = utc_now()
        hold()
        att.answered_at = now
        att.answered_by_id = w[who]
        att.answer, att.correct, att.points, att.status = "1953", True, 90, "answered"
        db.session.flush()
        return f"a{att.id}"

    return write


WRITES = {"checkin": _write_checkin, "submission": _write_submission, "answer": _write_answer}


def _poll(client: FlaskClient, slug: str, cursor: str | None) -> dict[str, Any]:
    url = f"/organize/e/{slug}/live.json" + (f"?after={cursor}" if cursor else "")
    r = client.get(url, headers={"Accept": "application/json"})
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def _keys(page: dict[str, Any]) -> list[str]:
    return [i["key"] for i in page["items"]]


def _overtake(app: Flask, first: Writer, second_write: Write, serialized: bool) -> Writer:
    """Start ``first`` (holds its transaction), then a second writer that does not wait.
    Returns the second writer once it committed, or, where the database serializes the two
    writers, once it is seen waiting for the first."""
    first.start()
    assert first.written.wait(WAIT_S) and first.error is None, first.error
    second = Writer(app, second_write, release=None)
    second.start()
    if serialized:
        assert not second.committed.wait(0.5), "a second writer committed past the first"
    else:
        assert second.committed.wait(WAIT_S), second.error
    return second


@pytest.mark.parametrize("kind", sorted(WRITES))
def test_a_row_committed_after_a_later_one_is_not_skipped(
    app: Flask, client: FlaskClient, kind: str
) -> None:
    w = _world(app)
    with app.app_context():
        org = db.session.get(Organizer, w["org"])
        assert org is not None
        log_in_organizer(client, org)
        db.session.rollback()
    start = _poll(client, w["slug"], None)
    assert start["items"] == []

    # SQLite: one writer at a time; an insert waits for the first one's write lock. PostgreSQL:
    # submissions bump the event's score-version row before the insert takes its id, so they
    # queue on that row lock; check-ins do not. An answer's time is read before its write
    # waits, on both.
    serialized = kind == "submission" or (kind == "checkin" and not _postgres(app))
    hold = threading.Event()
    early = Writer(app, WRITES[kind](w, "ana"), release=hold)
    late = _overtake(app, early, WRITES[kind](w, "budi"), serialized)
    during = _poll(client, w["slug"], start["cursor"])
    hold.set()
    early.finish()
    late.finish()
    after = _poll(client, w["slug"], during["cursor"])
    settled = _poll(client, w["slug"], after["cursor"])

    if not serialized:
        # The scenario of the bug: the early row has the lower id (or the earlier time) and was
        # invisible when the later one was shown.
        assert _keys(during) == [late.key]
        assert early.key in _keys(after), "the late-committed row was skipped"
        items = {i["key"]: i for i in during["items"] + after["items"]}
        if kind == "checkin":
            assert int(early.key[1:]) < int(late.key[1:])
        else:
            assert items[early.key]["at"] < items[late.key]["at"]
    else:
        assert _keys(during) == []
        assert sorted(_keys(after)) == sorted([early.key, late.key])
    # What the page shows (it drops keys it has seen): each row exactly once.
    shown: list[str] = []
    for page in (start, during, after, settled):
        shown += [k for k in _keys(page) if k not in shown]
    assert sorted(shown) == sorted([early.key, late.key])
    # Each row's first appearance is in one poll only, and once caught up nothing comes again.
    assert sum(_keys(p).count(early.key) for p in (start, during, after, settled)) == 1
    assert settled["items"] == [] and settled["more"] is False


def test_a_transaction_open_longer_than_the_window_is_still_seen(app: Flask) -> None:
    """PostgreSQL: the window reaches back to the oldest open transaction, so a writer that
    holds its row far longer than the fixed window still gets through. SQLite serializes the
    writers, so both rows come after the first commit."""
    w = _world(app)

    def poll(cursor: str | None) -> dict[str, Any]:
        with app.test_request_context("/", method="GET"):
            try:
                event = db.session.get(Event, w["event"])
                assert event is not None
                return live.feed(event, cursor, late_window=timedelta(milliseconds=100))
            finally:
                db.session.remove()

    start = poll(None)
    hold = threading.Event()
    early = Writer(app, _write_checkin(w, "ana"), release=hold)
    early.start()
    assert early.written.wait(WAIT_S) and early.error is None, early.error
    time.sleep(1.0)  # ten windows
    late = Writer(app, _write_checkin(w, "budi"), release=None)
    late.start()
    if _postgres(app):
        assert late.committed.wait(WAIT_S), late.error
    during = poll(start["cursor"])
    hold.set()
    early.finish()
    late.finish()
    after = poll(during["cursor"])
    if _postgres(app):
        assert _keys(during) == [late.key]
        assert early.key in _keys(after)
    else:
        assert _keys(during) == [] and sorted(_keys(after)) == sorted([early.key, late.key])


def test_rows_deleted_in_the_window_only_cause_a_harmless_resend(app: Flask) -> None:
    """A change inside the checked window that is not a late row (here a deletion) re-sends
    that part of the window (the page drops what it has seen); nothing is lost."""
    w = _world(app)
    with app.test_request_context("/", method="GET"):
        event = db.session.get(Event, w["event"])
        cp = db.session.get(Checkpoint, w["cp"])
        ana = db.session.get(Participant, w["ana"])
        assert event is not None and cp is not None and ana is not None
        keep = checkin(event, cp, utc_now(), ana)
        gone = checkin(event, cp, utc_now(), ana)
        db.session.commit()
        first = live.feed(event, None)
        assert _keys(first) == [f"c{keep.id}", f"c{gone.id}"]
        db.session.delete(gone)
        db.session.commit()
        again = live.feed(event, first["cursor"])
        assert _keys(again) == [f"c{keep.id}"]  # re-sent, de-duplicated by the page
        assert live.feed(event, again["cursor"])["items"] == []
        db.session.remove()


def test_backdated_rows_still_come_and_answers_keep_their_order(app: Flask) -> None:
    """Check-ins and submissions are paged by id, so a row written now with an old time (an
    import, a manual check-in for earlier) still comes; answers are paged by answer time with
    the id breaking ties, so answers at the same instant are all shown across pages."""
    w = _world(app)
    with app.test_request_context("/", method="GET"):
        event = db.session.get(Event, w["event"])
        cp = db.session.get(Checkpoint, w["cp"])
        ana = db.session.get(Participant, w["ana"])
        assert event is not None and cp is not None and ana is not None
        checkin(event, cp, at(event, 30), ana)
        db.session.commit()
        first = live.feed(event, None)
        old = checkin(event, cp, at(event, 1), ana)  # an hour ago: before the window
        same = utc_now() - timedelta(seconds=5)
        q = db.session.scalars(select(Task).where(Task.event_id == event.id)).first()
        assert q is not None
        answers = []
        for _ in range(5):
            p = make_participant(event, make_team(event))
            answers.append(attempt(q, p, same - timedelta(seconds=20), same, correct=True))
        db.session.commit()
        cursor, got = first["cursor"], []
        for _ in range(10):
            page = live.feed(event, cursor, limit=2)
            got += _keys(page)
            cursor = page["cursor"]
            if not page["more"]:
                break
        assert f"c{old.id}" in got
        assert sorted(k for k in got if k[0] == "a") == sorted(f"a{a.id}" for a in answers)
        assert len(got) == len(set(got))
        db.session.remove()
