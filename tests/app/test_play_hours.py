"""Checkpoint opening hours: plain (13:00-15:30), past midnight (20:00-02:00), equal times."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
import time_machine

from quizengine.extensions import db
from quizengine.models import Checkpoint, Event
from quizengine.services.checkins import hours_problem
from tests.app.test_play_support import check_in_near, log_in, offset, post_fix, world

EVENING = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)  # 17:00 WIB on the 10th
TWO_NIGHTS = EVENING + timedelta(hours=36)  # 05:00 WIB on the 12th


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    """A WIB wall-clock moment in March 2026 as aware UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


@pytest.fixture
def night(ctx: Any, client: Any) -> Any:
    """An event from 17:00 WIB on the 10th to 05:00 WIB on the 12th whose checkpoint is open
    from 20:00 to 02:00."""
    with time_machine.travel(EVENING, tick=False):
        w = world(starts_at=EVENING, ends_at=TWO_NIGHTS)
        w.cp.opens, w.cp.closes = time(20, 0), time(2, 0)
        db.session.commit()
        log_in(client, w.alice)
        return w


@pytest.mark.parametrize(
    ("moment", "accepted"),
    [
        (wib(10, 20, 0), True),  # opening minute
        (wib(10, 23, 59), True),  # before midnight
        (wib(11, 0, 0), True),  # midnight
        (wib(11, 1, 59), True),  # after midnight
    ],
)
def test_open_on_both_sides_of_midnight(
    night: Any, client: Any, moment: datetime, accepted: bool
) -> None:
    with time_machine.travel(moment, tick=False):
        resp = post_fix(client, night.cp.code, *offset(5, 0), 5)
        assert resp.status_code == 200 and resp.json["accepted"] is accepted, resp.json
        page = client.get(f"/c/{night.cp.code}").get_data(as_text=True)
        assert "You are checked in here." in page
        assert client.post(f"/t/{night.question.id}/start").status_code == 302


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (wib(10, 19, 59), "This checkpoint opens at 20:00 WIB."),  # evening, before opening
        (wib(11, 2, 0), "This checkpoint opens at 20:00 WIB."),  # closing minute, opens again
        (wib(11, 12, 0), "This checkpoint opens at 20:00 WIB."),  # the day between
        (wib(12, 2, 0), "This checkpoint closed at 02:00 WIB."),  # no opening before the end
    ],
)
def test_closed_between_closing_and_opening(
    night: Any, client: Any, moment: datetime, message: str
) -> None:
    with time_machine.travel(moment, tick=False):
        resp = post_fix(client, night.cp.code, *offset(5, 0), 5)
        page = client.get(f"/c/{night.cp.code}").get_data(as_text=True)
    assert resp.status_code == 403 and resp.json["message"] == message
    assert message in page and 'id="locate"' not in page


def test_started_before_midnight_answered_after(night: Any, client: Any) -> None:
    """A question started at 23:59 is still open for its answer at 00:00:30."""
    with time_machine.travel(wib(10, 23, 59), tick=False):
        check_in_near(client, night.cp.code)
        client.post(f"/t/{night.question.id}/start")
    with time_machine.travel(
        wib(
            11,
            0,
            0,
        )
        + timedelta(seconds=30),
        tick=False,
    ):
        resp = client.post(
            f"/t/{night.question.id}/answer",
            data={"answer": "1953", "key": "key-midnight"},
            headers={"Accept": "application/json"},
        )
    assert resp.status_code == 200 and resp.json["correct"] and resp.json["points"] > 0


def _is_open(opens: time | None, closes: time | None, at: time) -> bool:
    """The rule, written independently: a window [opens, closes), wrapping when closes < opens;
    equal times (or none) mean always open."""
    if (opens is None and closes is None) or opens == closes:
        return True
    if opens is not None and closes is not None and closes < opens:
        return at >= opens or at < closes
    return (opens is None or at >= opens) and (closes is None or at < closes)


def test_every_half_hour_against_the_rule(app: Any) -> None:
    """hours_problem agrees with the rule for plain, wrapping, one-sided and equal hours at
    every half hour (and one second before each) of a day; equal times are always open."""
    event = Event(timezone="Asia/Jakarta", starts_at=EVENING, ends_at=EVENING + timedelta(days=3))
    cases = [
        (time(8, 0), time(17, 0)),
        (time(20, 0), time(2, 0)),
        (time(23, 30), time(0, 30)),
        (time(9, 0), None),
        (None, time(15, 0)),
        (time(10, 0), time(10, 0)),
        (time(0, 0), time(0, 0)),
        (None, None),
    ]
    wrong = []
    with app.test_request_context("/"):
        _check_every_half_hour(event, cases, wrong)
    assert wrong == []


def _check_every_half_hour(event: Event, cases: list[Any], wrong: list[Any]) -> None:
    for opens, closes in cases:
        cp = Checkpoint(event=event, opens=opens, closes=closes)
        for half_hour in range(48):
            for nudge in (0, -1):
                moment = wib(11, 0) + timedelta(minutes=30 * half_hour, seconds=nudge)
                local = (moment + timedelta(hours=7)).time()
                if (hours_problem(cp, moment) is None) != _is_open(opens, closes, local):
                    wrong.append((opens, closes, local, hours_problem(cp, moment)))
