"""Exactly once, over real HTTP to a real gunicorn (2 workers x 4 threads), CSRF on.

50 members of one team start the same task at the same instant and then all send the correct
answer at the same instant: one attempt, one score, no 500. Two judges (and one judge in two
tabs) approve one submission at once; two organizers apply the same adjustment key at once.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from flask import Flask
from sqlalchemy import func, select

from quizengine.extensions import db
from quizengine.models import Adjustment, Attempt, AuditEntry, Review, Submission
from quizengine.services import leaderboard
from tests.app.test_live_support import attempt, submission
from tests.builders import grant, make_event, make_organizer, make_participant, make_task, make_team
from tests.server import GunicornServer, server_env
from tests.trust.helpers import Player, csrf_from, new_session, together

pytestmark = pytest.mark.slow

MEMBERS = 50


@pytest.fixture(scope="module")
def server(database_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GunicornServer]:
    tmp = tmp_path_factory.mktemp("exactly-once")
    env = server_env(database_uri, tmp, public_url="http://127.0.0.1")
    with GunicornServer(env, workers=2, worker_class="gthread", threads=4) as srv:
        yield srv


def _team_of(size: int) -> tuple[int, int, list[str]]:
    event = make_event(speed_weight=0.5)
    team = make_team(event, "Kelompok 1")
    tokens = [make_participant(event, team).login_token for _ in range(size)]
    task = make_task(event, None, time_limit_s=600, points=100)
    db.session.commit()
    return event.id, task.id, tokens


def test_fifty_starts_and_fifty_answers_give_one_attempt_one_score(
    app: Flask, server: GunicornServer
) -> None:
    with app.app_context():
        event_id, task_id, tokens = _team_of(MEMBERS)
    players = [Player(server.url, token) for token in tokens]
    logins = together(MEMBERS, lambda i: players[i].log_in())
    assert [r for r in logins if r is not None] == []

    starts = together(MEMBERS, lambda i: players[i].post_json(f"/t/{task_id}/start", {}))
    assert [r for r in starts if not isinstance(r, requests.Response)] == []
    assert [r.status_code for r in starts] == [200] * MEMBERS, [r.text for r in starts][:3]
    assert len({r.json()["attempt_id"] for r in starts}) == 1
    assert len({r.json()["deadline"] for r in starts}) == 1  # one clock for the whole team

    answers = together(
        MEMBERS,
        lambda i: players[i].post_json(
            f"/t/{task_id}/answer", {"answer": "1953", "key": f"member-{i:04d}-key"}
        ),
    )
    assert [r for r in answers if not isinstance(r, requests.Response)] == []
    assert [r.status_code for r in answers] == [200] * MEMBERS, [r.text for r in answers][:3]
    bodies = [r.json() for r in answers]
    assert sum(not b["already_answered"] for b in bodies) == 1
    assert sum(b["already_answered"] for b in bodies) == MEMBERS - 1
    assert len({b["points"] for b in bodies}) == 1 and bodies[0]["points"] > 0

    with app.app_context():
        rows = db.session.scalars(select(Attempt).where(Attempt.task_id == task_id)).all()
        assert len(rows) == 1
        assert rows[0].status == "answered" and rows[0].correct is True
        event = db.session.get(type(rows[0].task.event), event_id)
        assert (
            leaderboard.team_points(event, rows[0].team_id) == rows[0].points == bodies[0]["points"]
        )


def _organizer_session(base: str, email: str) -> requests.Session:
    s = new_session()
    page = s.get(base + "/organize/login", timeout=60)
    done = s.post(
        base + "/organize/login",
        data={"email": email, "password": "correct horse", "csrf_token": csrf_from(page.text)},
        allow_redirects=False,
        timeout=60,
    )
    assert done.status_code == 302, done.text[:300]
    return s


def _submission(app: Flask) -> tuple[str, int, int, list[str]]:
    with app.app_context():
        event = make_event(review_policy="mean")
        team = make_team(event)
        member = make_participant(event, team)
        task = make_task(event, None, kind="creative", choices=None, answer=None, points=200)
        judges = [make_organizer(f"judge{i}@example.org") for i in range(2)]
        for judge in judges:
            grant(judge, event, "judge")
        sub = submission(attempt(task, member, event.starts_at), member, event.starts_at)
        db.session.commit()
        return event.slug, sub.id, team.id, [j.email for j in judges]


def _review(s: requests.Session, base: str, slug: str, sub_id: int, points: int) -> int:
    url = f"{base}/organize/e/{slug}/reviews/{sub_id}"
    token = csrf_from(s.get(url, timeout=60).text)
    data = {"verdict": "approve", "points": str(points), "comment": "ok", "csrf_token": token}
    return s.post(url, data=data, allow_redirects=False, timeout=120).status_code


def test_two_judges_and_double_clicks_approve_one_submission_once(
    app: Flask, server: GunicornServer
) -> None:
    slug, sub_id, team_id, emails = _submission(app)
    judges = [_organizer_session(server.url, e) for e in emails]
    # Judge 0 in two tabs and judge 1 once, all at the same instant.
    who = [judges[0], judges[0], judges[1], judges[1]]
    points = [150, 150, 100, 100]
    codes = together(4, lambda i: _review(who[i], server.url, slug, sub_id, points[i]))
    assert codes == [302] * 4, codes
    with app.app_context():
        reviews = db.session.scalars(select(Review).where(Review.submission_id == sub_id)).all()
        assert sorted((r.judge.email, r.points) for r in reviews) == [
            (emails[0], 150),
            (emails[1], 100),
        ]
        sub = db.session.get(Submission, sub_id)
        assert sub.status == "approved"
        event = sub.attempt.task.event
        # "mean" policy: one score for the submission, never the sum of the clicks.
        assert leaderboard.team_points(event, team_id) == 125


def test_two_organizers_apply_the_same_adjustment_key_once(
    app: Flask, server: GunicornServer
) -> None:
    with app.app_context():
        event = make_event()
        team = make_team(event)
        orgs = [make_organizer(f"boss{i}@example.org") for i in range(2)]
        for org in orgs:
            grant(org, event, "organizer")
        db.session.commit()
        slug, team_id, team_name = event.slug, team.id, team.name
        emails = [o.email for o in orgs]
    sessions = [_organizer_session(server.url, e) for e in emails]
    pages = [s.get(f"{server.url}/organize/e/{slug}/corrections", timeout=60) for s in sessions]
    tokens = [csrf_from(p.text) for p in pages]

    def adjust(i: int) -> int:
        data = {
            "team": team_name,
            "participant": "",
            "points": "25",
            "reason": "helped another team",
            "key": "same-adjustment-key-1",
            "csrf_token": tokens[i % 2],
        }
        url = f"{server.url}/organize/e/{slug}/corrections/adjust"
        return sessions[i % 2].post(url, data=data, allow_redirects=False, timeout=120).status_code

    codes = together(6, adjust)
    assert codes == [302] * 6, codes
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Adjustment))
        audits = db.session.scalar(
            select(func.count()).where(AuditEntry.action == "adjustment.add")
        )
        assert (count, audits) == (1, 1)
        event = db.session.scalar(select(Adjustment)).team.event
        assert leaderboard.team_points(event, team_id) == 25


def test_the_server_log_has_no_errors(server: GunicornServer) -> None:
    log = server.log_text()
    assert "Traceback" not in log, server.log_tail(80)
    assert "database is locked" not in log
