"""Authoring refusals found in review: uploads too large for the form are refused (not cut
short), a played task keeps its kind, point adjustments count as play, CSV headers with a
column twice, the new-event form's status; printing builds only the part it prints; the
people page loads the organizers with the roles."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event as sa_event
from sqlalchemy import select

from checkpoints.timeutil import utc_now
from quizengine.extensions import db
from quizengine.models import (
    Adjustment,
    Attempt,
    Event,
    Participant,
    Task,
    Team,
)
from quizengine.services import printing
from tests.app.test_authoring import EVENT_FORM, TASK, count
from tests.app.test_live_support import attempt
from tests.app.test_organize_access import login_as, quick_organizer
from tests.builders import (
    grant,
    make_checkpoint,
    make_event,
    make_participant,
    make_task,
    make_team,
)


@pytest.fixture
def setup(app: Flask, client: FlaskClient) -> dict:
    """An event "malang" owned by the logged-in admin organizer of ``client``."""
    with app.app_context():
        event = make_event(slug="malang", mode="team")
        owner = quick_organizer("owner@example.org", is_admin=True)
        grant(owner, event)
        db.session.commit()
        ids = {"event": event.id, "owner": owner.id}
    login_as(client, ids["owner"])
    return ids


def test_a_csv_file_over_the_limit_is_refused_not_cut(client, app, setup):
    rows = "".join(f"Peserta {i},Kelompok 1,Dinas\n" for i in range(80_000))
    big = ("name,team,unit\n" + rows).encode()
    assert len(big) > 2_000_000
    response = client.post(
        "/organize/e/malang/participants/import",
        data={"file": (io.BytesIO(big), "list.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert b"larger than 2 MB" in response.data
    with app.app_context():
        assert count(Participant) == 0 and count(Team) == 0


def test_an_event_file_over_the_limit_is_refused_not_cut(client, app, setup):
    big = b"title: Big\n" + b"# padding\n" * 110_000
    response = client.post(
        "/organize/import",
        data={"file": (io.BytesIO(big), "event.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and b"larger than 1 MB" in response.data
    with app.app_context():
        assert count(Event) == 1  # only the fixture's


def test_uploads_within_the_limit_still_work(client, app, setup):
    listing = b"name,team,unit\nAni,Kelompok 1,\nBudi,Kelompok 1,Dinas\n"
    response = client.post(
        "/organize/e/malang/participants/import",
        data={"file": (io.BytesIO(listing), "list.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.data
    with app.app_context():
        assert sorted(db.session.scalars(select(Participant.name))) == ["Ani", "Budi"]


def test_a_csv_header_with_a_column_twice_is_refused(client, app, setup):
    response = client.post(
        "/organize/e/malang/participants/import",
        data={"text": "name,team,name\nAni,Kelompok 1,Budi\n"},
    )
    assert response.status_code == 422 and b"must be the header" in response.data
    with app.app_context():
        assert count(Participant) == 0


def _attempt(event: Event, task: Task, team: Team, p: Participant) -> None:
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


def test_a_played_task_keeps_its_kind_but_other_fields_change(client, app, setup):
    with app.app_context():
        event = db.session.get(Event, setup["event"])
        team = make_team(event)
        task = make_task(event, None)
        _attempt(event, task, team, make_participant(event, team))
        db.session.commit()
        task_id = task.id
    path = f"/organize/e/malang/tasks/{task_id}"
    creative = client.post(path, data={**TASK, "kind": "creative", "checkpoint": 0})
    assert creative.status_code == 422 and b"its kind cannot change" in creative.data
    same_kind = client.post(
        path,
        data={**TASK, "kind": "choice", "checkpoint": 0, "points": "150",
              "choices": "1946\n1953\n1962", "answer_text": "1946"},
    )  # fmt: skip
    assert same_kind.status_code == 302
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert (task.kind, task.points, task.answer) == ("choice", 150, "1946")


def test_an_unplayed_task_may_change_kind(client, app, setup):
    with app.app_context():
        task_id = make_task(db.session.get(Event, setup["event"]), None).id
        db.session.commit()
    response = client.post(
        f"/organize/e/malang/tasks/{task_id}",
        data={**TASK, "kind": "creative", "checkpoint": 0, "rubric": "Smiles"},
    )
    assert response.status_code == 302
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert (task.kind, task.rubric, task.choices, task.answer) == (
            "creative", "Smiles", None, None
        )  # fmt: skip


def test_points_adjustments_count_as_play(client, app, setup):
    """An adjusted team or participant is not deleted (that would erase audited points)."""
    with app.app_context():
        event = db.session.get(Event, setup["event"])
        team, other = make_team(event), make_team(event)
        member = make_participant(event, other)
        db.session.add_all([
            Adjustment(event_id=event.id, team_id=team.id, points=50, reason="help", key="a1"),
            Adjustment(event_id=event.id, participant_id=member.id, points=-10, reason="late",
                       key="a2"),
        ])  # fmt: skip
        db.session.commit()
        ids = (team.id, other.id, member.id)
    for path in (f"teams/{ids[0]}", f"teams/{ids[1]}", f"participants/{ids[2]}"):
        response = client.post(f"/organize/e/malang/{path}/delete")
        assert response.status_code == 409 and b"point adjustments" in response.data, path
    with app.app_context():
        assert count(Team) == 2 and count(Participant) == 1 and count(Adjustment) == 2


def test_a_teammate_who_only_answered_is_not_deleted(client, app, setup):
    """Answering a task a teammate started is play: deleting the answerer would credit the
    answer to the starter (the column is set to NULL) and erase it from the participant
    board."""
    with app.app_context():
        event = db.session.get(Event, setup["event"])
        team = make_team(event)
        starter, answerer = make_participant(event, team), make_participant(event, team)
        now = utc_now()
        answered = attempt(make_task(event), starter, now - timedelta(seconds=30), now, points=80)
        answered.answered_by_id = answerer.id  # the teammate answered the starter's task
        db.session.commit()
        answerer_id = answerer.id
    response = client.post(f"/organize/e/malang/participants/{answerer_id}/delete")
    assert response.status_code == 409 and b"erase play data" in response.data
    with app.app_context():
        row = db.session.scalars(select(Attempt)).one()
        assert row.answered_by_id == answerer_id and count(Participant) == 2


def test_the_new_event_form_answers_422_when_refused(client, app, setup):
    bad = client.post("/organize/new", data={**EVENT_FORM, "ends": "2023-10-06T06:00"})
    assert bad.status_code == 422 and b"must end after it starts" in bad.data
    assert client.get("/organize/new").status_code == 200
    with app.app_context():
        assert count(Event) == 1


def test_print_jobs_build_only_what_they_print(app, setup):
    with app.app_context():
        event = db.session.get(Event, setup["event"])
        make_checkpoint(event)
        make_participant(event, make_team(event))
        url = "https://quiz.example.org"
        both = printing.print_job(event, url)
        sheets = printing.print_job(event, url, badges=False)
        badges = printing.print_job(event, url, sheets=False)
        assert (len(both.checkpoints), len(both.badges)) == (1, 1)
        assert (sheets.checkpoints, sheets.badges) == (both.checkpoints, [])
        assert (badges.checkpoints, badges.badges) == ([], both.badges)


def test_the_people_page_loads_organizers_with_their_roles(client, app, setup):
    with app.app_context():
        event = db.session.get(Event, setup["event"])
        for i in range(5):
            grant(quick_organizer(f"judge{i}@example.org"), event, role="judge")
        db.session.commit()
        statements: list[str] = []

        def seen(conn, cursor, statement, *args):
            statements.append(statement)

        sa_event.listen(db.engine, "before_cursor_execute", seen)
        try:
            page = client.get("/organize/e/malang/people")
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", seen)
    assert page.status_code == 200 and page.data.count(b"@example.org") >= 6
    organizer_reads = [s for s in statements if "FROM organizer" in s and "event_role" not in s]
    assert len(organizer_reads) <= 1, organizer_reads  # the logged-in user only, not one per row
