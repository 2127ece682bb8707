"""Check-in: geofence boundaries, refusal messages, input validation, window and opening hours."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import func, select

from quizengine.extensions import db
from quizengine.models import CheckIn
from quizengine.services.checkins import has_access
from tests.app.test_play_support import START, check_in_near, log_in, offset, post_fix, world
from tests.builders import MALANG, make_checkpoint, make_event, make_participant, make_team

NOON = START + timedelta(hours=5)  # 12:00 WIB


def count_checkins() -> int:
    return db.session.scalar(select(func.count()).select_from(CheckIn)) or 0


@pytest.fixture
def w(ctx: Any, client: Any) -> Any:
    with time_machine.travel(NOON, tick=False):
        w = world()
        log_in(client, w.alice)
        yield w


@pytest.mark.parametrize(
    ("distance", "accuracy", "accepted"),
    [
        (0.5, 5, True),  # inside
        (49.0, 0, True),
        (50.5, 0, False),  # just outside
        (59.9, 10, True),  # 59.9 - 10 <= 50: inside thanks to accuracy
        (60.5, 10, False),
        (149.9, 100, True),  # accuracy at the cap (100 m) still counts
    ],
)
def test_boundary_distances(
    w: Any, client: Any, distance: float, accuracy: float, accepted: bool
) -> None:
    lat, lon = offset(distance, 45)
    with time_machine.travel(NOON, tick=False):
        resp = post_fix(client, w.cp.code, lat, lon, accuracy)
    assert resp.status_code == 200
    assert resp.json["accepted"] is accepted
    assert resp.json["distance_m"] == pytest.approx(distance, abs=0.05)
    row = db.session.scalars(select(CheckIn)).one()
    assert row.accepted is accepted and row.distance_m == pytest.approx(distance, abs=0.01)
    assert row.verdict == ("on_site" if accepted else "too_far")
    assert has_access(w.alice, w.cp) is accepted


@pytest.mark.parametrize("accuracy", [0.0, 12.5])
def test_exactly_on_the_radius_counts(w: Any, client: Any, accuracy: float) -> None:
    from checkpoints.geofence import distance_m

    lat, lon = offset(80, 300)
    exact = distance_m(lat, lon, *MALANG)
    w.cp.radius_m = exact - accuracy  # distance - accuracy == radius, to the last bit
    assert exact - accuracy - w.cp.radius_m == 0
    db.session.commit()
    with time_machine.travel(NOON, tick=False):
        on = post_fix(client, w.cp.code, lat, lon, accuracy)
        w.cp.radius_m = exact - accuracy - 0.01
        db.session.commit()
        off = post_fix(client, w.cp.code, lat, lon, accuracy)
    assert on.json["accepted"] is True
    assert off.json["accepted"] is False and off.json["verdict"] == "too_far"


def test_too_far_says_distance_and_direction(w: Any, client: Any) -> None:
    lat, lon = offset(340, 225)  # south-west of the checkpoint: walk north-east
    with time_machine.travel(NOON, tick=False):
        resp = post_fix(client, w.cp.code, lat, lon, 0)
    assert resp.json["verdict"] == "too_far"
    assert resp.json["message"] == "You are 340 m away (north-east). Walk closer and try again."
    far = offset(2500, 0)
    with time_machine.travel(NOON + timedelta(minutes=30), tick=False):
        resp = post_fix(client, w.cp.code, *far, 5)
    assert resp.json["message"] == "You are 2.5 km away (south). Walk closer and try again."


def test_inaccurate_fix_says_step_outside(w: Any, client: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        resp = post_fix(client, w.cp.code, *MALANG, 800)
    assert resp.json["accepted"] is False and resp.json["verdict"] == "inaccurate"
    assert resp.json["message"] == "Your GPS is ±800 m: step outside, wait a moment, try again."
    with time_machine.travel(NOON, tick=False):
        resp = post_fix(client, w.cp.code, *MALANG, 100.5)
    assert resp.json["verdict"] == "inaccurate"
    assert count_checkins() == 2  # every try is stored


def test_html_checkin_redirects_with_the_message(w: Any, client: Any) -> None:
    lat, lon = offset(10, 90)
    with time_machine.travel(NOON, tick=False):
        resp = client.post(f"/c/{w.cp.code}/checkin", data={"lat": lat, "lon": lon, "accuracy": 5})
        assert resp.status_code == 302 and resp.location.endswith(f"/c/{w.cp.code}")
        page = client.get(resp.location).get_data(as_text=True)
    assert "You are at Balai Kota. Its tasks are open." in page
    assert "You are checked in here." in page and "Tugu" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"lat": "nan", "lon": "112.6", "accuracy": "5"}, "Latitude must be a number"),
        ({"lat": "91", "lon": "112.6", "accuracy": "5"}, "Latitude must be a number"),
        ({"lat": "-7.9", "lon": "inf", "accuracy": "5"}, "Longitude must be a number"),
        ({"lat": "-7.9", "lon": "181", "accuracy": "5"}, "Longitude must be a number"),
        ({"lat": "-7.9", "lon": "112.6", "accuracy": "-1"}, "Accuracy must be a number"),
        ({"lat": "-7.9", "lon": "112.6", "accuracy": "abc"}, "Accuracy must be a number"),
        ({"lat": "-7.9", "lon": "112.6"}, "Accuracy must be a number"),
        ({"lat": "-7.9", "lon": "112.6", "accuracy": "5", "fix_ts": "yesterday"}, "time stamp"),
        ({"lat": "-7.9", "lon": "112.6", "accuracy": "5", "fix_ts": "1e300"}, "time stamp"),
        ({"lat": "[1]", "lon": "112.6", "accuracy": "5"}, "Latitude must be a number"),
    ],
)
def test_bad_input_is_400_and_stores_nothing(
    w: Any, client: Any, data: dict[str, str], message: str
) -> None:
    with time_machine.travel(NOON, tick=False):
        resp = client.post(
            f"/c/{w.cp.code}/checkin", data=data, headers={"Accept": "application/json"}
        )
        html = client.post(f"/c/{w.cp.code}/checkin", data=data)
    assert resp.status_code == 400 and message in resp.json["message"]
    assert html.status_code == 400 and message in html.get_data(as_text=True)
    assert count_checkins() == 0


def test_a_refused_position_is_explained_in_the_phone_s_language(w: Any, client: Any) -> None:
    """The field messages are translated when they are needed (lazily), in the request's
    language."""
    bad = {"lat": "91", "lon": "112.6", "accuracy": "5", "fix_ts": "yesterday"}
    with time_machine.travel(NOON, tick=False):
        resp = client.post(
            f"/c/{w.cp.code}/checkin?lang=id", data=bad, headers={"Accept": "application/json"}
        )
    assert resp.status_code == 400
    assert "Lintang harus berupa angka dari -90 sampai 90." in resp.json["message"]
    assert count_checkins() == 0


def test_fix_timestamp_is_stored_and_stale_fixes_flagged(w: Any, client: Any) -> None:
    lat, lon = offset(5, 0)
    old_ms = int((NOON - timedelta(minutes=10)).timestamp() * 1000)
    with time_machine.travel(NOON, tick=False):
        resp = post_fix(client, w.cp.code, lat, lon, 8, fix_ts=str(old_ms))
    assert resp.json["accepted"] is True  # flags never refuse
    row = db.session.scalars(select(CheckIn)).one()
    assert row.fix_at == NOON - timedelta(minutes=10)
    assert [f["code"] for f in row.flags] == ["stale_fix"]


def test_impossible_speed_is_flagged(w: Any, client: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        post_fix(client, w.cp.code, *offset(20_000, 0), 10)
    with time_machine.travel(NOON + timedelta(minutes=1), tick=False):
        post_fix(client, w.cp.code, *offset(5, 0), 10)
    last = db.session.scalars(select(CheckIn).order_by(CheckIn.id.desc())).first()
    assert last.accepted and "impossible_speed" in [f["code"] for f in last.flags]


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (START - timedelta(minutes=30), "The event starts at 07:00 WIB."),
        (START + timedelta(hours=10), "The event is over (it ended at 17:00 WIB)."),
    ],
)
def test_outside_the_window(w: Any, client: Any, moment: Any, message: str) -> None:
    with time_machine.travel(moment, tick=False):
        log_in(client, w.alice)  # a session signed in the future would not be valid
        resp = post_fix(client, w.cp.code, *offset(5, 0), 5)
        page = client.get(f"/c/{w.cp.code}").get_data(as_text=True)
    assert resp.status_code == 403 and resp.json["message"] == message
    assert message in page
    assert count_checkins() == 0


def test_closed_and_draft_events(w: Any, client: Any) -> None:
    w.event.status = "draft"
    db.session.commit()
    with time_machine.travel(NOON, tick=False):
        resp = post_fix(client, w.cp.code, *offset(5, 0), 5)
    assert resp.status_code == 403 and "not been opened" in resp.json["message"]
    w.event.status = "closed"
    db.session.commit()
    with time_machine.travel(NOON, tick=False):
        resp = post_fix(client, w.cp.code, *offset(5, 0), 5)
    assert resp.status_code == 403 and "The event is over" in resp.json["message"]
    assert count_checkins() == 0


def test_opening_hours(w: Any, client: Any) -> None:
    w.cp.opens, w.cp.closes = time(13, 0), time(15, 30)
    db.session.commit()
    with time_machine.travel(NOON, tick=False):  # 12:00 WIB
        resp = post_fix(client, w.cp.code, *offset(5, 0), 5)
    assert resp.status_code == 403
    assert resp.json["message"] == "This checkpoint opens at 13:00 WIB."
    with time_machine.travel(START + timedelta(hours=6), tick=False):  # 13:00 WIB: open
        resp = post_fix(client, w.cp.code, *offset(5, 0), 5)
    assert resp.status_code == 200 and resp.json["accepted"], resp.json
    with time_machine.travel(START + timedelta(hours=8, minutes=30), tick=False):  # 15:30 WIB
        resp = post_fix(client, w.cp.code, *offset(5, 0), 5)
    assert resp.json["message"] == "This checkpoint closed at 15:30 WIB for today."


def test_unknown_mistyped_and_other_event_codes_look_the_same(w: Any, client: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        other = make_event(slug="other", starts_at=START, ends_at=START + timedelta(hours=10))
        other_cp = make_checkpoint(other)
        db.session.commit()
        pages = [client.get(f"/c/{code}") for code in ("ZZZZZZ", "!!", other_cp.code)]
        bodies = {p.get_data(as_text=True) for p in pages}
        post = post_fix(client, other_cp.code, *MALANG, 5)
    assert [p.status_code for p in pages] == [404, 404, 404]
    assert len(bodies) == 1 and "Unknown checkpoint" in bodies.pop()
    assert post.status_code == 404 and count_checkins() == 0


def test_typed_code_form_normalizes(w: Any, client: Any) -> None:
    typed = w.cp.code[:2].lower() + "-" + w.cp.code[2:].lower()
    resp = client.get("/c", query_string={"code": typed})
    assert resp.status_code == 302 and resp.location.endswith(f"/c/{w.cp.code}")
    assert client.get("/c").status_code == 200
    assert client.get("/c", query_string={"code": "?"}).status_code == 400


def test_checkpoint_page_changes_nothing_and_needs_login(ctx: Any, client: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        w = world()
        resp = client.get(f"/c/{w.cp.code}")
    assert resp.status_code == 401
    page = resp.get_data(as_text=True)
    assert "You are not logged in" in page and w.cp.name not in page
    with time_machine.travel(NOON, tick=False):
        log_in(client, w.alice)
        page = client.get(f"/c/{w.cp.code}").get_data(as_text=True)
    assert w.cp.name in page and 'id="locate"' in page and "checkin.js" in page
    assert "data-msg-denied" in page and "data-msg-insecure" in page and "<script>" not in page
    assert count_checkins() == 0
    assert post_fix(client.application.test_client(), w.cp.code, *MALANG, 5).status_code == 401


def test_team_mode_one_member_unlocks_for_the_team(w: Any, client: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        check_in_near(client, w.cp.code)
    assert has_access(w.alice, w.cp) and has_access(w.bob, w.cp)


def test_manual_team_checkin_unlocks(ctx: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        w = world()
        db.session.add(
            CheckIn(
                event_id=w.event.id,
                checkpoint_id=w.cp.id,
                team_id=w.team.id,
                verdict="manual",
                accepted=True,
                created_at=NOON,
            )
        )
        db.session.commit()
    assert has_access(w.alice, w.cp) and has_access(w.bob, w.cp)


def test_individual_mode_is_per_participant(ctx: Any, client: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        w = world(mode="individual")
        log_in(client, w.alice)
        check_in_near(client, w.cp.code)
    assert has_access(w.alice, w.cp) and not has_access(w.bob, w.cp)


def test_other_team_does_not_get_access(w: Any, client: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        rival = make_participant(w.event, make_team(w.event, "Rivals"), "Carol")
        db.session.commit()
        check_in_near(client, w.cp.code)
    assert not has_access(rival, w.cp)


def _token(page: str) -> str:
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_csrf_is_required(app: Any, client: Any) -> None:
    # No ``ctx`` here: a shared application context would share ``g`` (and Flask-WTF's cached
    # token) between requests, which never happens when serving.
    with time_machine.travel(NOON, tick=False):
        with app.app_context():
            w = world()
            login_url, code = f"/in/{w.alice.login_token}", w.cp.code
        page = client.get(login_url).get_data(as_text=True)
        assert client.post(login_url).status_code == 400
        assert client.get("/home").status_code == 401  # the refused POST logged nobody in
        assert client.post(login_url, data={"csrf_token": _token(page)}).status_code == 302
        token = _token(client.get(f"/c/{code}").get_data(as_text=True))
        fields = {"lat": "-7.97713", "lon": "112.634", "accuracy": "5"}
        json = {"Accept": "application/json"}
        refused = client.post(f"/c/{code}/checkin", data=fields, headers=json)
        forged = client.post(
            f"/c/{code}/checkin", data=fields, headers={**json, "X-CSRFToken": "x"}
        )
        with app.app_context():
            assert count_checkins() == 0
        ok = client.post(f"/c/{code}/checkin", data=fields, headers={**json, "X-CSRFToken": token})
        with app.app_context():
            assert count_checkins() == 1
    assert refused.status_code == 400 and forged.status_code == 400
    assert "reload the page" in refused.json["message"]
    assert ok.status_code == 200 and ok.json["accepted"], ok.json


@pytest.mark.parametrize("mode", ["team", "individual"])
def test_access_is_read_from_the_participant_s_and_team_s_own_check_ins(
    ctx: Any, mode: str
) -> None:
    """Whether a checkpoint is unlocked for a participant (checkpoint page, task page, start,
    answer, home page) is read from their own accepted check-ins there and, in a team race,
    their team's, each by (participant or team, checkpoint) from an index alone: never from
    the checkpoint's check-ins, everyone's (SQLite has no statistics; it took
    ix_checkin_checkpoint_id before, 0.4-0.55 ms a request at 500 teams), never a scan."""
    from sqlalchemy import event as sa_event

    from quizengine.services.attempts import task_for_start
    from quizengine.services.checkins import checkpoint_with_access, visited_checkpoints
    from tests.app.test_leaderboard_cache import _plans
    from tests.app.test_live_support import checkin

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner, without statistics")
    w = world(mode=mode)
    for n in range(3):  # others at the same checkpoint
        rival = make_participant(w.event, make_team(w.event, f"Rivals {n}"), f"Rival {n}")
        checkin(w.event, w.cp, NOON, rival)
    checkin(w.event, w.cp, NOON, w.alice)
    db.session.commit()
    seen: list[tuple[str, object]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, params: object, *_rest: Any) -> None:
        if "FROM checkin" in statement:
            seen.append((statement, params))

    sa_event.listen(db.engine, "before_cursor_execute", keep)
    try:
        assert has_access(w.alice, w.cp)
        assert checkpoint_with_access(w.cp.code, w.alice) == (w.cp, True)
        found = task_for_start(w.alice, w.question.id)
        assert found is not None and found[1].access
        assert [v.id for v in visited_checkpoints(w.alice)] == [w.cp.id]
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", keep)
    assert len(seen) == 4, seen
    lines = [line for line in _plans(seen) if line.startswith(("SCAN checkin", "SEARCH checkin"))]
    search = "SEARCH checkin USING COVERING INDEX ix_checkin_{}_checkpoint ({}_id=?{})"
    here = " AND checkpoint_id=? AND accepted=?"
    owners = ["participant", "team"] if mode == "team" else ["participant"]
    expected = [search.format(o, o, here) for _ in range(3) for o in owners]
    expected += [search.format(o, o, "") for o in owners]  # all visited checkpoints
    assert lines == expected
