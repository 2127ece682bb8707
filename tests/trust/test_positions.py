"""Faked positions, end to end through POST /c/<code>/checkin: each signal flags the check-in
with its evidence, the check-in is still decided by distance, and the points of the task that
follows are never silently zeroed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizengine.extensions import db
from quizengine.models import CheckIn, Event
from quizengine.services import leaderboard
from tests.builders import (
    MALANG,
    make_checkpoint,
    make_event,
    make_participant,
    make_task,
    make_team,
)

T0 = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
JSON = {"Accept": "application/json"}
LAT, LON = MALANG
FAR = (-7.88713, 112.63400)  # 10 km south of Balai Kota Malang


def _fix(lat: float, lon: float, accuracy: float = 8, age_s: float | None = 2) -> dict[str, str]:
    data = {"lat": repr(lat), "lon": repr(lon), "accuracy": repr(accuracy)}
    if age_s is not None:
        data["fix_ts"] = str(int((T0.timestamp() - age_s) * 1000))
    return data


# case -> (check-ins as (seconds after T0, checkpoint index, fields), expected flag codes of the
# last one, event settings)
CASES: dict[str, tuple[list[tuple[int, int, dict[str, str]]], list[str], dict[str, Any]]] = {
    "ordinary": ([(0, 0, _fix(LAT + 0.0001, LON))], [], {}),
    "impossible_speed": (
        [(0, 1, _fix(FAR[0] + 0.0001, FAR[1])), (60, 0, _fix(LAT + 0.0001, LON + 0.00002))],
        ["impossible_speed"],
        {},
    ),
    "fast_but_allowed_by_the_event": (
        [(0, 1, _fix(FAR[0] + 0.0001, FAR[1])), (60, 0, _fix(LAT + 0.0001, LON + 0.00002))],
        [],
        {"max_speed_kmh": 1000},
    ),
    "repeated_coordinates": (
        [(0, 0, _fix(LAT + 0.0001, LON)), (300, 0, _fix(LAT + 0.00010004, LON, accuracy=12))],
        ["repeated_coordinates"],
        {},
    ),
    "accuracy_0": ([(0, 0, _fix(LAT + 0.0001, LON, accuracy=0))], ["suspicious_accuracy"], {}),
    "accuracy_1": ([(0, 0, _fix(LAT + 0.0001, LON, accuracy=1))], ["suspicious_accuracy"], {}),
    "stale_fix": ([(0, 0, _fix(LAT + 0.0001, LON, age_s=600))], ["stale_fix"], {}),
    "exact_checkpoint_position": ([(0, 0, _fix(LAT, LON))], ["exact_checkpoint_position"], {}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_position_signals_flag_but_never_zero_points(
    app: Flask, client: FlaskClient, case: str
) -> None:
    steps, expected, settings = CASES[case]
    with app.app_context():
        event = make_event(
            starts_at=T0 - timedelta(hours=1), ends_at=T0 + timedelta(hours=9), **settings
        )
        team = make_team(event)
        token = make_participant(event, team).login_token
        cps = [make_checkpoint(event, LAT, LON), make_checkpoint(event, *FAR)]
        codes = [cp.code for cp in cps]
        task_id = make_task(event, cps[0], time_limit_s=100, points=100).id
        event_id, team_id = event.id, team.id
        db.session.commit()
    with time_machine.travel(T0, tick=False) as clock:
        assert client.post(f"/in/{token}").status_code == 302
        last = None
        for seconds, index, fields in steps:
            clock.move_to(T0 + timedelta(seconds=seconds))
            fields = dict(fields)
            if "fix_ts" in fields:  # the phone's stamp is relative to the moment it sends
                fields["fix_ts"] = str(int(fields["fix_ts"]) + seconds * 1000)
            last = client.post(f"/c/{codes[index]}/checkin", data=fields, headers=JSON)
            assert last.status_code == 200, last.text
        assert last is not None and last.json["accepted"] is True  # flags never refuse
        clock.shift(1)
        assert client.post(f"/t/{task_id}/start", headers=JSON).status_code == 200
        clock.shift(10)
        answer = client.post(
            f"/t/{task_id}/answer", data={"answer": "1953", "key": f"pos-{case}"}, headers=JSON
        )
    assert answer.json["points"] == round(100 * (1 - 0.5 * 10 / 100))  # 95, flagged or not
    with app.app_context():
        stored = db.session.scalars(select(CheckIn).order_by(CheckIn.id)).all()
        assert len(stored) == len(steps)  # every try is kept
        flags = stored[-1].flags
        assert [f["code"] for f in flags] == expected
        assert all(f["detail"] for f in flags)  # with the evidence for the organizer
        assert stored[-1].flag_decision is None  # waiting for an organizer, not decided
        event = db.session.get(Event, event_id)
        assert leaderboard.team_points(event, team_id) == 95


def test_the_speed_flag_names_the_evidence(app: Flask, client: FlaskClient) -> None:
    steps, _, _ = CASES["impossible_speed"]
    with app.app_context():
        event = make_event(starts_at=T0 - timedelta(hours=1), ends_at=T0 + timedelta(hours=9))
        token = make_participant(event, make_team(event)).login_token
        cps = [make_checkpoint(event, LAT, LON, name="Balai Kota"), make_checkpoint(event, *FAR)]
        cps[1].name = "Alun-Alun Kidul"
        codes = [cp.code for cp in cps]
        db.session.commit()
    with time_machine.travel(T0, tick=False) as clock:
        client.post(f"/in/{token}")
        for seconds, index, fields in steps:
            clock.move_to(T0 + timedelta(seconds=seconds))
            client.post(f"/c/{codes[index]}/checkin", data=fields, headers=JSON)
    with app.app_context():
        last = db.session.scalars(select(CheckIn).order_by(CheckIn.id.desc())).first()
        detail = last.flags[0]["detail"]
    # 10 km in 60 s = 600 km/h, from the previous checkpoint by name.
    assert "km/h" in detail and "Alun-Alun Kidul" in detail and "10.0 km" in detail
