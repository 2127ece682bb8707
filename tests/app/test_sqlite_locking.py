"""SQLite: a request takes the write lock only when it starts writing (or locks rows), so its
reads never queue behind another writer, and what it reads under the lock is the newest data.
PostgreSQL has row locks and needs none of this: these tests run on SQLite only."""

from __future__ import annotations

import io
import sqlite3
import threading
import time
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from quizengine.database import MODE
from quizengine.extensions import db
from quizengine.models import Attempt, CheckIn, Participant, Submission, Task
from quizengine.services import submissions
from quizengine.services.attempts import find
from tests.app.test_play_support import (
    START,
    check_in_near,
    jpeg_bytes,
    offset,
    post_fix,
    world,
)
from tests.conftest import DB_KIND

pytestmark = pytest.mark.skipif(DB_KIND != "sqlite", reason="SQLite's write lock")
NOON = START + timedelta(hours=5)  # 12:00 WIB
HOLD_S = 2.0
JSON = {"Accept": "application/json"}


def _path(app: Any) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


class Writer(threading.Thread):
    """Another process's writer: holds SQLite's write lock for ``HOLD_S`` seconds."""

    def __init__(self, path: str) -> None:
        super().__init__(daemon=True)
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.locked = threading.Event()

    def run(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.locked.set()
        time.sleep(HOLD_S)
        self.conn.execute("ROLLBACK")
        self.conn.close()


def _log_in(client: Any, token: str) -> None:
    assert client.post(f"/in/{token}").status_code == 302


@pytest.fixture
def w(ctx: Any, client: Any) -> Any:
    """The world as ids and codes, Alice logged in on ``client``; the test's own session
    is closed (outside a request its transaction would hold the write lock)."""
    with time_machine.travel(NOON, tick=False):
        made = world()
        ids = SimpleNamespace(
            code=made.cp.code,
            question=made.question.id,
            creative=made.creative.id,
            alice=made.alice.id,
            tokens=[made.alice.login_token, made.bob.login_token],
        )
        db.session.commit()
        db.session.remove()
        _log_in(client, ids.tokens[0])
    return ids


def _held_by_another_writer(app: Any) -> Writer:
    writer = Writer(_path(app))
    writer.start()
    assert writer.locked.wait(5)
    return writer


def test_a_post_that_only_reads_does_not_wait_for_another_writer(app, client, w) -> None:
    writer = _held_by_another_writer(app)
    t0 = time.monotonic()
    with time_machine.travel(NOON, tick=False):
        resp = post_fix(client, w.code, 999.0, 0.0)  # reads who and where, then refuses
    elapsed = time.monotonic() - t0
    writer.join()
    assert resp.status_code == 400
    assert elapsed < HOLD_S / 2, f"the read-only POST waited {elapsed:.2f} s for the lock"


def test_a_check_in_queues_for_the_lock_to_write_and_is_stored(app, client, w) -> None:
    writer = _held_by_another_writer(app)
    t0 = time.monotonic()
    with time_machine.travel(NOON, tick=False):
        lat, lon = offset(10, 0)
        resp = post_fix(client, w.code, lat, lon, 5)
    elapsed = time.monotonic() - t0
    writer.join()
    assert resp.status_code == 200 and resp.json["accepted"]
    assert elapsed >= HOLD_S * 0.8  # it waited for the lock (busy timeout), it did not fail
    assert db.session.scalars(select(CheckIn)).one().accepted


def test_a_row_lock_reads_what_another_writer_committed_after_the_snapshot(app, client, w) -> None:
    with time_machine.travel(NOON, tick=False):
        check_in_near(client, w.code)
        started = client.post(f"/t/{w.question}/start", headers=JSON)
        assert started.status_code == 200
    attempt_id = db.session.scalars(select(Attempt.id)).one()
    db.session.remove()
    with app.test_request_context(f"/t/{w.question}/answer", method="POST"):
        seen = db.session.get(Attempt, attempt_id)  # the request's read snapshot begins
        assert seen is not None and seen.points == 0
        other = sqlite3.connect(_path(app), isolation_level=None, timeout=1)
        other.execute("UPDATE attempt SET points = 42 WHERE id = ?", (attempt_id,))
        other.close()  # committed by another writer while the snapshot is open
        assert db.session.scalar(select(Attempt.points)) == 0  # still the snapshot
        who, task = db.session.get(Participant, w.alice), db.session.get(Task, w.question)
        locked = find(who, task, lock=True)  # SELECT ... FOR UPDATE: takes the write lock
        assert locked is not None and locked.points == 42
        blocked = sqlite3.connect(_path(app), isolation_level=None, timeout=0.2)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            blocked.execute("BEGIN IMMEDIATE")
        blocked.close()
        db.session.rollback()
    db.session.remove()


def test_two_phones_starting_at_once_still_make_one_attempt(app, client, w) -> None:
    """The start's SAVEPOINT takes the lock before the insert, so the unique (task, owner)
    recovery runs under it: two real request threads released by a barrier."""
    phones = [client, app.test_client()]
    with time_machine.travel(NOON, tick=False):
        _log_in(phones[1], w.tokens[1])
        check_in_near(phones[0], w.code)
    db.session.remove()
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def start(phone: Any) -> None:
        with time_machine.travel(NOON, tick=False):
            barrier.wait()
            statuses.append(phone.post(f"/t/{w.question}/start", headers=JSON).status_code)

    threads = [threading.Thread(target=start, args=(p,)) for p in phones]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = db.session.scalars(select(Attempt).where(Attempt.task_id == w.question)).all()
    assert sorted(statuses) == [200, 200] and len(rows) == 1


def test_photos_are_re_encoded_before_the_write_lock_is_taken(app, client, w, monkeypatch) -> None:
    """Pillow's work (tens of ms per photo) must not hold SQLite's single write lock: record
    the transaction's mode each time the real re-encoder runs."""
    modes: list[str | None] = []
    real = submissions.reencode

    def recording(data: bytes) -> Any:
        modes.append(db.session.connection().info.get(MODE))
        return real(data)

    monkeypatch.setattr(submissions, "reencode", recording)
    with time_machine.travel(NOON, tick=False):
        check_in_near(client, w.code)
        assert client.post(f"/t/{w.creative}/start", headers=JSON).status_code == 200
        resp = client.post(
            f"/t/{w.creative}/submit",
            data={"key": "sub-key-0001", "photos": [(io.BytesIO(jpeg_bytes()), "p.jpg")]},
            content_type="multipart/form-data",
            headers=JSON,
        )
    assert resp.status_code == 200, resp.data
    assert modes == ["deferred"]
    assert db.session.scalars(select(Submission)).one().files
