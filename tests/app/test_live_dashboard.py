"""Live dashboard: the grid, the cursor-paged feed (stateless, any worker answers), counts,
flagged check-ins decided and audited, the event clock in the event's zone."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from sqlalchemy import event as sa_event
from sqlalchemy import select

from quizengine.extensions import db
from quizengine.models import AuditEntry, CheckIn, Event
from quizengine.services import live, live_grid
from quizengine.services.newest import Tagged
from tests.app.test_leaderboard_cache import EVENT_WALK, _plans
from tests.app.test_live_support import (
    attempt,
    checkin,
    judge,
    log_in_organizer,
    submission,
)
from tests.builders import at, make_checkpoint, make_event, make_participant, make_task, make_team

FLAG = [{"code": "same_position", "detail": "identical coordinates to the last fix"}]


def _world():
    event = make_event(timezone="Asia/Jakarta")
    red, blue = make_team(event, "Merah"), make_team(event, "Biru")
    ana, budi = make_participant(event, red, "Ana"), make_participant(event, blue, "Budi")
    cp1, cp2 = make_checkpoint(event, name="Balai Kota"), make_checkpoint(event, name="Alun")
    return SimpleNamespace(
        event=event,
        red=red,
        blue=blue,
        ana=ana,
        budi=budi,
        cp1=cp1,
        cp2=cp2,
        q1=make_task(event, cp1, points=100),
        c2=make_task(event, cp2, kind="creative", choices=None, answer=None, points=50),
        org=judge(event, "organizer"),
    )


def _grid(event: Event) -> tuple[list[str], dict[str, Any]]:
    """The grid the dashboard draws (live.js): the checkpoints' names, and per row name its
    cells by checkpoint id as (visited, tasks done, points) and its points."""
    data = json.loads(live_grid.grid_json(event))
    ids = [cp["id"] for cp in data["checkpoints"]]
    rows = {}
    for row in data["rows"]:
        cells = zip(ids, row["cells"], strict=True)
        rows[row["name"]] = ({i: tuple(c) if c else (0, 0, 0) for i, c in cells}, row["points"])
    return [cp["name"] for cp in data["checkpoints"]], rows


def test_grid_shows_visits_tasks_and_points(ctx):
    w = _world()
    event, ana, budi, cp1, cp2 = w.event, w.ana, w.budi, w.cp1, w.cp2
    checkin(event, cp1, at(event, 1), ana)
    checkin(event, cp2, at(event, 2), budi, accepted=False)
    checkin(event, cp2, at(event, 3), team_id=w.blue.id, verdict="manual")
    attempt(w.q1, ana, at(event, 1), at(event, 2), answer="1953", correct=True, points=90)
    submission(attempt(w.c2, budi, at(event, 3)), budi, at(event, 4))
    db.session.commit()
    names, by = _grid(event)
    assert names == ["Balai Kota", "Alun"]
    # (visited, tasks done, points) per checkpoint, and the row's points
    assert by["Merah"] == ({cp1.id: (1, 1, 90), cp2.id: (0, 0, 0)}, 90)
    # the manual team check-in counts, the refusal not; the submission is a task done
    assert by["Biru"] == ({cp1.id: (0, 0, 0), cp2.id: (1, 1, 0)}, 0)


def test_feed_pages_with_a_cursor(ctx):
    w = _world()
    event, ana, budi, cp1, cp2 = w.event, w.ana, w.budi, w.cp1, w.cp2
    checkin(event, cp1, at(event, 1), ana)
    attempt(w.q1, ana, at(event, 1), at(event, 2), answer="1953", correct=True, points=90)
    db.session.commit()
    first = live.feed(event, None)
    assert [i["type"] for i in first["items"]] == ["checkin", "answer"]
    assert first["items"][0]["who"] == "Merah · Ana"
    assert first["items"][0]["time"].endswith("WIB")
    # Nothing new: nothing returned, same positions (the checked window moves with the clock).
    again = live.feed(event, first["cursor"])
    assert again["items"] == [] and again["more"] is False
    before, now = live.parse_cursor(first["cursor"]), live.parse_cursor(again["cursor"])
    assert before is not None and now is not None
    assert {k: m.pos for k, m in before.marks.items()} == {k: m.pos for k, m in now.marks.items()}
    checkin(event, cp2, at(event, 5), budi, accepted=False, flags=FLAG)
    submission(attempt(w.c2, budi, at(event, 5)), budi, at(event, 6))
    attempt(w.q1, budi, at(event, 5), at(event, 7), answer="1946", correct=False)
    db.session.commit()
    nxt = live.feed(event, first["cursor"])
    assert [i["key"][0] for i in nxt["items"]] == ["c", "s", "a"]
    assert nxt["items"][0]["flags"] == ["same_position"] and nxt["items"][0]["accepted"] is False


def test_a_first_poll_starts_at_the_newest_rows_not_the_first(ctx):
    """A dashboard opened in the middle of a race gets the newest ``limit`` rows of each
    stream and follows on from there: it does not drain the event's whole history first
    (118,000 rows in the benchmark, 100 of each stream every 200 ms)."""
    w = _world()
    event = w.event
    checkins = [checkin(event, w.cp1, at(event, 1 + i), w.ana) for i in range(5)]
    tasks = [w.q1, *(make_task(event, w.cp1) for _ in range(4))]
    answers = [
        attempt(t, w.budi, at(event, 1), at(event, 10 + i), answer="1", correct=False)
        for i, t in enumerate(tasks)
    ]
    db.session.commit()
    first = live.feed(event, None, limit=3)
    newest = [f"c{c.id}" for c in checkins[-3:]] + [f"a{a.id}" for a in answers[-3:]]
    assert sorted(i["key"] for i in first["items"]) == sorted(newest)
    later = checkin(event, w.cp2, at(event, 30), w.ana)
    db.session.commit()
    nxt = live.feed(event, first["cursor"], limit=3)
    assert [i["key"] for i in nxt["items"]] == [f"c{later.id}"] and nxt["more"] is False
    few = live.feed(event, None, limit=10)  # fewer rows than the limit: all of them
    assert len(few["items"]) == 11 and few["more"] is False


def test_poll_endpoint_json_and_bad_cursor(client, ctx):
    w = _world()
    event, ana, budi, cp1, _cp2 = w.event, w.ana, w.budi, w.cp1, w.cp2
    checkin(event, cp1, at(event, 1), ana, flags=FLAG)
    submission(attempt(w.c2, budi, at(event, 3)), budi, at(event, 4))
    db.session.commit()
    log_in_organizer(client, w.org)
    r = client.get(f"/organize/e/{event.slug}/live.json")
    data = r.get_json()
    assert r.status_code == 200
    assert data["counts"] == {"pending_reviews": 1, "open_flags": 1, "refused_checkins": 0}
    assert len(data["grid"]["rows"]) == 2 and len(data["items"]) == 2 and data["more"] is False
    assert data["clock"]["now"].endswith("WIB")
    # A second "worker" (a fresh client, no shared state) continues from the cursor.
    other = client.application.test_client()
    log_in_organizer(other, w.org)
    r2 = other.get(f"/organize/e/{event.slug}/live.json?after={data['cursor']}")
    assert r2.get_json()["items"] == []
    # The cursor of a page loaded before the cursor changed ("C.S.T") is still read.
    assert client.get(f"/organize/e/{event.slug}/live.json?after=0.0.0").status_code == 200
    good = data["cursor"].split("-")
    zero_width = "-".join([*good[:2], "0", *good[3:]])
    short_hash = "-".join([*good[:4], good[4][:-1], *good[5:]])
    other_version = "-".join(["3", *good[1:]])
    too_big = "3000000000.0.0"  # not a 32-bit id
    wrong = (too_big, zero_width, short_hash, other_version)
    for bad in ("x", "1.2", "1.2.-3", "9" * 30 + ".1.1", *wrong):
        r3 = client.get(
            f"/organize/e/{event.slug}/live.json?after={bad}",
            headers={"Accept": "application/json"},
        )
        assert r3.status_code == 400 and r3.is_json


def test_dashboard_page_and_clock(client, ctx):
    w = _world()
    event, ana, budi, cp1, cp2 = w.event, w.ana, w.budi, w.cp1, w.cp2
    checkin(event, cp1, at(event, 1), ana, flags=FLAG)
    checkin(event, cp2, at(event, 2), budi, accepted=False, verdict="too_far", distance=340)
    db.session.commit()
    log_in_organizer(client, w.org)
    with time_machine.travel(at(event, 90), tick=False):
        page = client.get(f"/organize/e/{event.slug}/live").get_data(as_text=True)
    local = at(event, 90).astimezone(__import__("zoneinfo").ZoneInfo("Asia/Jakarta"))
    assert f"{local:%H:%M:%S} WIB" in page
    assert "identical coordinates" in page and "too_far" in page
    assert "organize/live.js" in page and "<script>" not in page


def test_the_page_brings_its_grid_as_the_polls_json_with_its_tag(client, ctx):
    """The page carries the grid for live.js to draw (the polls' JSON, escaped for a script
    element) and its tag, so the first poll brings none while it is the same; the lists'
    refresh (``?part=lists``) gets the page without it."""
    w = _world()
    event = w.event
    w.red.name = "Merah </script><b>&amp;"
    checkin(event, w.cp1, at(event, 1), w.ana)
    checkin(event, w.cp2, at(event, 2), w.budi, accepted=False, verdict="too_far", distance=340)
    db.session.commit()
    log_in_organizer(client, w.org)
    page = client.get(f"/organize/e/{event.slug}/live").get_data(as_text=True)
    script = page.split('<script type="application/json" id="grid-data">')[1]
    embedded = script.split("</script>")[0]
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded
    text = live_grid.grid_json(event)
    assert json.loads(embedded) == json.loads(text)
    assert [r["name"] for r in json.loads(embedded)["rows"]] == ["Biru", "Merah </script><b>&amp;"]
    tag = Tagged.of(text).tag  # a digest of the text: the same in every worker
    assert f'data-grid-tag="{tag}"' in page
    poll = client.get(f"/organize/e/{event.slug}/live.json", query_string={"grid": tag})
    assert poll.get_json()["grid"] is None
    lists = client.get(f"/organize/e/{event.slug}/live?part=lists").get_data(as_text=True)
    assert 'id="grid-data"' not in lists and 'data-grid-tag=""' in lists
    assert 'id="refused"' in lists and "too_far" in lists


def test_flag_decision_is_audited(client, ctx):
    w = _world()
    event, ana, budi, cp1, _cp2 = w.event, w.ana, w.budi, w.cp1, w.cp2
    ci = checkin(event, cp1, at(event, 1), ana, flags=FLAG)
    plain = checkin(event, cp1, at(event, 2), budi)
    db.session.commit()
    log_in_organizer(client, w.org)
    url = f"/organize/e/{event.slug}/checkins/{ci.id}/flags"
    assert client.post(url, data={"decision": "upheld", "reason": ""}).status_code == 400
    assert client.post(url, data={"decision": "maybe", "reason": "x"}).status_code == 400
    no_flags = f"/organize/e/{event.slug}/checkins/{plain.id}/flags"
    assert client.post(no_flags, data={"decision": "cleared", "reason": "x"}).status_code == 404
    r = client.post(url, data={"decision": "cleared", "reason": "same bench, fine"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(CheckIn, ci.id).flag_decision == "cleared"
    entry = db.session.scalars(select(AuditEntry)).one()
    assert entry.action == "checkin.flag.cleared" and entry.before["flag_decision"] is None
    assert live.counts(event)["open_flags"] == 0


def test_individual_mode_rows_are_participants(ctx):
    event = make_event(mode="individual")
    team = make_team(event)
    a, _ = make_participant(event, team, "A"), make_participant(event, team, "B")
    cp = make_checkpoint(event)
    checkin(event, cp, at(event, 1), a)
    db.session.commit()
    _, by = _grid(event)
    assert by["A"][0][cp.id][0] == 1 and by["B"][0][cp.id][0] == 0


def test_a_poll_reads_recent_answers_by_time_not_the_event_s_answers(ctx):
    """SQLite has no statistics: the feed's answers are read by the answered_at index (from
    the cursor's time or the window's start), never by walking the event's attempts; the
    team's score keeps its own index (see test_leaderboard_cache's plan test)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner, without statistics")
    w = _world()
    attempt(w.q1, w.ana, at(w.event, 1), at(w.event, 2), answer="1953", correct=True, points=90)
    db.session.commit()
    cursor = live.feed(w.event, None)["cursor"]
    seen: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, params, *_rest) -> None:
        seen.append((statement, params))

    sa_event.listen(db.engine, "before_cursor_execute", keep)
    try:
        for after in (None, cursor):
            live.feed(w.event, after)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", keep)
    plans = [line for line in _plans(seen) if line.startswith(("SCAN attempt", "SEARCH attempt"))]
    by_time = [line for line in plans if "ix_attempt_answered_at (answered_at>?)" in line]
    walks = [line for line in plans if line.startswith("SCAN") or EVENT_WALK.search(line)]
    assert by_time and walks == [], plans
