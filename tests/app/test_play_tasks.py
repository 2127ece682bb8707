"""Timed questions: start once, the prompt only after start, idempotent answers, scoring."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import func, select

from quizengine.extensions import db
from quizengine.models import Attempt
from tests.app.test_play_support import START, check_in_near, log_in, world
from tests.builders import make_event, make_task

T0 = START + timedelta(hours=2)  # 09:00 WIB
KEY = "key-aaaaaaaa"
JSON = {"Accept": "application/json"}


def attempts() -> list[Attempt]:
    db.session.expire_all()
    return list(db.session.scalars(select(Attempt)))


@pytest.fixture
def w(ctx: Any, client: Any) -> Any:
    with time_machine.travel(T0, tick=False):
        w = world()
        log_in(client, w.alice)
        check_in_near(client, w.cp.code)
        yield w


def start(client: Any, task_id: int, at: Any) -> Any:
    with time_machine.travel(at, tick=False):
        return client.post(f"/t/{task_id}/start", headers=JSON)


def answer(client: Any, task_id: int, text: str, at: Any, key: str = KEY) -> Any:
    with time_machine.travel(at, tick=False):
        return client.post(f"/t/{task_id}/answer", data={"answer": text, "key": key}, headers=JSON)


def test_prompt_only_after_start_and_countdown_from_server(w: Any, client: Any) -> None:
    with time_machine.travel(T0, tick=False):
        page = client.get(f"/t/{w.question.id}").get_data(as_text=True)
    assert w.question.prompt not in page and "Start" in page
    assert attempts() == []  # a GET changes nothing
    resp = start(client, w.question.id, T0)
    assert resp.status_code == 200 and resp.json["remaining_ms"] == 100_000
    with time_machine.travel(T0 + timedelta(seconds=30), tick=False):
        page = client.get(f"/t/{w.question.id}").get_data(as_text=True)
    assert w.question.prompt in page
    assert 'data-remaining-ms="70000"' in page and "1953" in page
    assert "countdown.js" in page and "<script>" not in page


def test_the_clock_never_restarts(w: Any, client: Any, app: Any) -> None:
    start(client, w.question.id, T0)
    first = attempts()[0]
    assert first.started_at == T0 and first.deadline == T0 + timedelta(seconds=100)
    again = start(client, w.question.id, T0 + timedelta(seconds=40))  # reload / double tap
    assert again.json["remaining_ms"] == 60_000
    with time_machine.travel(T0 + timedelta(seconds=50), tick=False):
        client.get(f"/c/{w.cp.code}")  # rescan
        check_in_near(client, w.cp.code)
    bob = app.test_client()  # the second phone of the same team
    log_in(bob, w.bob)
    resp = start(bob, w.question.id, T0 + timedelta(seconds=60))
    assert resp.json["remaining_ms"] == 40_000
    with time_machine.travel(T0 + timedelta(seconds=60), tick=False):
        page = bob.get(f"/t/{w.question.id}").get_data(as_text=True)
    assert w.question.prompt in page and 'data-remaining-ms="40000"' in page
    rows = attempts()
    assert len(rows) == 1 and rows[0].started_at == T0 and rows[0].participant_id == w.alice.id


def test_start_needs_a_checkin(ctx: Any, client: Any) -> None:
    with time_machine.travel(T0, tick=False):
        w = world()
        log_in(client, w.alice)
        resp = client.post(f"/t/{w.question.id}/start")
        page = client.get(f"/t/{w.question.id}").get_data(as_text=True)
    assert resp.status_code == 403 and "Check in at Balai Kota first." in resp.get_data(
        as_text=True
    )
    assert "Check in at Balai Kota first." in page and w.question.prompt not in page
    assert attempts() == []
    # A location-free task needs no check-in.
    assert start(client, w.free.id, T0).status_code == 200


def test_scoring_speed_weighted(w: Any, client: Any) -> None:
    start(client, w.question.id, T0)
    resp = answer(client, w.question.id, "1953", T0 + timedelta(seconds=25))
    # 100 * (1 - 0.5 * 25 / 100) = 87.5 -> 88 (half up)
    assert resp.status_code == 200
    assert resp.json == {
        "status": "answered",
        "correct": True,
        "points": 88,
        "message": "Correct! 88 points.",
        "replay": False,
        "already_answered": False,
    }
    row = attempts()[0]
    assert row.answer == "1953" and row.answered_by_id == w.alice.id and row.points == 88


def test_wrong_answer_scores_zero_and_says_so(w: Any, client: Any) -> None:
    start(client, w.question.id, T0)
    resp = answer(client, w.question.id, "1946", T0 + timedelta(seconds=5))
    assert resp.json["correct"] is False and resp.json["points"] == 0
    assert resp.json["message"] == "Wrong answer. 0 points."
    with time_machine.travel(T0 + timedelta(seconds=6), tick=False):
        page = client.get(f"/t/{w.question.id}").get_data(as_text=True)
    assert "Wrong answer. 0 points." in page


def test_idempotent_retry_and_conflicting_key(w: Any, client: Any) -> None:
    start(client, w.question.id, T0)
    first = answer(client, w.question.id, "1953", T0 + timedelta(seconds=10))
    retry = answer(client, w.question.id, "1953", T0 + timedelta(seconds=90))  # flaky network
    assert retry.status_code == 200 and retry.json["points"] == first.json["points"] == 95
    assert retry.json["replay"] is True
    conflict = answer(client, w.question.id, "1946", T0 + timedelta(seconds=91))
    assert conflict.status_code == 409 and "different" in conflict.json["message"]
    other_key = answer(
        client, w.question.id, "1946", T0 + timedelta(seconds=92), key="key-bbbbbbbb"
    )
    assert other_key.status_code == 200 and other_key.json["already_answered"] is True
    assert other_key.json["points"] == 95 and other_key.json["correct"] is True
    row = attempts()[0]
    assert (
        row.answer == "1953" and row.points == 95 and row.answered_at == T0 + timedelta(seconds=10)
    )


def test_late_answer_is_stored_but_not_scored(w: Any, client: Any) -> None:
    start(client, w.question.id, T0)
    at_deadline = T0 + timedelta(seconds=100)
    with time_machine.travel(at_deadline + timedelta(seconds=1), tick=False):
        page = client.get(f"/t/{w.question.id}").get_data(as_text=True)
    assert "Time is up" in page
    resp = answer(client, w.question.id, "1953", at_deadline + timedelta(seconds=1))
    assert resp.json["status"] == "late" and resp.json["points"] == 0
    assert resp.json["message"] == "Too late: the answer came after the deadline. 0 points."
    with time_machine.travel(at_deadline + timedelta(seconds=2), tick=False):
        page = client.get(f"/t/{w.question.id}").get_data(as_text=True)
    assert "Late: the answer came after the deadline. 0 points." in page
    assert attempts()[0].status == "late"


def test_answer_exactly_at_the_deadline_still_counts(w: Any, client: Any) -> None:
    start(client, w.question.id, T0)
    resp = answer(client, w.question.id, "1953", T0 + timedelta(seconds=100))
    assert resp.json["status"] == "answered" and resp.json["points"] == 50


def test_text_answers_ignore_case_space_and_diacritics(w: Any, client: Any) -> None:
    start(client, w.free.id, T0)
    resp = answer(client, w.free.id, "  bálai   KOTA ", T0 + timedelta(seconds=6))
    assert resp.json["correct"] is True and resp.json["points"] == 48  # 50 * (1 - .5 * 6/60)


@pytest.mark.parametrize(
    ("typed", "correct"), [("2,5", True), ("2.6", True), ("2,61", False), ("1 002,5", False)]
)
def test_number_with_tolerance_and_decimal_comma(
    w: Any, client: Any, typed: str, correct: bool
) -> None:
    task = make_task(
        w.event,
        None,
        kind="number",
        choices=None,
        answer={"value": 2.5, "tolerance": 0.1},
        prompt="How many?",
    )
    db.session.commit()
    start(client, task.id, T0)
    resp = answer(client, task.id, typed, T0 + timedelta(seconds=1))
    assert resp.status_code == 200 and resp.json["correct"] is correct


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"answer": "1953", "key": "short"}, 400, "reload the page"),
        ({"answer": "1953"}, 400, "reload the page"),
        ({"answer": "1953", "key": "bad key!!"}, 400, "reload the page"),
        ({"answer": "x" * 2001, "key": KEY}, 400, "too long"),
        ({"answer": "", "key": KEY}, 400, "give an answer"),
        ({"answer": "1999", "key": KEY}, 400, "pick one of the choices"),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(
    w: Any, client: Any, fields: dict[str, str], status: int, message: str
) -> None:
    start(client, w.question.id, T0)
    with time_machine.travel(T0 + timedelta(seconds=3), tick=False):
        resp = client.post(f"/t/{w.question.id}/answer", data=fields, headers=JSON)
        html = client.post(f"/t/{w.question.id}/answer", data=fields)
    assert (
        resp.status_code == status
        and message in resp.json["message"].lower() + resp.json["message"]
    )
    assert html.status_code == status
    row = attempts()[0]
    assert row.answer_key is None and row.status == "running"


def test_answer_without_start_and_tasks_of_other_events(w: Any, client: Any) -> None:
    resp = answer(client, w.question.id, "1953", T0)
    assert resp.status_code == 409 and resp.json["message"] == "Start the task first."
    other = make_event(slug="elsewhere", starts_at=START, ends_at=START + timedelta(hours=10))
    foreign = make_task(other, None)
    db.session.commit()
    with time_machine.travel(T0, tick=False):
        assert client.get(f"/t/{foreign.id}").status_code == 404
        assert client.post(f"/t/{foreign.id}/start").status_code == 404
        assert client.get("/t/999999").status_code == 404
        assert client.get("/t/abc").status_code == 404
    assert answer(client, foreign.id, "1953", T0).status_code == 404
    assert attempts() == []


def test_team_mode_one_attempt_and_shared_result(w: Any, client: Any, app: Any) -> None:
    start(client, w.question.id, T0)
    bob = app.test_client()
    log_in(bob, w.bob)
    resp = answer(bob, w.question.id, "1953", T0 + timedelta(seconds=20), key="bob-key-123")
    assert resp.json["points"] == 90
    # Alice's phone sends its own answer later: the team already answered.
    mine = answer(client, w.question.id, "1946", T0 + timedelta(seconds=21))
    assert mine.json["already_answered"] is True and mine.json["points"] == 90
    with time_machine.travel(T0 + timedelta(seconds=22), tick=False):
        page = client.get(f"/t/{w.question.id}").get_data(as_text=True)
    assert "Correct! 90 points." in page and "Bob" in page
    rows = attempts()
    assert len(rows) == 1 and rows[0].answered_by_id == w.bob.id and rows[0].team_id == w.team.id


def test_individual_mode_one_attempt_each(ctx: Any, client: Any, app: Any) -> None:
    with time_machine.travel(T0, tick=False):
        w = world(mode="individual")
        log_in(client, w.alice)
        bob = app.test_client()
        log_in(bob, w.bob)
    start(client, w.free.id, T0)
    start(bob, w.free.id, T0 + timedelta(seconds=30))
    rows = sorted(attempts(), key=lambda a: a.participant_id)
    assert [(a.participant_id, a.started_at) for a in rows] == [
        (w.alice.id, T0),
        (w.bob.id, T0 + timedelta(seconds=30)),
    ]
    assert all(a.team_id is None for a in rows)


def test_nothing_outside_the_window(w: Any, client: Any) -> None:
    late = START + timedelta(hours=10, minutes=1)
    with time_machine.travel(late, tick=False):
        resp = client.post(f"/t/{w.free.id}/start", headers=JSON)
    assert resp.status_code == 403 and "The event is over" in resp.json["message"]
    assert attempts() == []


def test_home_shows_team_score_clock_and_tasks(w: Any, client: Any) -> None:
    start(client, w.question.id, T0)
    answer(client, w.question.id, "1953", T0 + timedelta(seconds=25))
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        page = client.get("/home").get_data(as_text=True)
    assert "Kelompok 1" in page and "Alice" in page
    assert '<strong class="big" id="score">88</strong>' in page
    assert "09:01 WIB" in page and "17:00 WIB" in page and "7:59:00" in page
    assert "Balai Kota" in page and "Tugu" in page and "Anywhere" in page


def test_race_two_phones_start_and_answer_at_once(w: Any, app: Any) -> None:
    """Two phones of one team start and answer at the same moment: one attempt, one answer."""
    from concurrent.futures import ThreadPoolExecutor

    phones = [app.test_client(), app.test_client()]
    tokens = [w.alice.login_token, w.bob.login_token]
    task_id = w.question.id
    db.session.commit()

    def play(i: int) -> tuple[int, int]:
        with time_machine.travel(T0 + timedelta(seconds=1), tick=False):
            phones[i].post(f"/in/{tokens[i]}")
            s = phones[i].post(f"/t/{task_id}/start", headers=JSON)
            a = phones[i].post(
                f"/t/{task_id}/answer",
                data={"answer": ["1953", "1946"][i], "key": f"phone-{i}-key"},
                headers=JSON,
            )
            return s.status_code, a.status_code

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(play, range(2)))
    assert results == [(200, 200), (200, 200)]
    rows = attempts()
    assert len(rows) == 1 and rows[0].answer in ("1953", "1946")
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1
