"""A rate limit holds across worker processes and hosts when REDIS_URL is set (Redis db 5).

Two separate gunicorn servers (two masters, as on two hosts behind one proxy) share the
database and Redis. 14 failed log-ins for one organizer account arrive at once, alternating
between the servers, so each process serves exactly 7. The per-account limit is 10 a minute:
with shared counters 10 are let through (at most one racing request more per process), with
per-process memory counters each server would let all its 7 through (14).
"""

from __future__ import annotations

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
    servers = [GunicornServer(env, workers=1, worker_class="sync") for _ in range(2)]
    with servers[0], servers[1]:
        urls = [servers[i % 2].url + "/organize/login" for i in range(TRIES)]
        sessions = [new_session() for _ in range(TRIES)]
        tokens = [
            csrf_from(s.get(url, timeout=60).text) for s, url in zip(sessions, urls, strict=True)
        ]

        def attempt(i: int) -> int:
            data = {
                "email": "target@example.org",
                "password": f"guess {i}",
                "csrf_token": tokens[i],
            }
            return sessions[i].post(urls[i], data=data, timeout=60).status_code

        codes = together(TRIES, attempt)
    allowed = codes.count(200)
    assert allowed + codes.count(429) == TRIES, codes
    # Failure-counted limits check before the request and count after it, so each process may
    # let one request race past the line: at most 10 + 2. Per-process counters would allow 14.
    assert 10 <= allowed <= 12, codes
    keys = redis.Redis.from_url(REDIS_URL).keys("*login:target@example.org*")
    assert keys, "the counter is not in Redis"
