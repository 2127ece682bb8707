"""Helpers for the trust tests: real-HTTP participants, CSRF tokens, database snapshots."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from sqlalchemy import func, select

from quizengine.extensions import db

CSRF_INPUT = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF_INPUT.search(html)
    if match is None:
        raise AssertionError(f"no csrf_token in the page:\n{html[:500]}")
    return match.group(1) or match.group(2)


def new_session() -> requests.Session:
    """A client session without keep-alive: gunicorn closes idle connections after 2 s, and
    a POST on a connection the server just closed would fail in the client, not the app."""
    session = requests.Session()
    session.headers["Connection"] = "close"
    return session


class Player:
    """One phone: a requests.Session logged in through POST /in/<token> with CSRF on."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.session = new_session()
        self.token = token
        self.csrf = ""

    def log_in(self) -> None:
        page = self.session.get(f"{self.base}/in/{self.token}", timeout=60)
        assert page.status_code == 200, page.text[:300]
        self.csrf = csrf_from(page.text)
        done = self.session.post(
            f"{self.base}/in/{self.token}",
            data={"csrf_token": self.csrf},
            allow_redirects=False,
            timeout=60,
        )
        assert done.status_code in (302, 303), done.text[:300]
        # Logging in starts a fresh session (and CSRF secret): take the token of the next page.
        home = self.session.get(f"{self.base}/home", timeout=60)
        assert home.status_code == 200, home.text[:300]
        self.csrf = csrf_from(home.text)

    def post_json(self, path: str, data: dict[str, Any]) -> requests.Response:
        return self.session.post(
            self.base + path,
            data=data,
            headers={"X-CSRFToken": self.csrf, "Accept": "application/json"},
            timeout=120,
        )


def together(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``n`` threads released at once by a barrier; results in order.

    An exception in a thread is returned in its slot (not raised), so one failure does not hide
    what the others did.
    """
    barrier = threading.Barrier(n)

    def run(i: int) -> Any:
        barrier.wait(timeout=120)
        try:
            return work(i)
        except Exception as exc:  # reported per slot by the caller
            return exc

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def row_counts() -> dict[str, int]:
    """Rows per table (in an app context): the snapshot compared before and after."""
    db.session.expire_all()
    counts = {}
    for table in db.metadata.sorted_tables:
        counts[table.name] = db.session.scalar(select(func.count()).select_from(table)) or 0
    db.session.commit()
    return counts


def table_dump() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ordered: a full content snapshot (small test databases)."""
    db.session.expire_all()
    dump = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        dump[table.name] = [tuple(r) for r in rows]
    db.session.commit()
    return dump


def player_from_app(app: Any, base: str, token: str) -> Player:
    """A Player logged in without HTTP (fast set-up for load tests): the session cookie is
    made by the app's own log_in_participant and session serializer, the CSRF token by
    Flask-WTF, exactly as POST /in/<token> would; a real server sharing the SECRET_KEY
    accepts both. Call inside an app context."""
    from flask import g, session
    from flask_wtf.csrf import generate_csrf

    from quizengine.auth import log_in_participant
    from quizengine.models import Participant

    participant = db.session.scalar(select(Participant).where(Participant.login_token == token))
    assert participant is not None
    with app.test_request_context(f"/in/{token}", method="POST"):
        log_in_participant(participant, until=participant.event.ends_at)
        g.pop("csrf_token", None)  # g outlives this request context when an app context is open
        csrf = generate_csrf()
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    player = Player(base, token)
    player.csrf = csrf
    player.session.cookies.set(app.config.get("SESSION_COOKIE_NAME", "session"), cookie)
    return player
