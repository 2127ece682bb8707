"""Nothing lost: 200 concurrent writers on a real gunicorn (2 workers x 4 threads), CSRF on.

1. 200 participants start and answer at once: every response is 200 (never "database is
   locked" or a 500), every answer is in the database.
2. The same load, and the server is SIGKILLed (master and workers) mid-load, then restarted:
   every answer the server acknowledged is in the database; the phones that got no answer
   retry with the same idempotency key and each ends with exactly one scored attempt.
3. PostgreSQL: the database kills every server connection under a running server; the pool
   (pool_pre_ping) reconnects and no request fails.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import func, select, text

from quizengine.extensions import db
from quizengine.models import Attempt
from tests.builders import make_event, make_participant, make_task
from tests.server import GunicornServer, _alive, server_env
from tests.trust.helpers import Player, player_from_app, together

pytestmark = pytest.mark.slow

WRITERS = 200


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def server(
    app: Flask, database_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GunicornServer]:
    env = server_env(database_uri, tmp_path_factory.mktemp("nothing-lost"))
    with GunicornServer(env, workers=2, worker_class="gthread", threads=4) as srv:
        yield srv


def _players(app: Flask, base: str, n: int) -> tuple[int, list[Player]]:
    with app.app_context():
        event = make_event(mode="individual")
        tokens = [make_participant(event).login_token for _ in range(n)]
        task = make_task(event, None, time_limit_s=3600, points=100)
        db.session.commit()
        return task.id, [player_from_app(app, base, t) for t in tokens]


def _answer(player: Player, task_id: int, key: str) -> requests.Response:
    return player.post_json(f"/t/{task_id}/answer", {"answer": "1953", "key": key})


def _answered(app: Flask, task_id: int) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            select(Attempt.answer_key, Attempt.points).where(
                Attempt.task_id == task_id, Attempt.answer_key.is_not(None)
            )
        ).all()
        db.session.commit()
    return {key: points for key, points in rows}


def _problems(results: list[Any]) -> list[Any]:
    return [
        r if isinstance(r, Exception) else (r.status_code, r.text[:200])
        for r in results
        if isinstance(r, Exception) or r.status_code != 200
    ]


def test_two_hundred_writers_then_sigkill_mid_load(app: Flask, server: GunicornServer) -> None:
    task_id, players = _players(app, server.url, WRITERS)

    # 1. 200 concurrent writes (start fixes the clock: an INSERT each): all succeed.
    starts = together(WRITERS, lambda i: players[i].post_json(f"/t/{task_id}/start", {}))
    assert _problems(starts) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Attempt.task_id == task_id)) == WRITERS

    # 2. 200 concurrent answers; SIGKILL the whole server once a quarter are acknowledged.
    acknowledged: dict[str, int] = {}
    lock = threading.Lock()
    enough = threading.Event()

    def answer(i: int) -> str:
        key = f"writer-{i:04d}"
        try:
            response = _answer(players[i], task_id, key)
        except requests.RequestException:
            return "no answer"  # the server died under this request
        if response.status_code != 200:
            return f"status {response.status_code}: {response.text[:200]}"
        with lock:
            acknowledged[key] = response.json()["points"]
            if len(acknowledged) >= WRITERS // 4:
                enough.set()
        return "ok"

    workers = server.worker_pids()
    assert len(workers) == 2
    killer = threading.Thread(target=lambda: enough.wait(300) and server.kill())
    killer.start()
    outcomes = together(WRITERS, answer)
    enough.set()  # if the load ended without enough acknowledgements, do not wait for them
    killer.join()
    assert not server.running(), "the server was not killed mid-load"
    assert not any(_alive(pid) for pid in workers)  # SIGKILL reached the workers too
    assert set(outcomes) <= {"ok", "no answer"}, [o for o in outcomes if o != "ok"][:3]
    lost_responses = outcomes.count("no answer")
    assert lost_responses > 0, "the kill came after the load: nothing was tested"

    # Every acknowledged answer survived the crash, with the points the phone was told.
    stored = _answered(app, task_id)
    assert {k: p for k, p in acknowledged.items() if stored.get(k) != p} == {}

    # 3. Restart; the phones that got no answer retry with the same key: all end answered once.
    server.restart()
    retry = [i for i, o in enumerate(outcomes) if o != "ok"]
    again = together(
        len(retry), lambda j: _answer(players[retry[j]], task_id, f"writer-{retry[j]:04d}")
    )
    assert _problems(again) == []
    stored = _answered(app, task_id)
    assert len(stored) == WRITERS and all(p > 0 for p in stored.values())
    with app.app_context():
        total = db.session.scalar(select(func.count()).where(Attempt.task_id == task_id))
    assert total == WRITERS
    log = server.log_text()
    assert "database is locked" not in log, server.log_tail(60)
    print(f"acknowledged before the kill: {len(acknowledged)}, lost responses: {lost_responses}")


def test_postgres_connections_killed_under_a_running_server(
    app: Flask, request: pytest.FixtureRequest
) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only: SQLite has no server connections to kill")
    server: GunicornServer = request.getfixturevalue("server")
    task_id, players = _players(app, server.url, 20)
    warm = together(20, lambda i: players[i].post_json(f"/t/{task_id}/start", {}))
    assert [r.status_code for r in warm] == [200] * 20
    with app.app_context():
        killed = db.session.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
        db.session.commit()
    assert killed >= 1
    after = together(
        20,
        lambda i: _answer(players[i], task_id, f"after-kill-{i:04d}"),
    )
    assert [r if isinstance(r, Exception) else r.status_code for r in after] == [200] * 20
    assert len(_answered(app, task_id)) == 20
