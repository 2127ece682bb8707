"""Time: deadlines, the server's clock only, event windows across zones and DST.

The clock is frozen with time-machine (checkpoints.timeutil.utc_now is the one clock); the
server's own TZ is changed by running the app in subprocesses with TZ=UTC and TZ=Asia/Jakarta.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from checkpoints.eventfile import parse_event_file
from quizengine.extensions import db
from quizengine.models import Attempt, CheckIn, Event, Participant, Task
from quizengine.services.events import import_event
from tests.builders import (
    MALANG,
    make_checkpoint,
    make_event,
    make_participant,
    make_task,
    make_team,
)

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


def _log_in(client: FlaskClient, token: str) -> None:
    assert client.post(f"/in/{token}").status_code == 302


def _player_and_task(**task: object) -> tuple[str, int]:
    event = make_event(starts_at=T0 - timedelta(hours=1), ends_at=T0 + timedelta(hours=9))
    token = make_participant(event, make_team(event)).login_token
    task_id = make_task(event, None, **{"time_limit_s": 60, "points": 100, **task}).id
    db.session.commit()
    return token, task_id


def test_one_second_past_the_deadline_is_not_scored_and_the_page_says_so(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        token, task_id = _player_and_task()
    with time_machine.travel(T0, tick=False) as clock:
        _log_in(client, token)
        started = client.post(f"/t/{task_id}/start", headers={"Accept": "application/json"})
        assert started.json["remaining_ms"] == 60_000
        clock.shift(61)  # deadline + 1 s
        late = client.post(
            f"/t/{task_id}/answer",
            data={"answer": "1953", "key": "late-answer-1"},
            headers={"Accept": "application/json"},
        )
        assert late.status_code == 200
        assert (late.json["status"], late.json["points"]) == ("late", 0)
        assert "Too late" in late.json["message"]
        page = client.get(f"/t/{task_id}")
        assert "Late: the answer came after the deadline. 0 points." in page.text
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        assert (attempt.status, attempt.points, attempt.correct) == ("late", 0, True)


def test_exactly_at_the_deadline_still_counts(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        token, task_id = _player_and_task()
    with time_machine.travel(T0, tick=False) as clock:
        _log_in(client, token)
        client.post(f"/t/{task_id}/start")
        clock.shift(60)
        on_time = client.post(
            f"/t/{task_id}/answer",
            data={"answer": "1953", "key": "on-time-answer"},
            headers={"Accept": "application/json"},
        )
    # round(100 * (1 - 0.5 * 60/60)) = 50
    assert (on_time.json["status"], on_time.json["points"]) == ("answered", 50)


def test_the_phones_clock_plays_no_part(app: Flask, client: FlaskClient) -> None:
    """Only server time decides: a fix stamped a year ago or in the future is judged (and
    flagged) by the server's clock; remaining time comes from the server's deadline."""
    with app.app_context():
        event = make_event(starts_at=T0 - timedelta(hours=1), ends_at=T0 + timedelta(hours=9))
        token = make_participant(event, make_team(event)).login_token
        cp = make_checkpoint(event)
        task_id = make_task(event, cp, time_limit_s=90).id
        code = cp.code
        db.session.commit()
    json_ = {"Accept": "application/json"}
    with time_machine.travel(T0, tick=False) as clock:
        _log_in(client, token)
        near = {"lat": str(MALANG[0] + 0.0001), "lon": str(MALANG[1]), "accuracy": "8"}
        old = int((T0 - timedelta(days=300)).timestamp() * 1000)
        future = int((T0 + timedelta(hours=5)).timestamp() * 1000)
        first = client.post(f"/c/{code}/checkin", data={**near, "fix_ts": old}, headers=json_)
        clock.shift(10)
        near["lat"] = str(MALANG[0] + 0.0002)
        second = client.post(f"/c/{code}/checkin", data={**near, "fix_ts": future}, headers=json_)
        assert first.json["accepted"] and second.json["accepted"]
        started = client.post(f"/t/{task_id}/start", headers={**json_, "Date": "Thu, 01 Jan 1970"})
        assert started.json["remaining_ms"] == 90_000
        clock.shift(30)
        page = client.get(f"/t/{task_id}")
        assert 'data-remaining-ms="60000"' in page.text
    with app.app_context():
        rows = db.session.scalars(select(CheckIn).order_by(CheckIn.id)).all()
        assert [r.created_at for r in rows] == [T0, T0 + timedelta(seconds=10)]
        assert [f["code"] for f in rows[0].flags] == ["stale_fix"]
        assert "future_fix" in [f["code"] for f in rows[1].flags]
        attempt = db.session.scalar(select(Attempt))
        assert attempt.started_at == T0 + timedelta(seconds=10)
        assert attempt.deadline == attempt.started_at + timedelta(seconds=90)


MAKASSAR = """
title: Makassar day
timezone: Asia/Makassar
starts: 2026-03-10 07:00
ends: 2026-03-10 17:00
language: en
mode: team
teams:
  - name: Tim 1
    participants: [{name: Andi}]
checkpoints: []
tasks:
  - type: question
    prompt: Two and two?
    answer: "4"
    time_limit_s: 60
    points: 10
"""

# Runs the app in a fresh interpreter with the TZ of the environment; prints JSON facts.
PROBE = r"""
import json, sys, time
from datetime import datetime, UTC
import time_machine
from sqlalchemy import select
from quizengine import create_app
from quizengine.extensions import db
from quizengine.models import Event, Participant, Task
from quizengine.services.events import import_event
from checkpoints.eventfile import parse_event_file

uri, instance, slug, yaml_text = sys.argv[1:5]
app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "t", "TESTING": True,
                  "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                  "INSTANCE_PATH": instance, "UPLOAD_DIR": instance + "/up"})
out = {"process_zone": time.tzname[0]}
with app.app_context():
    spec = parse_event_file(yaml_text.encode())
    spec.slug = slug
    event = import_event(spec, actor="tz-probe")
    db.session.commit()
    db.session.expire_all()
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    token = db.session.scalar(
        select(Participant.login_token).where(Participant.event_id == event.id))
    task_id = db.session.scalar(select(Task.id).where(Task.event_id == event.id))
    out["starts_at"] = event.starts_at.isoformat()
    out["ends_at"] = event.ends_at.isoformat()
client = app.test_client()
with time_machine.travel(datetime.fromisoformat("2026-03-09T22:00:00+00:00"), tick=False):
    client.post(f"/in/{token}")
for moment in ("2026-03-09T22:59:59+00:00", "2026-03-09T23:00:00+00:00"):
    with time_machine.travel(datetime.fromisoformat(moment), tick=False):
        home = client.get("/home", headers={"Accept-Language": "en"}).text
        r = client.post(f"/t/{task_id}/start", headers={"Accept": "application/json"})
        out[moment] = [r.status_code, "The event starts at 07:00 WITA" in home,
                       r.json.get("started_at") if r.status_code == 200 else r.json.get("message")]
print(json.dumps(out, sort_keys=True))
"""


def _probe(database_uri: str, tmp_path: Path, tz: str) -> dict[str, object]:
    env = {**os.environ, "TZ": tz}
    slug = "makassar-" + tz.replace("/", "-").lower()
    done = subprocess.run(
        [sys.executable, "-c", PROBE, database_uri, str(tmp_path / tz), slug, MAKASSAR],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_makassar_day_opens_at_23_utc_the_day_before_whatever_the_server_zone(
    app: Flask, database_uri: str, tmp_path: Path
) -> None:
    in_utc = _probe(database_uri, tmp_path, "UTC")
    in_jakarta = _probe(database_uri, tmp_path, "Asia/Jakarta")
    assert (in_utc.pop("process_zone"), in_jakarta.pop("process_zone")) == ("UTC", "WIB")
    assert in_utc == in_jakarta
    assert in_utc["starts_at"] == "2026-03-09T23:00:00+00:00"
    assert in_utc["ends_at"] == "2026-03-10T09:00:00+00:00"
    before, after = in_utc["2026-03-09T22:59:59+00:00"], in_utc["2026-03-09T23:00:00+00:00"]
    assert before[0] == 403 and before[1] is True and "07:00 WITA" in before[2]
    assert after == [200, False, "2026-03-09T23:00:00+00:00"]


def test_berlin_spring_forward_day(app: Flask, client: FlaskClient) -> None:
    """29 March 2026, Berlin: 02:00 CET jumps to 03:00 CEST. An event 01:00-05:00 local lasts
    three hours, and a deadline across the jump is shown in summer time."""
    spec = parse_event_file(
        MAKASSAR.replace("Asia/Makassar", "Europe/Berlin")
        .replace("2026-03-10 07:00", "2026-03-29 01:00")
        .replace("2026-03-10 17:00", "2026-03-29 05:00")
        .replace("time_limit_s: 60", "time_limit_s: 120")
    )
    with app.app_context():
        event = import_event(spec, actor="test")
        db.session.commit()
        assert event.starts_at == datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
        assert event.ends_at - event.starts_at == timedelta(hours=3)
        token = db.session.scalar(select(Participant.login_token))
        task_id = db.session.scalar(select(Task.id))
    jump = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 02:00 CET == 03:00 CEST
    with time_machine.travel(jump - timedelta(seconds=60), tick=False) as clock:
        _log_in(client, token)
        assert client.post(f"/t/{task_id}/start").status_code == 302
        page = client.get(f"/t/{task_id}", headers={"Accept-Language": "en"})
        assert "03:01:00 CEST" in page.text  # 01:59 CET + 120 s
        clock.shift(90)
        answer = client.post(
            f"/t/{task_id}/answer",
            data={"answer": "4", "key": "berlin-dst-1"},
            headers={"Accept": "application/json"},
        )
    assert answer.json["status"] == "answered"
    assert answer.json["points"] == round(10 * (1 - 0.5 * 90 / 120))
    with app.app_context():
        home_event = db.session.scalar(select(Event))
        assert home_event.timezone == "Europe/Berlin"
