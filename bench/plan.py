"""Pre-build what wrk sends: participants' session cookies and CSRF tokens, and per wrk thread
the tasks its participants may start, answer or submit to, written as Lua tables.

Sessions are made by the app's own code (``auth.log_in_participant`` and Flask-WTF's
``generate_csrf`` in a request context, signed by the app's session interface), which is what
``POST /in/<token>`` stores; ``check_cookie`` proves one of them on the running server.
"""

from __future__ import annotations

import io
import os
import random
from pathlib import Path
from types import SimpleNamespace

from flask import Flask, session
from flask_wtf.csrf import generate_csrf
from PIL import Image

from bench.seed import Seeded, TeamPlan


def make_app(raw_url: str, secret: str) -> Flask:
    os.environ.update(DATABASE_URL=raw_url, SECRET_KEY=secret, RATELIMIT_ENABLED="0")
    from quizengine import create_app

    return create_app()


def session_cookies(app: Flask, seeded: Seeded, participant_ids: list[int]) -> dict[int, tuple]:
    """participant id -> (Cookie header value, CSRF token)."""
    from datetime import UTC, datetime, timedelta

    from quizengine.auth import log_in_participant

    until = datetime.now(UTC) + timedelta(hours=10)
    serializer = app.session_interface.get_signing_serializer(app)
    name = app.config["SESSION_COOKIE_NAME"]
    out = {}
    for pid in participant_ids:
        with app.test_request_context("/"):
            log_in_participant(SimpleNamespace(id=pid), until)  # type: ignore[arg-type]
            # What a phone's cookie holds from its second request on: Flask-Login's session
            # protection marks the session not fresh once (and re-signs the cookie that once).
            session["_fresh"] = False
            token = generate_csrf()
            out[pid] = (f"{name}={serializer.dumps(dict(session))}", token)
    return out


def photo_jpeg(path: Path, width: int = 1600, height: int = 1200) -> Path:
    """A phone-like photo (noisy gradient JPEG, a few hundred kB) for the upload requests."""
    if path.exists():
        return path
    rnd = random.Random(3)
    img = Image.new("RGB", (width, height))
    img.putdata(
        [
            ((x * 255) // width, (y * 255) // height, rnd.randrange(256))
            for y in range(height)
            for x in range(width)
        ]
    )
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=88)
    path.write_bytes(buf.getvalue())
    return path


def _lua(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}={_lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "{" + ",".join(_lua(v) for v in value) + "}"
    raise TypeError(value)


def write_plan(
    app: Flask, seeded: Seeded, threads: int, out: Path, photo: Path, board_path: str
) -> Path:
    """One Lua table: checkpoint codes and places, and per thread its own teams' players and
    tasks (threads never share a team, so their attempts never collide), one file per thread
    in the directory ``out``, so each wrk thread parses only its own."""
    everyone = [pid for plan in seeded.teams for pid in plan.members]
    cookies = session_cookies(app, seeded, everyone)
    per_thread: list[list[TeamPlan]] = [[] for _ in range(threads)]
    for i, plan in enumerate(seeded.teams):
        per_thread[i % threads].append(plan)
    lua_threads = []
    for plans in per_thread:
        people, running, fresh, creative = [], [], [], []
        for plan in plans:
            first = len(people) + 1
            people.extend({"c": cookies[p][0], "t": cookies[p][1]} for p in plan.members)
            size = len(plan.members)
            for k, tid in enumerate(plan.running):
                running.append({"task": tid, "ans": seeded.answers[tid], "p": first + k % size})
            for k, tid in enumerate(plan.fresh):
                fresh.append({"task": tid, "ans": seeded.answers[tid], "p": first + k % size})
            for k, tid in enumerate(plan.creative):
                creative.append({"task": tid, "p": first + k % size})
        lua_threads.append(
            {"people": people, "running": running, "fresh": fresh, "creative": creative}
        )
    codes = [
        {"code": c, "lat": lat, "lon": lon}
        for c, (lat, lon, _) in zip(seeded.codes, seeded.places, strict=True)
    ]
    out.mkdir(parents=True, exist_ok=True)
    common = {"codes": codes, "photo": str(photo), "board": board_path, "threads": len(lua_threads)}
    (out / "common.lua").write_text("return " + _lua(common) + "\n")
    for i, data in enumerate(lua_threads):
        (out / f"t{i}.lua").write_text("return " + _lua(data) + "\n")
    return out
