"""Who reaches the organizer operations pages (live, reviews, corrections, reports): a judge
reviews but cannot correct (403); an organizer of another event gets 404 everywhere; a
participant and an anonymous visitor are sent to the organizer log-in; nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from quizengine.extensions import db
from quizengine.models import Adjustment, AuditEntry, CheckIn, Review
from tests.app.test_live_support import (
    attempt,
    checkin,
    judge,
    log_in_organizer,
    log_in_player,
    submission,
)
from tests.builders import at, make_checkpoint, make_event, make_participant, make_task, make_team

READ = [
    "live",
    "live.json",
    "reviews",
    "reviews/{sub}",
    "reports",
    "reports/results.csv",
    "reports/checkins.csv",
    "reports/results.xml",
    "reports/print",
]
CORRECT = ["corrections"]
WRITE = {
    "corrections/checkin": {"checkpoint_id": "{cp}", "team": "{team}", "reason": "x"},
    "corrections/adjust": {
        "team": "{team}",
        "points": "5",
        "reason": "x",
        "key": "abcdefgh1234",
    },
    "corrections/rescore": {"task_id": "{task}", "answer": "1946", "reason": "x"},
    "corrections/disqualify": {"submission_id": "{sub}", "reason": "x"},
    "checkins/{ci}/flags": {"decision": "upheld", "reason": "x"},
}


@pytest.fixture
def world(ctx):
    event = make_event()
    team = make_team(event)
    p = make_participant(event, team)
    cp = make_checkpoint(event)
    task = make_task(event, cp)
    creative = make_task(event, kind="creative", choices=None, answer=None, points=10)
    sub = submission(attempt(creative, p, at(event, 1)), p, at(event, 2))
    ci = checkin(event, cp, at(event, 1), p, flags=[{"code": "zero_accuracy", "detail": "0 m"}])
    ids = {"cp": cp.id, "team": team.name, "task": task.id, "sub": sub.id, "ci": ci.id}
    roles = {r: judge(event, r) for r in ("owner", "organizer", "judge")}
    other = make_event()
    roles["stranger"] = judge(other, "owner")
    db.session.commit()
    return {"event": event, "other": other, "p": p, "ids": ids, **roles}


def _url(w, path, event=None):
    return f"/organize/e/{(event or w['event']).slug}/" + path.format(**w["ids"])


def _form(w, form):
    return {k: v.format(**w["ids"]) for k, v in form.items()}


def _nothing_changed():
    for model in (Adjustment, Review, AuditEntry):
        assert db.session.scalar(select(func.count(model.id))) == 0
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1


def test_judge_reads_and_reviews_but_cannot_correct(client, world):
    log_in_organizer(client, world["judge"])
    for path in READ:
        assert client.get(_url(world, path)).status_code == 200, path
    for path in CORRECT:
        assert client.get(_url(world, path)).status_code == 403, path
    for path, form in WRITE.items():
        assert client.post(_url(world, path), data=_form(world, form)).status_code == 403, path
    _nothing_changed()
    r = client.post(_url(world, "reviews/{sub}"), data={"verdict": "approve", "points": "5"})
    assert r.status_code == 302


def test_blind_judging_hides_live_and_reports_from_judges(client, world):
    world["event"].blind_judging = True
    db.session.commit()
    log_in_organizer(client, world["judge"])
    for path in ("live", "live.json", "reports", "reports/results.csv", "reports/results.xml"):
        assert client.get(_url(world, path)).status_code == 403, path
    assert client.get(_url(world, "reviews")).status_code == 200


@pytest.mark.parametrize("role", ["owner", "organizer"])
def test_organizers_reach_everything(client, world, role):
    log_in_organizer(client, world[role])
    for path in READ + CORRECT:
        assert client.get(_url(world, path)).status_code == 200, path


def test_organizer_of_another_event_gets_404_everywhere(client, world):
    log_in_organizer(client, world["stranger"])
    for path in READ + CORRECT:
        assert client.get(_url(world, path)).status_code == 404, path
    for path, form in WRITE.items():
        assert client.post(_url(world, path), data=_form(world, form)).status_code == 404, path
    r = client.post(_url(world, "reviews/{sub}"), data={"verdict": "approve", "points": "5"})
    assert r.status_code == 404
    _nothing_changed()
    # Their own event's pages do not reach into this event's rows either.
    own_sub = _url(world, "reviews/{sub}", event=world["other"])
    assert client.get(own_sub).status_code == 404
    flag = _url(world, "checkins/{ci}/flags", event=world["other"])
    assert client.post(flag, data={"decision": "upheld", "reason": "x"}).status_code == 404
    _nothing_changed()


@pytest.mark.parametrize("who", ["participant", "anonymous"])
def test_participants_and_anonymous_are_sent_to_log_in(client, world, who):
    if who == "participant":
        log_in_player(client, world["p"], world["event"].ends_at)
    for path in READ + CORRECT:
        r = client.get(_url(world, path))
        assert r.status_code == 302 and "/organize/login" in r.headers["Location"], path
    for path, form in WRITE.items():
        r = client.post(_url(world, path), data=_form(world, form))
        assert r.status_code == 302 and "/organize/login" in r.headers["Location"], path
    _nothing_changed()


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_posts_without_csrf_token_are_refused(client, world):
    log_in_organizer(client, world["owner"])
    for path, form in WRITE.items():
        assert client.post(_url(world, path), data=_form(world, form)).status_code == 400, path
    _nothing_changed()
