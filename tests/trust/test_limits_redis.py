"""A rate limit holds across gunicorn workers when REDIS_URL is set (Redis database 5).

14 failed log-ins for one organizer account arrive at once at 2 sync workers; the access log
(with the worker's pid) proves both workers served them; 10 (the per-account limit, plus at
most one racing request per worker) are let through, the rest get 429. With per-process memory
counters each worker would let 10 through.
"""

from __future__ import annotations

import re

import pytest
import redis
from flask import Flask

from quizengine.extensions import db
from tests.builders import make_organizer
from tests.server import GunicornServer, server_env
from tests.trust.helpers import csrf_from, new_session, together

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/5"
TRIES = 14


def test_login_limit_is_shared_by_all_workers(app: Flask, database_uri: str, tmp_path) -> None:
    redis.Redis.from_url(REDIS_URL).flushdb()  # database 5 is ours alone
    with app.app_context():
        make_organizer("target@example.org")
        db.session.commit()
    env = server_env(database_uri, tmp_path, redis_url=REDIS_URL, rate_limits=True)
    server = GunicornServer(
        env,
        workers=2,
        worker_class="sync",
        extra_args=["--access-logfile", "-", "--access-logformat", "ACCESS pid=%(p)s %(r)s %(s)s"],
    )
    with server:
        sessions = [new_session() for _ in range(TRIES)]
        tokens = [
            csrf_from(s.get(server.url + "/organize/login", timeout=60).text) for s in sessions
        ]

        def attempt(i: int) -> int:
            data = {
                "email": "target@example.org",
                "password": f"guess {i}",
                "csrf_token": tokens[i],
            }
            return (
                sessions[i].post(server.url + "/organize/login", data=data, timeout=60).status_code
            )

        codes = together(TRIES, attempt)
        log = server.log_text()
    # Failure-counted limits check before the request and count after it, so each worker may
    # let one request race past the line: at most 10 + 2. Per-process counters would allow 20.
    allowed = codes.count(200)
    assert codes.count(200) + codes.count(429) == TRIES, codes
    assert 10 <= allowed <= 12, codes
    pids = set(re.findall(r"ACCESS pid=<(\d+)> POST /organize/login", log))
    assert len(pids) == 2, log[-2000:]
    keys = redis.Redis.from_url(REDIS_URL).keys("*login:target@example.org*")
    assert keys, "the counter is not in Redis"
