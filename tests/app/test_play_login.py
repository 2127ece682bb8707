"""Log-in by personal link and team code, the session, next=, and the pages in id and en."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from quizengine.extensions import db
from tests.app.test_play_lists import counting
from tests.app.test_play_support import END, START, log_in, world

NOON = START + timedelta(hours=5)


@pytest.fixture
def w(ctx: Any) -> Any:
    with time_machine.travel(NOON, tick=False):
        return world()


def test_link_shows_who_and_changes_nothing(w: Any, client: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        resp = client.get(f"/in/{w.alice.login_token}")
        assert resp.status_code == 200
        assert "Continue as Alice (Kelompok 1)" in resp.get_data(as_text=True)
        assert client.get("/home").status_code == 401  # a link preview logs nobody in
        resp = client.post(f"/in/{w.alice.login_token}")
        assert resp.status_code == 302 and resp.location.endswith("/home")
        home = client.get("/home")
    assert home.status_code == 200
    assert "Alice · <strong>Kelompok 1</strong>" in home.get_data(as_text=True)  # and her team


def test_wrong_token_is_the_plain_404(w: Any, client: Any) -> None:
    unknown = client.get("/no/such/page")
    nul = "0" * 15 + "%00"  # PostgreSQL refuses NUL in text: never sent to the database
    well_formed = ("/in/" + "x" * 24, "/in/" + w.alice.login_token + "x")  # looked up, not found
    malformed = (
        "/in/short",
        "/in/" + nul,
        "/in/" + "é" * 20,
        "/in/" + w.alice.login_token[:-1] + ".",
    )
    for path in (*well_formed, *malformed):
        with counting() as statements:
            resp = client.get(path)
        assert resp.status_code == 404
        assert resp.get_data(as_text=True) == unknown.get_data(as_text=True)
        asked = [s for s in statements if "login_token" in s]
        assert bool(asked) is (path in well_formed), (path, asked)  # malformed: never asked
    assert client.post("/in/" + "x" * 24).status_code == 404


@pytest.mark.parametrize(
    ("nxt", "expected"),
    [
        ("/c/ABC123", "/c/ABC123"),
        ("https://evil.example/", "/home"),
        ("//evil.example", "/home"),
        ("/\\evil.example", "/home"),
    ],
)
def test_next_is_relative_only(w: Any, client: Any, nxt: str, expected: str) -> None:
    with time_machine.travel(NOON, tick=False):
        resp = client.post(f"/in/{w.alice.login_token}", data={"next": nxt})
    assert resp.location == expected


def test_session_lasts_the_event_day(w: Any, client: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        log_in(client, w.alice)
    with time_machine.travel(END + timedelta(hours=3), tick=False):
        assert client.get("/home").status_code == 200
    with time_machine.travel(END + timedelta(hours=5), tick=False):
        assert client.get("/home").status_code == 401


def test_the_session_cookie_is_sent_at_log_in_not_again_on_every_page(w: Any, client: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        resp = client.post(f"/in/{w.alice.login_token}")
        assert "session=" in resp.headers.get("Set-Cookie", "")
        client.get("/home")  # the first page with a form adds the CSRF token to the session
        page = client.get("/home")
        assert page.status_code == 200 and "Set-Cookie" not in page.headers


def test_logout(w: Any, client: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        log_in(client, w.alice)
        assert client.post("/logout").status_code == 302
        assert client.get("/home").status_code == 401


def test_team_code_login(w: Any, client: Any) -> None:
    w.event.team_code_login = True
    db.session.commit()
    code = w.team.join_code
    with time_machine.travel(NOON, tick=False):
        assert client.get(f"/join/{w.event.slug}").status_code == 200
        bad = client.post(f"/join/{w.event.slug}", data={"code": code, "name": "Mallory"})
        assert bad.status_code == 400 and "do not match" in bad.get_data(as_text=True)
        assert client.get("/home").status_code == 401
        typed = code[:4].lower() + "-" + code[4:].lower()
        ok = client.post(
            f"/join/{w.event.slug}",
            data={"code": typed, "name": " bob ", "next": f"/c/{w.cp.code}"},
        )
        assert ok.status_code == 302 and ok.location == f"/c/{w.cp.code}"
        assert "Bob" in client.get("/home").get_data(as_text=True)
    assert client.get("/join/no-such-event").status_code == 404
    w.event.team_code_login = False
    db.session.commit()
    assert client.get(f"/join/{w.event.slug}").status_code == 404  # not allowed by the event


def test_not_logged_in_checkpoint_leads_to_login_and_back(w: Any, client: Any) -> None:
    w.event.team_code_login = True
    db.session.commit()
    with time_machine.travel(NOON, tick=False):
        page = client.get(f"/c/{w.cp.code}").get_data(as_text=True)
    assert "You are not logged in" in page
    assert f"/join/{w.event.slug}?next=/c/{w.cp.code}" in page


def test_pages_in_indonesian_and_english(app: Any, client: Any) -> None:
    # No ``ctx``: Flask-Babel caches the locale in ``g``, which a shared app context would share.
    with time_machine.travel(NOON, tick=False):
        with app.app_context():
            w = world(language="id")
            token, task_id = w.alice.login_token, w.question.id
        assert client.post(f"/in/{token}").status_code == 302
        page = client.get("/home").get_data(as_text=True)
        assert (
            '<html lang="id">' in page and "Skor" in page and "Checkpoint yang dikunjungi" in page
        )
        page = client.get(f"/t/{task_id}?lang=en").get_data(as_text=True)
        assert '<html lang="en">' in page and "Check in at Balai Kota first." in page
        page = client.get("/home").get_data(as_text=True)  # the choice sticks
        assert "Score" in page and 'href="?lang=id"' in page
        client.get("/home?lang=id")
        resp = client.post(f"/t/{task_id}/start", headers={"Accept": "application/json"})
    assert resp.status_code == 403 and resp.json["message"] == "Check-in dulu di Balai Kota."


def test_accept_language_without_a_choice(app: Any) -> None:
    en = app.test_client().get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    idn = app.test_client().get("/", headers={"Accept-Language": "id-ID,id;q=0.9"})
    assert "Scan a checkpoint QR code" in en.get_data(as_text=True)
    assert "Pindai kode QR checkpoint" in idn.get_data(as_text=True)


def test_scan_before_login_comes_back_after_the_personal_link(w: Any, client: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        assert client.get(f"/c/{w.cp.code}").status_code == 401
        resp = client.post(f"/in/{w.alice.login_token}")
        assert resp.location == f"/c/{w.cp.code}"
        assert client.get(f"/c/{w.cp.code}").status_code == 200
        client.post("/logout")
        assert client.post(f"/in/{w.alice.login_token}").location == "/home"  # used once


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True, "MAX_CONTENT_LENGTH": 50_000}])
def test_oversize_body_is_413_with_csrf_on(app: Any, client: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        with app.app_context():
            w = world()
            task_id = w.creative.id
        resp = client.post(
            f"/t/{task_id}/submit", data={"text": "x" * 60_000}, headers={"Accept-Language": "en"}
        )
    assert resp.status_code == 413 and "The upload is too large" in resp.get_data(as_text=True)
