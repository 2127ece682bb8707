"""Shared helpers for the participant tests (no tests here): a small event, log-in, positions."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient
from geopy.distance import geodesic
from PIL import Image

from quizengine.extensions import db
from quizengine.models import Checkpoint, Event, Participant, Task, Team
from tests.builders import (
    MALANG,
    make_checkpoint,
    make_event,
    make_participant,
    make_task,
    make_team,
)

START = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)  # 07:00 WIB
END = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)  # 17:00 WIB


@dataclass
class World:
    event: Event
    team: Team
    alice: Participant
    bob: Participant
    cp: Checkpoint
    question: Task
    free: Task
    creative: Task


def world(mode: str = "team", **event_kw: Any) -> World:
    """An event 07:00-17:00 WIB with one team of two, one checkpoint (radius 50 m) holding a
    choice question and a creative task, and one location-free text question. Committed."""
    values: dict[str, Any] = {"starts_at": START, "ends_at": END, "mode": mode}
    values.update(event_kw)
    event = make_event(**values)
    team = make_team(event, "Kelompok 1")
    alice = make_participant(event, team, "Alice")
    bob = make_participant(event, team, "Bob")
    cp = make_checkpoint(event, name="Balai Kota", radius_m=50.0)
    question = make_task(event, cp, title="Tugu", time_limit_s=100, points=100)
    creative = make_task(
        event,
        cp,
        kind="creative",
        title="Photo",
        prompt="A team photo at the fountain.",
        choices=None,
        answer=None,
        time_limit_s=600,
        points=200,
    )
    free = make_task(
        event,
        None,
        kind="text",
        title="Anywhere",
        prompt="Name of the city hall?",
        choices=None,
        answer=["Balai Kota", "city hall"],
        time_limit_s=60,
        points=50,
    )
    db.session.commit()
    return World(event, team, alice, bob, cp, question, free, creative)


def log_in(client: FlaskClient, participant: Participant) -> None:
    resp = client.post(f"/in/{participant.login_token}")
    assert resp.status_code == 302, resp.data


def offset(
    distance_m: float, bearing: float, origin: tuple[float, float] = MALANG
) -> tuple[float, float]:
    """The point ``distance_m`` metres from ``origin`` along ``bearing`` (geodesic, exact)."""
    p = geodesic(meters=distance_m).destination(origin, bearing)
    return p.latitude, p.longitude


def post_fix(
    client: FlaskClient, code: str, lat: float, lon: float, accuracy: float = 5, **extra: Any
):
    data = {"lat": repr(lat), "lon": repr(lon), "accuracy": repr(accuracy), **extra}
    return client.post(f"/c/{code}/checkin", data=data, headers={"Accept": "application/json"})


def check_in_near(client: FlaskClient, code: str) -> None:
    lat, lon = offset(10, 0)
    resp = post_fix(client, code, lat, lon, 5)
    assert resp.status_code == 200 and resp.json["accepted"], resp.data


def jpeg_bytes(
    width: int = 400, height: int = 300, *, orientation: int | None = None, gps: bool = False
) -> bytes:
    img = Image.new("RGB", (width, height), (200, 30, 30))
    img.paste((30, 30, 200), (0, 0, width // 2, height))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "S", 2: (7.0, 58.0, 37.0), 3: "E", 4: (112.0, 38.0, 2.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()
