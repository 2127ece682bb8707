"""Organizer log-in and roles: who reaches which organizer page, and owners managing roles."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from checkpoints.timeutil import utc_now
from quizengine.auth import SESSION_PARTICIPANT, SESSION_UNTIL
from quizengine.extensions import db
from quizengine.models import AuditEntry, EventRole, Organizer
from tests.builders import (
    grant,
    make_checkpoint,
    make_event,
    make_participant,
    make_task,
    make_team,
)

# Pages of the authoring and printing areas: (path under /organize/e/<slug>, lowest role).
JUDGE_PAGES = ["/", "/checkpoints", "/tasks", "/tasks/{task}/preview"]
ORGANIZER_PAGES = [
    "/settings", "/teams", "/teams/{team}", "/participants/new", "/participants/{p}",
    "/participants/import", "/checkpoints/new", "/checkpoints/{cp}", "/tasks/new",
    "/tasks/{task}", "/event.yaml", "/people", "/print", "/print/sheets.pdf?force=1",
    "/print/badges.pdf", "/print/sheets", "/print/badges",
]  # fmt: skip
ORGANIZER_POSTS = [
    "/settings", "/teams", "/teams/{team}", "/teams/{team}/delete", "/participants/new",
    "/participants/{p}", "/participants/{p}/delete", "/participants/{p}/new-link",
    "/participants/import", "/checkpoints/new", "/checkpoints/{cp}", "/checkpoints/{cp}/delete",
    "/tasks/new", "/tasks/{task}", "/tasks/{task}/delete",
]  # fmt: skip
OWNER_POSTS = ["/people", "/people/{role}/delete"]


CHEAP_HASH = generate_password_hash("correct horse", method="pbkdf2:sha256:1")


def quick_organizer(email: str, **kw: object) -> Organizer:
    """An organizer whose password hash is cheap to check (password "correct horse")."""
    organizer = Organizer(email=email, name="Org", password_hash=CHEAP_HASH, **kw)
    db.session.add(organizer)
    db.session.flush()
    return organizer


def login_as(client: FlaskClient, organizer_id: int) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = f"organizer:{organizer_id}"
        session["_fresh"] = True
        session["lang"] = "en"  # the pages default to Bahasa Indonesia; tests read English


@pytest.fixture
def world(app: Flask) -> dict:
    """Event A with an owner, an organizer and a judge; event B with its own owner."""
    with app.app_context():
        a, b = make_event(slug="event-a"), make_event(slug="event-b")
        ids: dict = {}
        for event, name in ((a, "a"), (b, "b")):
            team = make_team(event, "Kelompok 1")
            p = make_participant(event, team, "Kepala Dinas")
            cp = make_checkpoint(event)
            task = make_task(event, cp)
            ids[name] = {
                "slug": event.slug,
                "team": team.id,
                "p": p.id,
                "cp": cp.id,
                "task": task.id,
                "token": p.login_token,
            }
        owner, organizer, judge, other = (
            quick_organizer(f"{n}@example.org") for n in ("owner", "organizer", "judge", "other")
        )
        grant(owner, a, "owner")
        grant(organizer, a, "organizer")
        ids["a"]["role"] = grant(judge, a, "judge").id
        ids["b"]["role"] = grant(other, b, "owner").id
        ids.update(owner=owner.id, organizer=organizer.id, judge=judge.id, other=other.id)
        db.session.commit()
        return ids


def url(ids: dict, path: str) -> str:
    return f"/organize/e/{ids['slug']}" + path.format(**ids)


def test_anonymous_is_sent_to_log_in(client, world):
    for path in [*JUDGE_PAGES, *ORGANIZER_PAGES]:
        response = client.get(url(world["a"], path))
        assert response.status_code == 302, path
        assert "/organize/login" in response.headers["Location"]
    assert client.get("/organize/").status_code == 302
    assert client.get("/organize/new").status_code == 302


def test_log_in_with_password_then_out(client, world):
    wrong = client.post(
        "/organize/login?lang=en", data={"email": "owner@example.org", "password": "x"}
    )
    assert wrong.status_code == 200 and b"Wrong e-mail or password" in wrong.data
    response = client.post(
        "/organize/login?next=/organize/e/event-a/",
        data={"email": "Owner@Example.org", "password": "correct horse"},
    )
    assert response.headers["Location"] == "/organize/e/event-a/"
    assert client.get("/organize/").status_code == 200
    client.post("/organize/logout")
    assert client.get("/organize/").status_code == 302


def test_judge_views_what_judges_may_and_nothing_else(client, world):
    login_as(client, world["judge"])
    for path in JUDGE_PAGES:
        assert client.get(url(world["a"], path)).status_code == 200, path
    for path in ORGANIZER_PAGES:
        assert client.get(url(world["a"], path)).status_code == 403, path
    for path in ORGANIZER_POSTS + OWNER_POSTS:
        assert client.post(url(world["a"], path), data={"name": "X"}).status_code == 403, path


def test_judge_cannot_edit_the_event(client, app, world):
    login_as(client, world["judge"])
    response = client.post(url(world["a"], "/settings"), data={"title": "Hijacked"})
    assert response.status_code == 403
    assert b"judge" in response.data  # the page says which role was not enough
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_organizer_reaches_authoring_but_not_role_changes(client, world):
    login_as(client, world["organizer"])
    for path in [*JUDGE_PAGES, *ORGANIZER_PAGES]:
        assert client.get(url(world["a"], path)).status_code == 200, path
    for path in OWNER_POSTS:
        assert client.post(url(world["a"], path), data={}).status_code == 403, path


def test_organizer_of_a_gets_404_for_every_page_of_b(client, app, world):
    login_as(client, world["owner"])
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/organize/e/<slug>")]
    assert len(rules) > 30  # every organizer area, not only authoring and printing
    ids = {
        "task_id": world["b"]["task"],
        "cp_id": world["b"]["cp"],
        "pid": world["b"]["p"],
        "team_id": world["b"]["team"],
        "role_id": world["b"]["role"],
    }
    checked = 0
    for rule in rules:
        values = {name: ids.get(name, 1) for name in rule.arguments if name != "slug"}
        path = rule.rule.replace("<slug>", "event-b")
        path = re.sub(r"<(?:int:)?(\w+)>", lambda m, v=values: str(v[m[1]]), path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(path, method=method, data={"name": "x"})
            assert response.status_code == 404, (method, path)
            checked += 1
    assert checked >= 40
    assert b"event-b" not in client.get("/organize/").data


def test_participant_reaches_no_organizer_page(client, app, world):
    response = client.post(f"/in/{world['a']['token']}")
    if response.status_code >= 400:  # the play pages may not be there yet: use the session
        with client.session_transaction() as session:
            session[SESSION_PARTICIPANT] = world["a"]["p"]
            session[SESSION_UNTIL] = (utc_now() + timedelta(hours=8)).timestamp()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/organize") or rule.rule in ("/organize/login",):
            continue
        path = rule.rule.replace("<slug>", "event-a")
        path = re.sub(r"<(?:int:)?(\w+)>", "1", path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(path, method=method)
            if rule.rule == "/organize/logout":
                continue
            assert response.status_code == 302, (method, path)
            assert "/organize/login" in response.headers["Location"]


def test_owner_adds_and_removes_people_by_email(client, app, world):
    login_as(client, world["owner"])
    page = client.get(url(world["a"], "/people"))
    assert b"judge@example.org" in page.data and b"organizer@example.org" in page.data
    response = client.post(
        url(world["a"], "/people"), data={"email": "Other@example.org ", "role": "judge"}
    )
    assert response.status_code == 302
    missing = client.post(
        url(world["a"], "/people"), data={"email": "nobody@example.org", "role": "judge"}
    )
    assert (
        missing.status_code == 422
        and b"no organizer account for nobody@example.org" in missing.data
    )
    bad_role = client.post(
        url(world["a"], "/people"), data={"email": "other@example.org", "role": "admin"}
    )
    assert bad_role.status_code == 422
    with app.app_context():
        row = db.session.scalar(
            select(EventRole).where(
                EventRole.organizer_id == world["other"], EventRole.role == "judge"
            )
        )
        assert row is not None
        role_id = row.id
    # The new judge now sees event A, with the judge's rights only.
    other = app.test_client()
    login_as(other, world["other"])
    assert other.get(url(world["a"], "/")).status_code == 200
    assert other.get(url(world["a"], "/settings")).status_code == 403
    assert client.post(url(world["a"], f"/people/{role_id}/delete")).status_code == 302
    assert other.get(url(world["a"], "/")).status_code == 404
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["role.grant", "role.revoke"]


def test_the_last_owner_cannot_be_removed(client, app, world):
    login_as(client, world["owner"])
    with app.app_context():
        own = db.session.scalar(
            select(EventRole.id).where(EventRole.organizer_id == world["owner"])
        )
    response = client.post(url(world["a"], f"/people/{own}/delete"))
    assert response.status_code == 409 and b"at least one owner" in response.data
    assert client.post(url(world["a"], f"/people/{world['b']['role']}/delete")).status_code == 404
    demote = client.post(
        url(world["a"], "/people"), data={"email": "owner@example.org", "role": "judge"}
    )
    assert demote.status_code == 422 and b"at least one owner" in demote.data


def test_only_admins_create_events_and_the_creator_owns_it(client, app, world):
    login_as(client, world["owner"])
    assert client.get("/organize/new").status_code == 403
    assert client.get("/organize/import").status_code == 403
    with app.app_context():
        admin = quick_organizer("admin@example.org", is_admin=True)
        db.session.commit()
        admin_id = admin.id
    login_as(client, admin_id)
    form = {
        "title": "Kota Malang 2023",
        "timezone": "Asia/Jakarta",
        "starts": "2023-10-06T07:00",
        "ends": "2023-10-06T17:00",
        "language": "id",
        "mode": "team",
        "radius_m": "50",
        "speed_weight": "0.5",
        "accuracy_cap_m": "100",
        "review_policy": "mean",
        "status": "draft",
    }
    response = client.post("/organize/new", data=form)
    assert response.status_code == 302, response.data
    assert response.headers["Location"] == "/organize/e/kota-malang-2023/"
    page = client.get("/organize/e/kota-malang-2023/")
    assert b"6 Okt 2023, 07:00-17:00 WIB" in page.data
    with app.app_context():
        role = db.session.scalar(select(EventRole.role).where(EventRole.organizer_id == admin_id))
        assert role == "owner"
