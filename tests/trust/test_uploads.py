"""Hostile uploads against a real gunicorn worker: a clear 4xx, nothing stored, and the very
same worker process still answers /api/health afterwards (it did not crash or get killed)."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask
from PIL import Image
from sqlalchemy import func, select

from quizengine.extensions import db
from quizengine.models import Submission, SubmissionFile
from tests.builders import make_event, make_participant, make_task, make_team
from tests.server import GunicornServer, server_env
from tests.trust.helpers import Player, player_from_app

pytestmark = pytest.mark.slow


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pixel_bomb(side: int = 20000) -> bytes:
    """A valid 1-bit PNG of side x side pixels (400 million for 20000): about 50 KB on disk,
    gigabytes once decoded."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(buf, "JPEG")
    return buf.getvalue()


SCRIPT = b"<html><script>alert(document.cookie)</script></html>"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
HOSTILE = {
    "pixel_bomb": (lambda: pixel_bomb(), "bomb.png", {400}),
    "gif_js_polyglot": (lambda: b"GIF89a/*\x00\x00" + b"*/=1;" + SCRIPT, "cat.gif", {400}),
    "pdf_renamed_jpg": (lambda: PDF, "photo.jpg", {400}),
    "empty_file": (lambda: b"", "empty.jpg", {400}),
    "fifty_megabytes": (lambda: b"\xff\xd8\xff" + b"\x00" * (50 * 1024 * 1024), "big.jpg", {413}),
}


@pytest.fixture(scope="module")
def server(database_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GunicornServer]:
    env = server_env(database_uri, tmp_path_factory.mktemp("uploads"))
    with GunicornServer(env, workers=1, worker_class="sync", timeout_s=60) as srv:
        yield srv


@pytest.fixture
def player(app: Flask, server: GunicornServer) -> tuple[Player, int]:
    with app.app_context():
        event = make_event()
        token = make_participant(event, make_team(event)).login_token
        task = make_task(
            event, None, kind="creative", choices=None, answer=None, points=50, time_limit_s=3600
        )
        db.session.commit()
        task_id = task.id
        p = player_from_app(app, server.url, token)
    assert p.post_json(f"/t/{task_id}/start", {}).status_code == 200
    return p, task_id


def _submit(p: Player, task_id: int, name: str, data: bytes, key: str) -> requests.Response:
    return p.session.post(
        f"{p.base}/t/{task_id}/submit",
        data={"key": key, "text": ""},
        files={"photos": (name, data, "image/jpeg")},
        headers={"X-CSRFToken": p.csrf, "Accept": "application/json"},
        timeout=120,
    )


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_upload_is_refused_and_the_worker_lives(
    app: Flask, server: GunicornServer, player: tuple[Player, int], case: str
) -> None:
    p, task_id = player
    make, name, expected = HOSTILE[case]
    workers = server.worker_pids()
    try:
        response = _submit(p, task_id, name, make(), f"upload-{case}")
        status = response.status_code
        assert response.headers["Content-Type"].startswith(("application/json", "text/html"))
        assert response.text.strip()  # a message, not an empty reset
    except requests.ConnectionError:
        # A server may refuse a huge body by closing the connection early; still a refusal.
        status = 413 if case == "fifty_megabytes" else 0
    assert status in expected, (case, status)
    assert requests.get(server.url + "/api/health", timeout=30).status_code == 200
    assert server.worker_pids() == workers, "the worker died and was replaced"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
    assert "Traceback" not in server.log_text(), server.log_tail(40)


def test_a_jpeg_with_a_script_tail_is_stored_only_re_encoded(
    app: Flask, server: GunicornServer, player: tuple[Player, int]
) -> None:
    p, task_id = player
    response = _submit(p, task_id, "nice.jpg", _jpeg() + SCRIPT, "upload-polyglot-jpeg")
    if response.status_code == 400:
        return  # refusing it is just as safe
    assert response.status_code == 200, response.text
    file_id = response.json()["photos"][0]
    with app.app_context():
        stored = db.session.get(SubmissionFile, file_id)
        upload_dir = Path(server.env["UPLOAD_DIR"])
        raw = (upload_dir / stored.stored_name).read_bytes()
    assert b"<script" not in raw and raw[:3] == b"\xff\xd8\xff"
    served = p.session.get(f"{p.base}/photo/{file_id}", timeout=30)
    assert served.status_code == 200 and b"<script" not in served.content
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
