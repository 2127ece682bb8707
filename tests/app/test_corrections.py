"""Corrections: manual check-in, adjustments (idempotent by key), re-scoring a question after
its answer was fixed, disqualification; each audited, bad input refused with nothing changed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from quizengine.extensions import db
from quizengine.models import Adjustment, Attempt, AuditEntry, CheckIn, Submission
from quizengine.services import corrections, leaderboard
from tests.app.test_live_support import attempt, judge, log_in_organizer, review, submission
from tests.builders import (
    at,
    make_checkpoint,
    make_event,
    make_participant,
    make_task,
    make_team,
)


@pytest.fixture
def world(ctx):
    event = make_event(speed_weight=0.5)
    team = make_team(event, "Merah")
    other = make_team(event, "Biru")
    p = make_participant(event, team, "Ana")
    q = make_participant(event, other, "Budi")
    cp = make_checkpoint(event, name="Balai Kota")
    org = judge(event, "organizer")
    db.session.commit()
    return {"event": event, "team": team, "other": other, "p": p, "q": q, "cp": cp, "org": org}


def _audits(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_manual_checkin_for_a_team(client, world):
    log_in_organizer(client, world["org"])
    slug = world["event"].slug
    r = client.post(
        f"/organize/e/{slug}/corrections/checkin",
        data={
            "checkpoint_id": world["cp"].id,
            "team": "Merah",
            "participant": "",
            "reason": "indoors, no GPS",
        },
    )
    assert r.status_code == 302
    ci = db.session.scalars(select(CheckIn)).one()
    assert (ci.team_id, ci.participant_id, ci.verdict, ci.accepted) == (
        world["team"].id,
        None,
        "manual",
        True,
    )
    assert ci.manual_by_id == world["org"].id and ci.reason == "indoors, no GPS"
    [entry] = _audits("checkin.manual")
    assert entry.actor.startswith(f"organizer:{world['org'].id}") and entry.reason


BAD_CHECKINS = [
    {"reason": ""},
    {"reason": "   "},
    {"team": "", "participant": ""},
    {"team": "   ", "participant": ""},
    {"checkpoint_id": "999999"},
    {"team": "Hijau"},
    {"team": str(999999)},
    {"participant": "Cici"},
    {"team": "x" * 201},
]


def test_manual_checkin_bad_input_changes_nothing(client, world):
    log_in_organizer(client, world["org"])
    for data in BAD_CHECKINS:
        form = {"checkpoint_id": world["cp"].id, "team": "Merah", "reason": "x"}
        form.update(data)
        r = client.post(f"/organize/e/{world['event'].slug}/corrections/checkin", data=form)
        assert r.status_code == 422, data
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_checkpoint_of_another_event_is_refused(client, world):
    foreign = make_checkpoint(make_event())
    db.session.commit()
    log_in_organizer(client, world["org"])
    r = client.post(
        f"/organize/e/{world['event'].slug}/corrections/checkin",
        data={"checkpoint_id": foreign.id, "team": "Merah", "reason": "x"},
    )
    assert r.status_code == 422
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_adjustment_same_key_twice_is_a_no_op(client, world):
    log_in_organizer(client, world["org"])
    form = {
        "team": "Merah",
        "points": "-15",
        "reason": "littering",
        "key": "adj-key-123456",
    }
    url = f"/organize/e/{world['event'].slug}/corrections/adjust"
    assert client.post(url, data=form).status_code == 302
    assert client.post(url, data=form).status_code == 302
    assert db.session.scalar(select(func.count(Adjustment.id))) == 1
    assert leaderboard.team_points(world["event"], world["team"].id) == -15
    assert len(_audits("adjustment.add")) == 1


BAD_ADJUSTMENTS = [
    {"points": "0"},
    {"points": "abc"},
    {"points": "1000001"},
    {"reason": ""},
    {"key": "short"},
    {"key": ""},
    {"team": "", "participant": ""},
    {"team": "Hijau"},
    {"participant": "Budi Santoso"},
]


def test_adjustment_bad_input_changes_nothing(client, world):
    log_in_organizer(client, world["org"])
    for data in BAD_ADJUSTMENTS:
        form = {"team": "Merah", "points": "5", "reason": "r", "key": "adj-key-1234"}
        form.update(data)
        r = client.post(f"/organize/e/{world['event'].slug}/corrections/adjust", data=form)
        assert r.status_code == 422, data
    assert db.session.scalar(select(func.count(Adjustment.id))) == 0


def test_adjustment_for_a_participant_counts_for_the_team_too(ctx, world):
    _, created = corrections.adjust(
        world["event"],
        team_id=None,
        participant_id=world["q"].id,
        points=7,
        reason="help",
        key="k-participant",
        organizer=world["org"],
        now=at(world["event"], 5),
        actor="t",
    )
    db.session.commit()
    assert created
    assert leaderboard.participant_points(world["event"], world["q"].id) == 7
    assert leaderboard.team_points(world["event"], world["other"].id) == 7


def test_rescore_after_the_answer_was_fixed(client, world):
    event = world["event"]
    task = make_task(
        event, world["cp"], kind="text", choices=None, answer=["Tugu"], points=100, time_limit_s=100
    )
    right_then = attempt(
        task, world["p"], at(event, 0), at(event, 0.5), answer="Tugu", correct=True, points=85
    )
    wrong_then = attempt(
        task,
        world["q"],
        at(event, 0),
        at(event, 0.5),
        answer="Monumen Tugu",
        correct=False,
        points=0,
    )
    db.session.commit()
    log_in_organizer(client, world["org"])
    r = client.post(
        f"/organize/e/{event.slug}/corrections/rescore",
        data={"task_id": task.id, "answer": "Monumen Tugu\nTugu Malang", "reason": "typo"},
    )
    assert r.status_code == 302
    db.session.expire_all()
    # 30 s of 100 s at speed weight 0.5: 100 * (1 - 0.5 * 0.3) = 85.
    assert (
        db.session.get(Attempt, wrong_then.id).correct,
        db.session.get(Attempt, wrong_then.id).points,
    ) == (True, 85)
    assert (
        db.session.get(Attempt, right_then.id).correct,
        db.session.get(Attempt, right_then.id).points,
    ) == (False, 0)
    [entry] = _audits("task.rescore")
    assert entry.before == {"answer": ["Tugu"]}
    assert len(entry.after["changed"]) == 2
    assert leaderboard.team_points(event, world["other"].id) == 85


def test_rescore_number_and_choice(ctx, world):
    event = world["event"]
    num = make_task(event, kind="number", choices=None, answer={"value": 1950, "tolerance": 0})
    ch = make_task(event)  # choice, answer 1953
    a = attempt(num, world["p"], at(event, 0), at(event, 0), answer="1953", points=0, correct=False)
    b = attempt(ch, world["p"], at(event, 0), at(event, 0), answer="1946", points=100, correct=True)
    late = attempt(ch, world["q"], at(event, 0), at(event, 5), answer="1946", status="late")
    db.session.commit()
    spec = corrections.parse_answer_input(num, "1953 +- 1")
    corrections.rescore_task(event, num.id, spec, reason="r", now=at(event, 9), actor="t")
    corrections.rescore_task(event, ch.id, "1946", reason="r", now=at(event, 9), actor="t")
    db.session.commit()
    assert (a.correct, a.points) == (True, 100)
    assert (b.correct, b.points) == (True, 100)
    assert (late.correct, late.points) == (True, 0)
    with pytest.raises(corrections.CorrectionError):
        corrections.rescore_task(event, ch.id, "2000", reason="r", now=at(event, 9), actor="t")
    with pytest.raises(corrections.CorrectionError):
        corrections.parse_answer_input(num, "nan")


def test_rescore_bad_answer_changes_nothing(client, world):
    event = world["event"]
    task = make_task(event)
    db.session.commit()
    log_in_organizer(client, world["org"])
    r = client.post(
        f"/organize/e/{event.slug}/corrections/rescore",
        data={"task_id": task.id, "answer": "1999", "reason": "r"},
    )
    assert r.status_code == 422
    db.session.expire_all()
    assert task.answer == "1953"
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_disqualify_removes_the_points(client, world):
    event = world["event"]
    task = make_task(event, kind="creative", choices=None, answer=None, points=50)
    sub = submission(
        attempt(task, world["p"], at(event, 0)), world["p"], at(event, 1), status="approved"
    )
    review(sub, world["org"], 40, at(event, 2))
    db.session.commit()
    assert leaderboard.team_points(event, world["team"].id) == 40
    log_in_organizer(client, world["org"])
    url = f"/organize/e/{event.slug}/corrections/disqualify"
    assert client.post(url, data={"submission_id": sub.id, "reason": ""}).status_code == 422
    r = client.post(url, data={"submission_id": sub.id, "reason": "photo from the internet"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Submission, sub.id).status == "disqualified"
    assert leaderboard.team_points(event, world["team"].id) == 0
    [entry] = _audits("submission.disqualify")
    assert entry.before == {"status": "approved"} and entry.reason == "photo from the internet"
    # Twice is refused; a submission of another event is not found.
    assert client.post(url, data={"submission_id": sub.id, "reason": "x"}).status_code == 422
    assert client.post(url, data={"submission_id": 999999, "reason": "x"}).status_code == 422


def test_corrections_page_renders(client, world):
    make_task(world["event"])
    db.session.commit()
    log_in_organizer(client, world["org"])
    r = client.get(f"/organize/e/{world['event'].slug}/corrections")
    assert r.status_code == 200
    assert b"Balai Kota" in r.data and b'name="key"' in r.data


def test_a_name_box_takes_the_name_as_written_or_apart_from_capitals_and_spaces(client, world):
    """The check-in and adjustment forms name a team or participant: written exactly, or
    differing only in capitals and spaces when no other name does too."""
    event = world["event"]
    make_participant(event, world["team"], "ana")  # "Ana" and "ana": both exist
    make_participant(event, world["other"], "Dewi  Lestari")
    foreign = make_event()
    make_team(foreign, "Hijau")
    db.session.commit()
    log_in_organizer(client, world["org"])
    url = f"/organize/e/{event.slug}/corrections/adjust"

    def adjust(key: str, **who: str):
        data = {"points": "3", "reason": "r", "key": f"adj-key-{key}", **who}
        return client.post(url, data=data)

    assert adjust("exact-1", participant="ana").status_code == 302
    assert adjust("exact-2", participant="Ana").status_code == 302
    assert adjust("loose-1", participant=" dewi lestari ").status_code == 302
    assert adjust("loose-2", team="  mERAH").status_code == 302
    made = db.session.execute(
        select(Adjustment.participant_id, Adjustment.team_id).order_by(Adjustment.id)
    ).all()
    people = {p.name: p for p in event.participants}
    assert made == [
        (people["ana"].id, None),
        (people["Ana"].id, None),
        (people["Dewi  Lestari"].id, None),
        (None, world["team"].id),
    ]

    ambiguous = adjust("ambiguous", participant="ANA")
    assert ambiguous.status_code == 422
    # no language asked for: Bahasa Indonesia, the default
    assert "2 peserta bernama “ANA” jika huruf besar-kecil diabaikan" in ambiguous.text
    elsewhere = adjust("elsewhere", team="Hijau")  # a team of another event
    assert elsewhere.status_code == 422
    assert "Tidak ada tim bernama “Hijau” di acara ini." in elsewhere.text
    assert 'value="Hijau"' in elsewhere.text  # the organizer's text stays in the box
    assert db.session.scalar(select(func.count(Adjustment.id))) == 4


def test_the_manual_check_in_names_its_participant(client, world):
    log_in_organizer(client, world["org"])
    r = client.post(
        f"/organize/e/{world['event'].slug}/corrections/checkin",
        data={"checkpoint_id": world["cp"].id, "participant": "budi", "reason": "no GPS"},
    )
    assert r.status_code == 302
    ci = db.session.scalars(select(CheckIn)).one()
    assert (ci.participant_id, ci.team_id) == (world["q"].id, world["other"].id)


def test_the_page_suggests_every_name_once(client, world):
    """One <datalist> of team names and one of participant names (with their team), used by
    both forms' boxes: 5,000 participants are listed once, not in two drop-downs."""
    loner = make_participant(world["event"], None, "Sendiri <b>")
    db.session.commit()
    log_in_organizer(client, world["org"])
    html = client.get(f"/organize/e/{world['event'].slug}/corrections").text
    assert html.count('list="team-names"') == 2
    assert html.count('list="participant-names"') == 2
    assert html.count('<datalist id="team-names">') == 1
    assert html.count('<datalist id="participant-names">') == 1
    teams = html.split('<datalist id="team-names">')[1].split("</datalist>")[0]
    assert teams == '<option value="Biru"><option value="Merah">'
    people = html.split('<datalist id="participant-names">')[1].split("</datalist>")[0]
    assert people == (
        '<option value="Ana" label="Merah"><option value="Budi" label="Biru">'
        '<option value="Sendiri &lt;b&gt;">'
    )
    assert loner.name not in html  # escaped everywhere
    assert "<select" in html and 'name="participant"' in html
    assert "<select" not in html.split('name="participant"')[0].rsplit("<label>", 1)[1]
    ids = re.findall(r'\sid="([^"]*)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert {"checkin-team", "adjust-team", "checkin-reason", "rescore-reason"} <= set(ids)


def test_a_refused_form_leaves_the_other_forms_empty(client, world):
    """What was posted to one form of the page comes back in that form only."""
    log_in_organizer(client, world["org"])
    r = client.post(
        f"/organize/e/{world['event'].slug}/corrections/adjust",
        data={"team": "Nobody", "points": "4", "reason": "tidy camp", "key": "adj-key-12345"},
    )
    assert r.status_code == 422
    forms = {
        action: r.text.split(f"/corrections/{action}")[1].split("</form>")[0]
        for action in ("checkin", "adjust", "rescore", "disqualify")
    }
    assert 'value="Nobody"' in forms["adjust"] and "tidy camp" in forms["adjust"]
    for other in ("checkin", "rescore", "disqualify"):
        assert "Nobody" not in forms[other] and "tidy camp" not in forms[other], other
