"""The live dashboard's grid in pages of ``LIVE_GRID_ROWS`` rows (an individual race's 5,000
participants would be 250,000 cells a poll): the pages together are the whole grid, each page
is tagged on its own, a poll past the last page gets the last, and the page and the poll
refuse page numbers that are not whole numbers from 1 (the page also one past its last).
Here 2 rows a page, so five rows make three pages. The browser's side:
``tests/e2e/test_live_grid_pages.py``."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from quizengine.extensions import db
from quizengine.services import live_grid
from tests.app.test_live_grid import reference_payload
from tests.app.test_live_support import checkin, judge, log_in_organizer
from tests.builders import at, make_checkpoint, make_event, make_participant, make_team


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"LIVE_GRID_ROWS": 2}


@pytest.fixture(params=["team", "individual"])
def world(ctx, request) -> dict[str, Any]:
    event = make_event(mode=request.param, slug=f"pages-{request.param}")
    cps = [make_checkpoint(event, name=f"Pos {n}") for n in range(2)]
    team = make_team(event, "Tim Z")
    for n in range(4):
        make_team(event, f"Tim {n}")
    people = [make_participant(event, team, f"Peserta {n}") for n in range(5)]
    checkin(event, cps[1], at(event, 5), people[3])
    organizer = judge(event, "organizer")
    db.session.commit()
    return {"event": event, "organizer": organizer}


def _page(event, number: int) -> dict[str, Any]:
    tagged, _pages = live_grid.grid_page(event, number)
    return json.loads(tagged.text)  # type: ignore[no-any-return]


def test_the_pages_together_are_the_whole_grid(world):
    event = world["event"]
    whole = reference_payload(event)
    pages = [_page(event, n) for n in (1, 2, 3)]
    assert [p["page"] for p in pages] == [1, 2, 3]
    assert {(p["pages"], p["owners"]) for p in pages} == {(3, 5)}
    assert all(p["checkpoints"] == whole["checkpoints"] for p in pages)
    assert [len(p["rows"]) for p in pages] == [2, 2, 1]
    assert [r for p in pages for r in p["rows"]] == whole["rows"]
    assert _page(event, 9) == pages[2]  # past the last: the last
    tags = {live_grid.grid_page(event, n)[0].tag for n in (1, 2, 3)}
    assert len(tags) == 3


def test_the_poll_and_the_page_read_and_refuse_page_numbers(client, world):
    event = world["event"]
    log_in_organizer(client, world["organizer"])
    base = f"/organize/e/{event.slug}"
    second = client.get(f"{base}/live.json?page=2").get_json()
    assert second["grid"]["page"] == 2 and len(second["grid"]["rows"]) == 2
    tag = second["grid_tag"]
    quiet = client.get(f"{base}/live.json?page=2&grid={tag}").get_json()
    assert quiet["grid"] is None and quiet["grid_tag"] == tag
    # the tag of page 2 names nothing on page 1: page 1 comes whole
    assert client.get(f"{base}/live.json?grid={tag}").get_json()["grid"]["page"] == 1
    assert client.get(f"{base}/live.json?page=7").get_json()["grid"]["page"] == 3
    for bad in ("0", "x", "-2"):
        assert client.get(f"{base}/live.json?page={bad}").status_code == 400, bad
        assert client.get(f"{base}/live?page={bad}").status_code == 400, bad
    page = client.get(f"{base}/live?page=3").get_data(as_text=True)
    assert 'data-grid-page="3"' in page and 'rel="prev"' in page and 'rel="next"' not in page
    embedded = re.search(r'<script type="application/json" id="grid-data">(.*?)</script>', page)
    assert embedded and json.loads(embedded.group(1))["page"] == 3
    assert client.get(f"{base}/live?page=4").status_code == 404
    assert client.get(f"{base}/live?page=4&part=lists").status_code == 200  # no grid in it
