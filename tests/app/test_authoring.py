"""Authoring in the browser: event settings, teams, participants (CSV), checkpoints, tasks,
task preview, event-file import/export; refusals change nothing; every change is audited."""

from __future__ import annotations

import html
import io
import re
import warnings
from datetime import UTC, datetime, time, timedelta
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from checkpoints.eventfile import parse_event_file
from checkpoints.timeutil import utc_now
from quizengine.extensions import db
from quizengine.models import (
    Attempt,
    AuditEntry,
    CheckIn,
    Checkpoint,
    Event,
    Participant,
    Task,
    Team,
)
from quizengine.services import event_settings
from tests.app.test_organize_access import login_as, quick_organizer
from tests.builders import (
    grant,
    make_checkpoint,
    make_event,
    make_participant,
    make_task,
    make_team,
)

EVENT_FORM = {
    "title": "Capacity Building - Kota Malang", "timezone": "Asia/Jakarta",
    "starts": "2023-10-06T07:00", "ends": "2023-10-06T17:00", "language": "id",
    "mode": "team", "radius_m": "50", "speed_weight": "0.5", "accuracy_cap_m": "100",
    "review_policy": "mean", "status": "draft",
}  # fmt: skip


@pytest.fixture
def setup(app: Flask, client: FlaskClient) -> dict:
    """An event owned by a logged-in admin organizer (client is logged in)."""
    with app.app_context():
        event = make_event(slug="malang", mode="team")
        owner = quick_organizer("owner@example.org", is_admin=True)
        grant(owner, event)
        db.session.commit()
        ids = {"event": event.id, "owner": owner.id}
    login_as(client, ids["owner"])
    return ids


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# -- event settings -----------------------------------------------------------------------


def test_edit_event_settings_stores_utc_and_audits(client, app, setup):
    form = {**EVENT_FORM, "freeze": "2023-10-06T16:00", "blind_judging": "y"}
    response = client.post("/organize/e/malang/settings", data=form)
    assert response.status_code == 302, response.data
    with app.app_context():
        event = db.session.get(Event, setup["event"])
        assert event.starts_at == datetime(2023, 10, 6, 0, 0, tzinfo=UTC)  # 07:00 WIB
        assert event.ends_at == datetime(2023, 10, 6, 10, 0, tzinfo=UTC)
        assert event.freeze_at == datetime(2023, 10, 6, 9, 0, tzinfo=UTC)
        assert event.blind_judging and event.status == "draft" and event.language == "id"
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.update"))
        assert entry.actor == f"organizer:{setup['owner']} owner@example.org"
        assert entry.after["starts"] == "2023-10-06 07:00"
        assert entry.before["title"] != entry.after["title"]
    page = client.get("/organize/e/malang/settings")
    assert b'value="2023-10-06T07:00"' in page.data  # shown back in local time


BAD_SETTINGS = [
    ({"timezone": "Asia/Atlantis"}, "timezone", b"Unknown time zone"),
    ({"timezone": "WIB"}, "timezone", b"Unknown time zone"),
    ({"ends": "2023-10-06T06:00"}, "ends", b"must end after it starts"),
    ({"starts": "6/10/2023 7am"}, "starts", b"Not a valid datetime"),
    ({"radius_m": "-5"}, "radius_m", b"between 1"),
    ({"speed_weight": "1.5"}, "speed_weight", b"between 0"),
    ({"speed_weight": "nan"}, "speed_weight", b"Enter a number"),
    ({"mode": "solo"}, "mode", b"Not a valid choice"),
    ({"title": ""}, "title", b"This field is required"),
    ({"freeze": "2023-10-07T10:00"}, "freeze", b"inside the event"),
]  # fmt: skip


def test_bad_settings_are_named_and_change_nothing(client, app, setup):
    for change, field, message in BAD_SETTINGS:
        response = client.post("/organize/e/malang/settings", data={**EVENT_FORM, **change})
        assert response.status_code == 422, change
        assert message in response.data, change
        assert f'id="{field}-error"'.encode() in response.data, change  # error at its field
    with app.app_context():
        assert db.session.get(Event, setup["event"]).title.startswith("Event ")
        assert count(AuditEntry) == 0


def test_forms_need_the_csrf_token(app, setup):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    login_as(client, setup["owner"])
    refused = client.post("/organize/e/malang/teams", data={"name": "Kelompok 9"})
    assert refused.status_code == 400
    page = client.get("/organize/e/malang/teams")
    token = page.data.split(b'name="csrf_token" type="hidden" value="')[1].split(b'"')[0]
    ok = client.post("/organize/e/malang/teams", data={"name": "Kelompok 9", "csrf_token": token})
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Team.name)).all() == ["Kelompok 9"]


# -- teams and participants ------------------------------------------------------------------


def test_teams_and_participants_lifecycle(client, app, setup):
    assert client.post("/organize/e/malang/teams", data={"name": "Kelompok 1"}).status_code == 302
    dup = client.post("/organize/e/malang/teams", data={"name": "Kelompok 1"})
    assert dup.status_code == 422 and b"already a team called" in dup.data
    with app.app_context():
        team_id = db.session.scalar(select(Team.id))
    response = client.post(
        "/organize/e/malang/participants/new",
        data={"name": "Camat Talang Ubi", "unit": "Kecamatan", "team": team_id},
    )
    assert response.status_code == 302
    no_team = client.post("/organize/e/malang/participants/new", data={"name": "X", "team": 0})
    assert no_team.status_code == 422 and b"needs a team" in no_team.data
    page = client.get("/organize/e/malang/teams")
    assert b"Camat Talang Ubi" in page.data and b"https://quiz.example.org/in/" in page.data
    with app.app_context():
        p = db.session.scalar(select(Participant))
        old_token, pid = p.login_token, p.id
    renewed = client.post(f"/organize/e/malang/participants/{pid}/new-link")
    assert renewed.headers["Location"] == f"/organize/e/malang/participants/{pid}"
    with app.app_context():
        assert db.session.get(Participant, pid).login_token != old_token
    assert (
        client.post(
            f"/organize/e/malang/teams/{team_id}", data={"name": "Kelompok Satu"}
        ).status_code
        == 302
    )
    assert client.post(f"/organize/e/malang/teams/{team_id}/delete").status_code == 302
    with app.app_context():
        assert count(Team) == 0 and count(Participant) == 0  # members went with the team
        assert actions() == [
            "team.create",
            "participant.create",
            "participant.new_link",
            "team.update",
            "team.delete",
        ]
        deleted = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "team.delete"))
        assert deleted.before["members"] == ["Camat Talang Ubi"]


def test_rows_of_another_event_are_404(client, app, setup):
    with app.app_context():
        other = make_event(slug="elsewhere")
        team, cp = make_team(other), make_checkpoint(other)
        p, task = make_participant(other, team), make_task(other, cp)
        db.session.commit()
        ids = (team.id, cp.id, p.id, task.id)
    team_id, cp_id, pid, task_id = ids
    for path in (
        f"teams/{team_id}",
        f"checkpoints/{cp_id}",
        f"participants/{pid}",
        f"tasks/{task_id}",
        f"tasks/{task_id}/preview",
    ):
        assert client.get(f"/organize/e/malang/{path}").status_code == 404, path
    assert client.post(f"/organize/e/malang/tasks/{task_id}/delete").status_code == 404
    bad_team = client.post(
        "/organize/e/malang/participants/new", data={"name": "Sneaky", "team": team_id}
    )
    assert bad_team.status_code in (404, 422)
    with app.app_context():
        assert count(Task) == 1 and count(Participant) == 1


CSV_GOOD = """name,team,unit
Kepala Dinas Pendidikan,Kelompok 1,Dinas Pendidikan
Camat Talang Ubi,Kelompok 1,Kecamatan
"Sekretaris, Daerah",Kelompok 2,
"""


def test_csv_import_pasted_creates_teams(client, app, setup):
    response = client.post("/organize/e/malang/participants/import", data={"text": CSV_GOOD})
    assert response.status_code == 302, response.data
    with app.app_context():
        rows = db.session.execute(
            select(Participant.name, Team.name, Participant.unit)
            .join(Team)
            .order_by(Participant.id)
        ).all()
        assert [tuple(r) for r in rows] == [
            ("Kepala Dinas Pendidikan", "Kelompok 1", "Dinas Pendidikan"),
            ("Camat Talang Ubi", "Kelompok 1", "Kecamatan"),
            ("Sekretaris, Daerah", "Kelompok 2", ""),
        ]
        assert "participant.import" in actions()


def test_csv_upload_with_bom_and_crlf(client, app, setup):
    data = ("\ufeff" + CSV_GOOD.replace("\n", "\r\n")).encode("utf-8")
    response = client.post(
        "/organize/e/malang/participants/import",
        data={"file": (io.BytesIO(data), "people.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        assert count(Participant) == 3


def test_bad_csv_names_every_line_and_adds_nothing(client, app, setup):
    with app.app_context():
        make_participant(
            db.session.get(Event, setup["event"]),
            make_team(db.session.get(Event, setup["event"]), "Kelompok 1"),
            "Sudah Ada",
        )
        db.session.commit()
    bad = (
        "name,team,unit\n"
        "Good One,Kelompok 1,x\n"  # line 2: fine
        ",Kelompok 1,x\n"  # line 3: empty name
        "Sudah Ada,Kelompok 1,\n"  # line 4: exists in the event
        "Good One,Kelompok 2,\n"  # line 5: twice in the file
        "Lonely,,\n"  # line 6: no team in a team event
        "Too,Many,Values,Here\n"  # line 7: wrong column count
        + "L" * 201
        + ",Kelompok 1,\n"  # line 8: name too long
    )
    response = client.post("/organize/e/malang/participants/import", data={"text": bad})
    assert response.status_code == 422
    text = response.data.decode()
    for line, why in [
        (3, "the name is empty"),
        (4, "already a participant"),
        (5, "already on line 2"),
        (6, "the team is empty"),
        (7, "expected 3 values, found 4"),
        (8, "longer than 200"),
    ]:
        assert f"line {line}: " in text and why in text, (line, why)
    assert "line 2:" not in text
    with app.app_context():
        assert count(Participant) == 1 and count(Team) == 1
        assert count(AuditEntry) == 0


BAD_LISTS = [
    ("", "the list is empty"),
    ("naam,groep\nA,B\n", "header name,team,unit"),
    ("name,team,unit\n\"unclosed,K1,x\n", "line"),
]  # fmt: skip


def test_csv_without_header_or_rows_is_refused(client, setup):
    for text, why in BAD_LISTS:
        response = client.post("/organize/e/malang/participants/import", data={"text": text})
        assert response.status_code == 422 and why.encode() in response.data, text


def test_deleting_a_participant_who_played_is_refused(client, app, setup):
    with app.app_context():
        event = db.session.get(Event, setup["event"])
        team = make_team(event)
        p = make_participant(event, team)
        cp = make_checkpoint(event)
        db.session.add(
            CheckIn(
                event_id=event.id,
                checkpoint_id=cp.id,
                participant_id=p.id,
                team_id=team.id,
                verdict="too_far",
                accepted=False,
            )
        )
        db.session.commit()
        pid, team_id, cp_id = p.id, team.id, cp.id
    for path in (f"participants/{pid}", f"teams/{team_id}", f"checkpoints/{cp_id}"):
        response = client.post(f"/organize/e/malang/{path}/delete")
        assert response.status_code == 409, path
        assert b"check-ins" in response.data
    with app.app_context():
        assert count(Participant) == 1 and count(Team) == 1 and count(Checkpoint) == 1
        assert count(AuditEntry) == 0


# -- checkpoints -----------------------------------------------------------------------------


def test_checkpoint_from_a_map_link_with_hours(client, app, setup):
    link = "https://www.google.com/maps/place/Balai+Kota+Malang/@-7.9771,112.6340,17z"
    response = client.post(
        "/organize/e/malang/checkpoints/new",
        data={
            "name": "Balai Kota Malang",
            "instructions": "Find the Tugu fountain.",
            "map_link": link,
            "radius_m": "60",
            "opens": "08:00",
            "closes": "16:00",
        },
    )
    assert response.status_code == 302, response.data
    with app.app_context():
        cp = db.session.scalar(select(Checkpoint))
        assert (cp.lat, cp.lon, cp.radius_m) == (-7.9771, 112.634, 60)
        assert (cp.opens, cp.closes) == (time(8), time(16))
        assert cp.key == "balai-kota-malang" and len(cp.code) == 6
        cp_id = cp.id
    edit = client.post(
        f"/organize/e/malang/checkpoints/{cp_id}",
        data={
            "name": "Balai Kota",
            "lat": "-7.98",
            "lon": "112.63",
            "map_link": "",
            "radius_m": "",
            "opens": "",
            "closes": "",
            "instructions": "",
        },
    )  # as a browser sends
    assert edit.status_code == 302
    with app.app_context():
        cp = db.session.get(Checkpoint, cp_id)
        assert (cp.lat, cp.lon, cp.radius_m, cp.opens) == (-7.98, 112.63, None, None)
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "checkpoint.update")
        )
        assert entry.before["lat"] == -7.9771 and entry.after["lat"] == -7.98


BAD_CHECKPOINTS = [
    ({"map_link": "https://maps.app.goo.gl/abc123"}, b"short link"),
    ({"map_link": "https://example.org/somewhere"}, b"No coordinates found"),
    ({"map_link": "geo:95,10"}, b"outside -90..90"),
    ({"map_link": ""}, b"Give the position"),
    ({"map_link": "", "lat": "-7.9"}, b"Give the position"),
    ({"map_link": "", "lat": "-97", "lon": "112"}, b"between -90"),
    ({"map_link": "-7.97, 112.63", "opens": "16:00", "closes": "16:00"}, b"the same time"),
    ({"map_link": "-7.97, 112.63", "radius_m": "0"}, b"between 1 and 50000"),
]  # fmt: skip


def test_bad_checkpoints_are_named(client, app, setup):
    for data, message in BAD_CHECKPOINTS:
        response = client.post("/organize/e/malang/checkpoints/new", data={"name": "X", **data})
        assert response.status_code == 422, data
        assert message in response.data, data
    with app.app_context():
        assert count(Checkpoint) == 0


def test_deleting_a_checkpoint_takes_its_tasks(client, app, setup):
    with app.app_context():
        event = db.session.get(Event, setup["event"])
        cp = make_checkpoint(event)
        make_task(event, cp)
        db.session.commit()
        cp_id = cp.id
    assert client.post(f"/organize/e/malang/checkpoints/{cp_id}/delete").status_code == 302
    with app.app_context():
        assert count(Checkpoint) == 0 and count(Task) == 0  # not left over as location-free


# -- tasks -----------------------------------------------------------------------------------

TASK = {"time_limit_s": "90", "points": "100", "prompt": "In which year was the Tugu inaugurated?"}


@pytest.mark.parametrize(("data", "choices", "answer"), [
    ({"kind": "choice", "choices": "1946\n1953\n 1962 \n", "answer_text": "1953"},
     ["1946", "1953", "1962"], "1953"),
    ({"kind": "text", "variants": "Tugu\nMonumen Tugu\n"}, None, ["Tugu", "Monumen Tugu"]),
    ({"kind": "number", "number": "1953", "tolerance": "1"}, None,
     {"value": 1953.0, "tolerance": 1.0}),
    ({"kind": "creative", "rubric": "Spirit, framing", "submit": "photo"}, None, None),
])  # fmt: skip
def test_task_of_each_kind(client, app, setup, data, choices, answer):
    with app.app_context():
        cp_id = make_checkpoint(db.session.get(Event, setup["event"])).id
        db.session.commit()
    response = client.post(
        "/organize/e/malang/tasks/new", data={**TASK, "checkpoint": cp_id, **data}
    )
    assert response.status_code == 302, response.data
    with app.app_context():
        task = db.session.scalar(select(Task))
        assert (task.kind, task.choices, task.answer) == (data["kind"], choices, answer)
        assert task.checkpoint_id == cp_id
        if task.kind == "creative":
            assert (task.rubric, task.submit) == ("Spirit, framing", "photo")
        task_id = task.id
    preview = client.get(f"/organize/e/malang/tasks/{task_id}/preview")
    assert preview.status_code == 200
    assert b"In which year was the Tugu inaugurated?" in preview.data
    assert b"<fieldset disabled>" in preview.data  # read-only
    assert b'method="post"' not in preview.data.split(b"</header>")[1].split(b"For organizers")[0]
    # the participant's own answer markup (templates/play/kinds), inside the disabled fieldset
    field = b'name="photos"' if data["kind"] == "creative" else b'name="answer"'
    assert (
        field in preview.data.split(b"<fieldset disabled>")[1].split(b"</fieldset>\n  </form>")[0]
    )
    if choices:
        assert all(c.encode() in preview.data for c in choices)
    if data["kind"] == "creative":
        assert b'data-max-count="6"' in preview.data  # the participant's photo limit
    edit = client.get(f"/organize/e/malang/tasks/{task_id}")
    assert edit.status_code == 200  # the form shows the stored answer back


BAD_TASKS = [
    ({"kind": "choice", "choices": "1946\n1953", "answer_text": "1999"}, "answer_text",
     b"one of the choices"),
    ({"kind": "choice", "choices": "1953", "answer_text": "1953"}, "choices", b"two choices"),
    ({"kind": "text", "variants": "  \n"}, "variants", b"at least one accepted"),
    ({"kind": "number", "number": ""}, "number", b"correct number"),
    ({"kind": "number", "number": "inf"}, "number", b"Enter a number"),
    ({"kind": "puzzle"}, "kind", b"Not a valid choice"),
    ({"kind": "creative", "time_limit_s": "0"}, "time_limit_s", b"between 5 and 86400"),
    ({"kind": "creative", "points": "-1"}, "points", b"between 0"),
]  # fmt: skip


def test_bad_tasks_are_named(client, app, setup):
    for data, field, message in BAD_TASKS:
        response = client.post(
            "/organize/e/malang/tasks/new", data={**TASK, "checkpoint": 0, **data}
        )
        assert response.status_code == 422, data
        assert message in response.data, data
        assert f'id="{field}-error"'.encode() in response.data, data
    with app.app_context():
        assert count(Task) == 0


def test_location_free_task_and_delete_refused_after_an_attempt(client, app, setup):
    response = client.post(
        "/organize/e/malang/tasks/new",
        data={**TASK, "kind": "text", "variants": "Tugu", "checkpoint": 0},
    )
    assert response.status_code == 302
    with app.app_context():
        event = db.session.get(Event, setup["event"])
        task = db.session.scalar(select(Task))
        assert task.checkpoint_id is None
        team = make_team(event)
        p = make_participant(event, team)
        now = utc_now()
        db.session.add(
            Attempt(
                event_id=event.id,
                task_id=task.id,
                owner=f"team:{team.id}",
                team_id=team.id,
                participant_id=p.id,
                started_at=now,
                deadline=now + timedelta(seconds=90),
            )
        )
        db.session.commit()
        task_id = task.id
    refused = client.post(f"/organize/e/malang/tasks/{task_id}/delete")
    assert refused.status_code == 409 and b"already has attempts" in refused.data
    with app.app_context():
        assert count(Task) == 1


# -- event files -----------------------------------------------------------------------------

YAML = """title: Kota Malang
timezone: Asia/Jakarta
starts: 2023-10-06 07:00
ends: 2023-10-06 17:00
teams:
  - name: Kelompok 1
    participants: [{name: Kepala Dinas Pendidikan}]
checkpoints:
  - key: balaikota
    name: Balai Kota Malang
    lat: -7.97713
    lon: 112.634
    tasks:
      - type: question
        prompt: Year?
        choices: ["1946", "1953"]
        answer: "1953"
        time_limit_s: 90
        points: 100
"""


def test_import_page_creates_an_owned_event_and_export_gives_it_back(client, app, setup):
    response = client.post("/organize/import", data={"text": YAML})
    assert response.status_code == 302, response.data
    slug = response.headers["Location"].split("/e/")[1].strip("/")
    exported = client.get(f"/organize/e/{slug}/event.yaml")
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"] == f'attachment; filename="{slug}.yaml"'
    spec = parse_event_file(exported.data)
    original = parse_event_file(YAML)
    assert spec.title == original.title and spec.starts == original.starts
    assert spec.checkpoints[0].tasks[0].answer == "1953"
    assert [p.name for t in spec.teams for p in t.participants] == ["Kepala Dinas Pendidikan"]


def test_a_bad_file_on_the_page_lists_every_problem(client, app, setup):
    bad = (
        YAML.replace("Asia/Jakarta", "Asia/Atlantis")
        .replace("-7.97713", "95")
        .replace('answer: "1953"', 'answer: "1999"')
    )
    response = client.post(
        "/organize/import",
        data={"file": (io.BytesIO(bad.encode()), "event.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    text = html.unescape(response.data.decode())
    assert "Refused: 3 problems, nothing was imported." in text
    assert "line 2: timezone: unknown time zone 'Asia/Atlantis'" in text
    assert "line 11: checkpoints[0].lat: latitude must be between -90 and 90, got 95" in text
    assert "line 17: checkpoints[0].tasks[0].answer: the answer '1999' is not one of" in text
    with app.app_context():
        assert count(Event) == 1  # only the fixture's
    empty = client.post("/organize/import", data={"text": ""})
    assert empty.status_code == 422


def test_unticked_boxes_turn_settings_off(client, app, setup):
    client.post("/organize/e/malang/settings", data={**EVENT_FORM, "team_code_login": "y"})
    with app.app_context():
        assert db.session.get(Event, setup["event"]).team_code_login
    client.post("/organize/e/malang/settings", data=EVENT_FORM)  # a browser omits the box
    with app.app_context():
        assert not db.session.get(Event, setup["event"]).team_code_login


def test_mode_and_teams_are_fixed_once_played(client, app, setup):
    with app.app_context():
        event = db.session.get(Event, setup["event"])
        team, other = make_team(event, "Kelompok 1"), make_team(event, "Kelompok 2")
        p = make_participant(event, team, "Agus")
        cp = make_checkpoint(event)
        db.session.add(
            CheckIn(
                event_id=event.id,
                checkpoint_id=cp.id,
                participant_id=p.id,
                team_id=team.id,
                verdict="accepted",
                accepted=True,
            )
        )
        db.session.commit()
        pid, other_id = p.id, other.id
    mode = client.post("/organize/e/malang/settings", data={**EVENT_FORM, "mode": "individual"})
    assert mode.status_code == 422 and b"the mode cannot change now" in mode.data
    moved = client.post(
        f"/organize/e/malang/participants/{pid}",
        data={"name": "Agus", "unit": "", "team": other_id},
    )
    assert moved.status_code == 422 and b"already played for their team" in moved.data
    renamed = client.post(
        f"/organize/e/malang/participants/{pid}",
        data={"name": "Agus Setiawan", "unit": "Bappeda", "team": 0},
    )
    assert renamed.status_code == 422  # a team event: no team is not allowed either
    with app.app_context():
        event = db.session.get(Event, setup["event"])
        assert event.mode == "team"
        assert db.session.get(Participant, pid).team_id != other_id


# -- forms -----------------------------------------------------------------------------------

FORM_PAGES = [
    "/organize/new", "/organize/import", "/organize/e/malang/settings",
    "/organize/e/malang/teams", "/organize/e/malang/participants/new",
    "/organize/e/malang/participants/import", "/organize/e/malang/checkpoints/new",
    "/organize/e/malang/tasks/new", "/organize/e/malang/people",
]  # fmt: skip


def selected(page: bytes, select_name: str) -> str:
    """The value of the selected option of the <select name=select_name> on the page."""
    block = page.decode().split(f'name="{select_name}"')[1].split("</select>")[0]
    found = re.search(r"<option selected value=\"([^\"]*)\"", block)
    assert found, block
    return found[1]


def test_forms_build_without_deprecation_warnings_and_keep_the_selection(client, app, setup):
    """WTForms 3.3 deprecates choices as tuples (gone in 3.4): every organizer form is built
    with SelectChoice, and the choices made from the event still preselect the stored row."""
    with app.app_context():
        event = db.session.get(Event, setup["event"])
        team, cp = make_team(event, "Kelompok 2"), make_checkpoint(event)
        p, task = make_participant(event, team), make_task(event, cp)
        db.session.commit()
        ids = {"team": team.id, "cp": cp.id, "p": p.id, "task": task.id}
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        for path in FORM_PAGES:
            assert client.get(path).status_code == 200, path
        participant = client.get(f"/organize/e/malang/participants/{ids['p']}")
        task_page = client.get(f"/organize/e/malang/tasks/{ids['task']}")
        settings = client.get("/organize/e/malang/settings")
        refused = client.post("/organize/e/malang/tasks/new", data={"kind": "nope"})
    assert selected(participant.data, "team") == str(ids["team"])
    assert selected(task_page.data, "checkpoint") == str(ids["cp"])
    assert selected(task_page.data, "kind") == "choice"
    assert selected(settings.data, "mode") == "team"
    assert refused.status_code == 422 and b"Not a valid choice" in refused.data


class _FormFields(HTMLParser):
    """What a browser would post from a page's form: inputs, textareas, selected options."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name") or ""
        if tag == "input" and name and a.get("type") not in ("checkbox", "file", "submit"):
            self.fields[name] = a.get("value") or ""
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.fields[name] = a.get("value") or "y"
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea, self.fields[name] = name, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data


def browser_post(client: FlaskClient, path: str):
    """Open the edit page and send its form back untouched, as a browser would."""
    parser = _FormFields()
    parser.feed(client.get(path).data.decode())
    return client.post(path, data={k: v.lstrip("\n") for k, v in parser.fields.items()})


def test_edit_pages_sent_back_untouched_change_nothing(client, app, setup):
    """The edit forms show the stored team, checkpoint and choices (one per line), so saving
    without touching anything keeps them."""
    with app.app_context():
        event = db.session.get(Event, setup["event"])
        team, cp = make_team(event, "Kelompok 2"), make_checkpoint(event)
        p, task = make_participant(event, team, unit="Dinas"), make_task(event, cp)
        text_task = make_task(event, None, kind="text", choices=None, answer=["Tugu", "Monumen"])
        db.session.commit()
        ids = {"p": p.id, "task": task.id, "text": text_task.id, "cp": cp.id}
        settings = event_settings.event_state(event)
        position = (cp.lat, cp.lon, cp.radius_m, cp.opens, cp.closes, cp.name)
    for path in (
        f"/organize/e/malang/participants/{ids['p']}",
        f"/organize/e/malang/tasks/{ids['task']}",
        f"/organize/e/malang/tasks/{ids['text']}",
        f"/organize/e/malang/checkpoints/{ids['cp']}",
        "/organize/e/malang/settings",
    ):
        assert browser_post(client, path).status_code == 302, path
    with app.app_context():
        p, task = db.session.get(Participant, ids["p"]), db.session.get(Task, ids["task"])
        assert (p.team.name, p.unit) == ("Kelompok 2", "Dinas")
        assert (task.checkpoint_id, task.choices, task.answer) == (
            ids["cp"], ["1946", "1953", "1962"], "1953"
        )  # fmt: skip
        assert db.session.get(Task, ids["text"]).answer == ["Tugu", "Monumen"]
        assert event_settings.event_state(db.session.get(Event, setup["event"])) == settings
        cp = db.session.get(Checkpoint, ids["cp"])
        assert (cp.lat, cp.lon, cp.radius_m, cp.opens, cp.closes, cp.name) == position
