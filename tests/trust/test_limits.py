"""Rate limits: keyed by person and team (not IP), failures only for guessing, shared via Redis."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from quizengine.extensions import db
from quizengine.limits import LIMITS, limited_routes
from tests.builders import make_organizer


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


def _login(client, email: str, password: str):
    return client.post("/organize/login", data={"email": email, "password": password})


def test_failed_organizer_logins_are_limited_per_account(app: Flask, client) -> None:
    with app.app_context():
        make_organizer("judge@example.org", password="correct horse")
        db.session.commit()
    codes = [_login(client, "judge@example.org", f"wrong {i}").status_code for i in range(12)]
    assert codes[:10] == [200] * 10
    assert codes[10:] == [429, 429]
    # Another account from the same address (one Wi-Fi) is not blocked by this one.
    assert _login(client, "other@example.org", "nope").status_code == 200


def test_successful_logins_do_not_count(app: Flask) -> None:
    with app.app_context():
        make_organizer("judge@example.org", password="correct horse")
        db.session.commit()
    for _ in range(11):  # one more than the failure limit
        client = app.test_client()
        response = _login(client, "judge@example.org", "correct horse")
        assert response.status_code == 302


def test_every_limit_is_attached_to_a_route(app: Flask) -> None:
    missing = [path for path, endpoint in limited_routes(app).items() if endpoint is None]
    assert missing == [], f"LIMITS names routes that do not exist: {missing}"
    assert len(LIMITS) >= 9
