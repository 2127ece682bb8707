"""The live dashboard's grid in pages (an individual race's 5,000 rows would be 250,000
cells), in chromium: the dashboard opened at a page of rows draws that page, its polls ask
for that page, and a check-in on it is drawn when the next poll brings it.

The app runs in this process with ``LIVE_GRID_ROWS`` = 2 (five teams make three pages) and
answers every request of the browser through Playwright's routing, so the page's own
``live.js`` and style sheets run against the real views and database.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Route

from checkpoints.timeutil import utc_now
from quizengine.extensions import db
from quizengine.models import Checkpoint, Event, Team
from tests.app.test_live_support import checkin
from tests.app.test_organize_access import login_as, quick_organizer
from tests.builders import grant, make_checkpoint, make_event, make_team

ORIGIN = "http://dashboard.test"
POLL_WAIT_MS = 15_000  # live.js polls every 5 s


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"LIVE_GRID_ROWS": 2}


def test_a_page_of_the_grid_is_drawn_polled_and_updated(
    app: Flask, client: FlaskClient, browser: Browser
) -> None:
    with app.app_context():
        event = make_event(slug="halaman", mode="team")
        for n in range(5):
            make_team(event, f"Tim {n}")
        make_checkpoint(event, name="Tugu")
        owner = quick_organizer("owner@example.org", is_admin=True)
        grant(owner, event)
        db.session.commit()
        owner_id = owner.id
    login_as(client, owner_id)
    polls: list[dict[str, list[str]]] = []

    def answer(route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.path.endswith("/live.json"):
            polls.append(parse_qs(url.query))
        got = client.get(url.path + (f"?{url.query}" if url.query else ""))
        route.fulfill(status=got.status_code, body=got.data, content_type=got.content_type)

    context = browser.new_context()
    try:
        page = context.new_page()
        page.route("**/*", answer)
        page.goto(f"{ORIGIN}/organize/e/halaman/live?page=2")
        names = page.locator("[data-grid] tbody th")
        page.wait_for_function("document.querySelectorAll('[data-grid] tbody th').length === 2")
        assert names.all_text_contents() == ["Tim 2", "Tim 3"]
        assert "Page 2 of 3" in page.locator("nav.pager").first.inner_text()
        for _ in range(100):  # the first poll follows the page at once
            if polls:
                break
            page.wait_for_timeout(100)
        assert polls and polls[0]["page"] == ["2"]
        with app.app_context():
            found = db.session.query(Event).filter_by(slug="halaman").one()
            cp = db.session.query(Checkpoint).filter_by(event_id=found.id).one()
            team = db.session.query(Team).filter_by(name="Tim 3").one()
            checkin(found, cp, utc_now() - timedelta(seconds=5), team_id=team.id)
            db.session.commit()
        cell = page.locator("[data-grid] tbody tr").nth(1).locator("td").first
        page.wait_for_function(
            "document.querySelectorAll('[data-grid] tbody tr')[1].children[1].className"
            " === 'visited'",
            timeout=POLL_WAIT_MS,
        )
        assert cell.inner_text().startswith("✓")
        assert all(p.get("page") == ["2"] for p in polls), polls
        assert names.all_text_contents() == ["Tim 2", "Tim 3"]
    finally:
        context.close()
