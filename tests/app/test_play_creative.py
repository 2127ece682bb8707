"""Creative challenges: photo upload re-encoding, refusals, waiting for judges, photo access."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from flask import g
from PIL import Image
from sqlalchemy import func, select

from quizengine.extensions import db
from quizengine.models import Attempt, Review, Submission, SubmissionFile
from tests.app.test_play_support import START, check_in_near, jpeg_bytes, log_in, world
from tests.builders import grant, make_organizer, make_participant, make_team

T0 = START + timedelta(hours=3)
JSON = {"Accept": "application/json"}


@pytest.fixture
def w(ctx: Any, client: Any) -> Any:
    with time_machine.travel(T0, tick=False):
        w = world()
        log_in(client, w.alice)
        check_in_near(client, w.cp.code)
        client.post(f"/t/{w.creative.id}/start")
        yield w


def send(
    client: Any,
    task_id: int,
    *,
    photos: list[bytes] = (),
    text: str = "",  # type: ignore[assignment]
    key: str = "sub-key-0001",
    at: Any = None,
    json: bool = True,
) -> Any:
    data: dict[str, Any] = {
        "text": text,
        "key": key,
        "photos": [(io.BytesIO(p), f"p{i}.jpg") for i, p in enumerate(photos)],
    }
    with time_machine.travel(at or T0 + timedelta(seconds=30), tick=False):
        return client.post(
            f"/t/{task_id}/submit",
            data=data,
            content_type="multipart/form-data",
            headers=JSON if json else {},
        )


def submissions() -> list[Submission]:
    db.session.expire_all()
    return list(db.session.scalars(select(Submission)))


def test_photo_is_reencoded_with_orientation_and_without_gps(w: Any, client: Any, app: Any) -> None:
    raw = jpeg_bytes(2400, 1200, orientation=6, gps=True)
    resp = send(client, w.creative.id, photos=[raw], text="Our team")
    assert resp.status_code == 200 and resp.json["status"] == "pending"
    file = db.session.scalars(select(SubmissionFile)).one()
    assert (file.width, file.height) == (800, 1600)  # rotated upright, longest side capped
    stored = Path(app.config["UPLOAD_DIR"], file.stored_name).read_bytes()
    img = Image.open(io.BytesIO(stored))
    assert img.format == "JPEG" and img.size == (800, 1600)
    assert not img.getexif().get_ifd(0x8825) and 0x0112 not in img.getexif()
    assert file.size_bytes == len(stored) and len(file.stored_name) >= 32
    with time_machine.travel(T0 + timedelta(seconds=40), tick=False):
        photo = client.get(f"/photo/{file.id}")
    assert photo.status_code == 200 and photo.data == stored
    assert photo.headers["Content-Type"] == "image/jpeg"
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    # The view's own caching rule stays; the security headers come once each.
    assert photo.headers.getlist("Cache-Control") == ["private, max-age=3600"]
    assert photo.headers.getlist("X-Content-Type-Options") == ["nosniff"]
    assert len(photo.headers.getlist("Content-Security-Policy")) == 1
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        page = client.get(f"/t/{w.creative.id}").get_data(as_text=True)
    assert "Waiting for the judges." in page and f"/photo/{file.id}" in page


def test_form_has_camera_capture(w: Any, client: Any) -> None:
    with time_machine.travel(T0 + timedelta(seconds=5), tick=False):
        page = client.get(f"/t/{w.creative.id}").get_data(as_text=True)
    assert 'type="file" accept="image/*" capture="environment" multiple' in page
    assert 'enctype="multipart/form-data"' in page and "photos.js" in page


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        (b"%PDF-1.4 definitely not a photo", "not a photo"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "not a photo"),
    ],
)
def test_non_images_are_refused(w: Any, client: Any, photo: bytes, message: str) -> None:
    resp = send(client, w.creative.id, photos=[photo])
    assert resp.status_code == 400 and message in resp.json["message"]
    html = send(client, w.creative.id, photos=[photo], json=False)
    assert html.status_code == 400 and message in html.get_data(as_text=True)
    assert submissions() == []


def test_pixel_bomb_is_refused(w: Any, client: Any) -> None:
    from tests.unit.test_photos import _png_header_only

    resp = send(client, w.creative.id, photos=[_png_header_only(30000, 30000)])
    assert resp.status_code == 400 and "far too large" in resp.json["message"]
    assert submissions() == []


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 200_000}])
def test_oversize_body_gets_a_clear_413(w: Any, client: Any) -> None:
    resp = send(client, w.creative.id, photos=[b"\xff" * 300_000], json=False)
    assert resp.status_code == 413
    assert "The upload is too large" in resp.get_data(as_text=True)
    assert submissions() == []


def test_empty_submission_and_wrong_task_kind(w: Any, client: Any) -> None:
    resp = send(client, w.creative.id)
    assert resp.status_code == 400 and "photo or some text" in resp.json["message"]
    resp = send(client, w.question.id, text="hello")
    assert resp.status_code == 400
    assert submissions() == []


def test_an_attempt_that_holds_a_submission_is_submitted_and_stays_so(w: Any, client: Any) -> None:
    """The leaderboard reads the event's judged creative points from its submitted attempts
    only (a partial index, ``leaderboard._judged_query``): every attempt holding a submission
    must be "submitted", whatever is sent to its task afterwards."""
    assert send(client, w.creative.id, photos=[jpeg_bytes()]).status_code == 200
    with time_machine.travel(T0 + timedelta(seconds=40), tick=False):
        answer = {"answer": "1953", "key": "answer-key-0001"}
        refused = client.post(f"/t/{w.creative.id}/answer", data=answer, headers=JSON)
        again = client.post(f"/t/{w.creative.id}/start", headers=JSON)
    assert refused.status_code == 400 and "takes a submission" in refused.json["message"]
    db.session.expire_all()
    holding = db.session.scalars(
        select(Attempt).join(Submission, Submission.attempt_id == Attempt.id)
    ).all()
    assert len(holding) == 1 and holding[0].status == "submitted"
    assert again.status_code == 200 and again.json["attempt_id"] == holding[0].id  # the same


def test_idempotent_then_waits_for_judges_then_resubmit_after_rejection(
    w: Any, client: Any
) -> None:
    first = send(client, w.creative.id, text="Take one")
    retry = send(client, w.creative.id, text="Take one")
    assert retry.json["submission_id"] == first.json["submission_id"]
    blocked = send(client, w.creative.id, text="Take two", key="sub-key-0002")
    assert blocked.status_code == 409 and "waiting for the judges" in blocked.json["message"]
    sub = submissions()[0]
    judge = make_organizer()
    grant(judge, w.event, "judge")
    sub.status = "rejected"
    db.session.add(
        Review(
            submission=sub,
            judge=judge,
            verdict="reject",
            points=0,
            comment="Nobody is smiling.",
            created_at=T0,
            updated_at=T0,
        )
    )
    db.session.commit()
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        page = client.get(f"/t/{w.creative.id}").get_data(as_text=True)
    assert "Nobody is smiling." in page and "Not accepted" in page
    again = send(
        client, w.creative.id, text="Take two", key="sub-key-0002", at=T0 + timedelta(minutes=3)
    )
    assert again.status_code == 200
    second = next(s for s in submissions() if s.id == again.json["submission_id"])
    second.status = "approved"
    db.session.add(
        Review(
            submission=second,
            judge=judge,
            verdict="approve",
            points=150,
            comment="Great spirit.",
            created_at=T0,
            updated_at=T0,
        )
    )
    db.session.commit()
    with time_machine.travel(T0 + timedelta(minutes=4), tick=False):
        page = client.get(f"/t/{w.creative.id}").get_data(as_text=True)
        home = client.get("/home").get_data(as_text=True)
    assert "Judged: 150 points." in page and "Great spirit." in page
    assert '<strong class="big" id="score">150</strong>' in home


def test_time_up_refuses(w: Any, client: Any) -> None:
    resp = send(client, w.creative.id, text="late", at=T0 + timedelta(seconds=601))
    assert resp.status_code == 409 and resp.json["message"] == "Time is up for this task."
    assert submissions() == []


def test_photo_access_control(w: Any, client: Any, app: Any) -> None:
    send(client, w.creative.id, photos=[jpeg_bytes()])
    file_id = db.session.scalars(select(SubmissionFile.id)).one()
    teammate = app.test_client()
    log_in(teammate, w.bob)
    rival_client = app.test_client()
    rival = make_participant(w.event, make_team(w.event, "Rivals"), "Carol")
    outsider, owner = make_organizer(), make_organizer()
    grant(owner, w.event, "judge")
    db.session.commit()
    log_in(rival_client, rival)
    anonymous = app.test_client()
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        assert teammate.get(f"/photo/{file_id}").status_code == 200
        assert rival_client.get(f"/photo/{file_id}").status_code == 404
        assert anonymous.get(f"/photo/{file_id}").status_code == 404
        assert anonymous.get("/photo/999999").status_code == 404
        for org, expected in ((outsider, 404), (owner, 200)):
            c = app.test_client()
            with c.session_transaction() as s:
                s["_user_id"] = org.get_id()
                s["_fresh"] = True
            g.pop("_login_user", None)  # ``ctx`` shares g between requests; serving never does
            assert c.get(f"/photo/{file_id}").status_code == expected
    assert db.session.scalar(select(func.count()).select_from(SubmissionFile)) == 1


@pytest.fixture
def failing_photo_rows(ctx: Any) -> Any:
    """Make storing a submission's photo rows fail in the database itself: at COMMIT on
    PostgreSQL (a deferred constraint trigger), at the INSERT on SQLite (a trigger)."""
    db.session.commit()  # end the test's own transaction: on SQLite it holds the write lock
    pg = db.engine.dialect.name == "postgresql"
    ddl = (
        [
            "CREATE FUNCTION qe_refuse() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'disk full (test)'; END $$ LANGUAGE plpgsql",
            "CREATE CONSTRAINT TRIGGER qe_refuse AFTER INSERT ON submission_file "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION qe_refuse()",
        ]
        if pg
        else [
            "CREATE TRIGGER qe_refuse BEFORE INSERT ON submission_file "
            "BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END"
        ]
    )
    with db.engine.begin() as conn:
        for statement in ddl:
            conn.exec_driver_sql(statement)
    yield "commit" if pg else "insert"
    db.session.rollback()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER qe_refuse" + (" ON submission_file" if pg else ""))
        if pg:
            conn.exec_driver_sql("DROP FUNCTION qe_refuse()")


def test_a_failed_store_leaves_no_photo_behind(
    w: Any, client: Any, app: Any, failing_photo_rows: str
) -> None:
    from sqlalchemy.exc import DBAPIError

    upload_dir = Path(app.config["UPLOAD_DIR"])
    before = set(upload_dir.glob("*")) if upload_dir.exists() else set()
    with pytest.raises(DBAPIError, match="disk full"):
        send(client, w.creative.id, photos=[jpeg_bytes(400, 300)], text="x")
    db.session.rollback()
    assert submissions() == []
    after = set(upload_dir.glob("*")) if upload_dir.exists() else set()
    assert after == before, f"{failing_photo_rows} failed, files left: {after - before}"
