"""Access: every route that takes an id, tried by everyone who must not reach it.

The route list comes from ``app.url_map``: a new route with a parameter and no entry in
EXPECT below fails the test, so nothing new is left uncovered. Actors: anonymous, a participant
of team A1 (event A), the owner of event A, a judge of event A. Targets: ids of event B, and
(inside event A's URLs) ids that belong to event B. Every request must be refused and the whole
database must be byte-for-byte the same afterwards.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from quizengine.extensions import db
from quizengine.models import Attempt, CheckIn, SubmissionFile
from tests.app.test_live_support import attempt, submission
from tests.builders import (
    MALANG,
    grant,
    make_checkpoint,
    make_event,
    make_organizer,
    make_participant,
    make_task,
    make_team,
)
from tests.trust.helpers import table_dump

ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
REFUSED = {401, 403, 404}  # 401: "log in first" (play pages for someone not playing)
LOGIN_FIRST = {302, 401, 403, 404}  # anonymous/participant at organizer pages: log-in redirect

# rule -> which world ids fill its parameters ("B": event B's objects; "A+B": event A's slug
# with event B's object ids). Parameters not listed are filled from event B.
EXPECT: dict[str, str] = {
    "/in/<token>": "forged",
    "/join/<slug>": "public",  # the team-code form is public; a wrong code gets 400
    "/c/<code>": "B",
    "/c/<code>/checkin": "B",
    "/t/<int:task_id>": "B",
    "/t/<int:task_id>/start": "B",
    "/t/<int:task_id>/answer": "B",
    "/t/<int:task_id>/submit": "B",
    "/photo/<int:file_id>": "B",
    "/board/<slug>/": "B",
    "/board/<slug>/projector": "B",
    "/board/<slug>/standings.json": "B",
}
# Every /organize/e/<slug>/... route is expected by default: slug B, and slug A with B's ids.
ORGANIZER_PREFIX = "/organize/e/<slug>"


@dataclass
class World:
    ids: dict[str, dict[str, Any]]  # "A"/"B" -> parameter name -> value
    tokens: dict[str, str]
    emails: dict[str, str]
    secret_answer: str
    files: dict[str, int]


def _jpeg(upload_dir: Path, name: str) -> int:
    upload_dir.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, "JPEG")
    (upload_dir / name).write_bytes(buf.getvalue())
    return len(buf.getvalue())


def _submission(event, team, member, task, upload_dir: Path, name: str) -> tuple[int, int]:
    started = event.starts_at
    sub = submission(attempt(task, member, started), member, started)
    sub.idem_key = "key-" + name
    db.session.flush()
    size = _jpeg(upload_dir, name)
    file = SubmissionFile(
        submission_id=sub.id,
        stored_name=name,
        width=8,
        height=8,
        size_bytes=size,
        sha256="0" * 64,
    )
    db.session.add(file)
    db.session.flush()
    return sub.id, file.id


def build_world(upload_dir: Path) -> World:
    ids: dict[str, dict[str, Any]] = {}
    tokens: dict[str, str] = {}
    files: dict[str, int] = {}
    owner_a, owner_b = make_organizer("owner-a@example.org"), make_organizer("owner-b@example.org")
    judge_a = make_organizer("judge-a@example.org")
    for label, owner in (("A", owner_a), ("B", owner_b)):
        event = make_event(team_code_login=True)
        role = grant(owner, event, "owner")
        if label == "A":
            grant(judge_a, event, "judge")
        team1, team2 = make_team(event), make_team(event)
        p1, p2 = make_participant(event, team1), make_participant(event, team2)
        cp = make_checkpoint(event)
        question = make_task(event, cp)
        creative = make_task(event, cp, kind="creative", choices=None, answer=None, points=50)
        sub_id, file_id = _submission(event, team2, p2, creative, upload_dir, f"{label}.jpg")
        checkin = CheckIn(
            event_id=event.id,
            checkpoint_id=cp.id,
            participant_id=p2.id,
            team_id=team2.id,
            lat=MALANG[0],
            lon=MALANG[1],
            accuracy_m=5,
            distance_m=1,
            verdict="on_site",
            accepted=True,
            flags=[{"code": "suspicious_accuracy", "detail": "x"}],
        )
        db.session.add(checkin)
        db.session.flush()
        answered = Attempt(
            event_id=event.id,
            task_id=question.id,
            owner=f"team:{team2.id}",
            team_id=team2.id,
            participant_id=p2.id,
            started_at=event.starts_at,
            deadline=event.ends_at,
            status="answered",
            answer="A2-wrong-1962",  # never part of a generated name ("Checkpoint 1962")
            answer_key=f"secret-answer-{label}",
            answered_at=event.starts_at,
            correct=False,
        )
        db.session.add(answered)
        ids[label] = {
            "slug": event.slug,
            "code": cp.code,
            "task_id": question.id,
            "file_id": file_id,
            "cp_id": cp.id,
            "pid": p2.id,
            "team_id": team2.id,
            "role_id": role.id,
            "submission_id": sub_id,
            "checkin_id": checkin.id,
            "token": "forged-token-" + "x" * 20,
        }
        tokens[label + "1"], tokens[label + "2"] = p1.login_token, p2.login_token
        files[label] = file_id
    db.session.commit()
    emails = {"owner": owner_a.email, "judge": judge_a.email, "owner_b": owner_b.email}
    return World(ids, tokens, emails, "secret-answer", files)


def _params(rule, world: World, fill: str) -> dict[str, Any]:
    source = world.ids["B"]
    params = {name: source[name] for name in rule.arguments}
    if fill == "public":
        params["slug"] = world.ids["A"]["slug"]
    if fill == "A+B":
        params["slug"] = world.ids["A"]["slug"]
    return params


def _path(rule: str, params: dict[str, Any]) -> str:
    return ARGUMENT.sub(lambda m: str(params[m.group(1)]), rule)


def _actor(app: Flask, who: str, world: World) -> FlaskClient:
    client = app.test_client()
    if who == "participant":
        assert client.post(f"/in/{world.tokens['A1']}").status_code == 302
    elif who in ("owner", "judge"):
        login = client.post(
            "/organize/login", data={"email": world.emails[who], "password": "correct horse"}
        )
        assert login.status_code == 302
    return client


def _expectations(app: Flask) -> list[tuple[Any, str]]:
    plan = []
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint == "static":
            continue
        if rule.rule in EXPECT:
            plan.append((rule, EXPECT[rule.rule]))
        elif rule.rule.startswith(ORGANIZER_PREFIX):
            plan += [(rule, "B"), (rule, "A+B")] if len(rule.arguments) > 1 else [(rule, "B")]
        else:
            missing.append(rule.rule)
    assert missing == [], f"routes with an id and no access expectation: {missing}"
    return plan


def test_every_route_with_an_id_refuses_outsiders_and_changes_nothing(
    app: Flask, tmp_path: Path
) -> None:
    with app.app_context():
        world = build_world(Path(app.config["UPLOAD_DIR"]))
        before = table_dump()
    plan = _expectations(app)
    actors = {
        who: _actor(app, who, world) for who in ("anonymous", "participant", "owner", "judge")
    }
    failures = []
    tried = 0
    for rule, fill in plan:
        path = _path(rule.rule, _params(rule, world, fill))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for who, client in actors.items():
                data = {
                    "answer": "1953",
                    "key": "access-test-key",
                    "lat": "0",
                    "lon": "0",
                    "accuracy": "5",
                    "text": "x",
                    "reason": "checked by hand",
                    "decision": "cleared",
                    "verdict": "approve",
                    "points": "5",
                }
                response = client.open(path, method=method, data=data if method == "POST" else None)
                tried += 1
                allowed = REFUSED if fill != "public" else {200, 400}
                if rule.rule.startswith("/organize") and who in ("anonymous", "participant"):
                    allowed = LOGIN_FIRST
                if response.status_code not in allowed:
                    failures.append((who, method, path, response.status_code))
    with app.app_context():
        after = table_dump()
    assert failures == [], "\n".join(map(str, failures))
    assert after == before
    assert tried >= 4 * 40
    print(f"access matrix: {len(plan)} route plans, {tried} refused requests")


def test_a_participant_never_sees_another_teams_answer(app: Flask) -> None:
    with app.app_context():
        world = build_world(Path(app.config["UPLOAD_DIR"]))
    client = _actor(app, "participant", world)
    page = client.get(f"/t/{world.ids['A']['task_id']}")
    assert page.status_code in (200, 403)
    assert "A2-wrong-1962" not in page.text  # team A2's (wrong) answer at the same task
    assert "secret-answer" not in page.text


@pytest.mark.parametrize(
    ("who", "label", "status"),
    [
        ("teammate", "A", 200),
        ("owner", "A", 200),
        ("judge", "A", 200),
        ("participant", "A", 404),  # same event, other team
        ("anonymous", "A", 404),
        ("owner_b", "A", 404),
        ("participant", "B", 404),
        ("owner", "B", 404),
    ],
)
def test_photos_only_for_their_team_and_the_events_organizers(
    app: Flask, who: str, label: str, status: int
) -> None:
    with app.app_context():
        world = build_world(Path(app.config["UPLOAD_DIR"]))
    client = app.test_client()
    if who == "teammate":
        client.post(f"/in/{world.tokens['A2']}")
    elif who != "anonymous":
        client = _actor(app, who if who != "owner_b" else "owner", world)
        if who == "owner_b":
            client = app.test_client()
            client.post(
                "/organize/login",
                data={"email": world.emails["owner_b"], "password": "correct horse"},
            )
    response = client.get(f"/photo/{world.files[label]}")
    assert response.status_code == status
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    if status == 200:
        assert response.mimetype == "image/jpeg"
        assert response.data[:3] == b"\xff\xd8\xff"
        assert (
            "no-store" in response.headers["Cache-Control"]
            or "private" in response.headers["Cache-Control"]
        )
