"""The live grid (summed by the database, cached per score version and check-in mark) shows
exactly what the straightforward computation shows: every scored item summed in Python, every
check-in and attempt scanned. Varied events in both modes, then changes of every kind, each
compared again, so a stale cache entry or a wrong GROUP BY shows up as a difference."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import or_, select

from quizengine.extensions import db
from quizengine.models import Attempt, CheckIn, Checkpoint, Event, Participant, Task, Team
from quizengine.services import corrections, live, live_grid, people, reviews, score_version
from quizengine.services.leaderboard import scored_items
from tests.app.test_live_support import attempt, checkin, judge, review, submission
from tests.builders import at, make_checkpoint, make_event, make_participant, make_task, make_team

# --- The reference: the grid as it was computed before the cache (one poll ~1 s on the
# benchmark event). bench/live_poll.py times it as "before".


@dataclass
class RefCell:
    visited: bool = False
    tasks_done: int = 0
    tasks_total: int = 0
    points: int = 0


@dataclass
class RefRow:
    id: int
    name: str
    cells: dict[int, RefCell] = field(default_factory=dict)
    points: int = 0


def _reference_rows(event: Event) -> list[tuple[int, str]]:
    if event.mode == "team":
        q = select(Team.id, Team.name).where(Team.event_id == event.id).order_by(Team.name)
    else:
        q = (
            select(Participant.id, Participant.name)
            .where(Participant.event_id == event.id)
            .order_by(Participant.name)
        )
    return [(i, n) for i, n in db.session.execute(q)]


def _tasks_per_checkpoint(task_cp: dict[int, int | None]) -> dict[int | None, int]:
    per_cp: dict[int | None, int] = defaultdict(int)
    for cp_id in task_cp.values():
        per_cp[cp_id] += 1
    return per_cp


def reference_grid(event: Event) -> tuple[list[Checkpoint], list[RefRow]]:
    team_mode = event.mode == "team"
    checkpoints = list(
        db.session.scalars(
            select(Checkpoint).where(Checkpoint.event_id == event.id).order_by(Checkpoint.position)
        )
    )
    task_cp = dict(
        db.session.execute(
            select(Task.id, Task.checkpoint_id).where(Task.event_id == event.id)
        ).all()
    )
    per_cp = _tasks_per_checkpoint(task_cp)
    rows = {
        i: RefRow(i, n, {cp.id: RefCell(tasks_total=per_cp[cp.id]) for cp in checkpoints})
        for i, n in _reference_rows(event)
    }
    team_of = dict(
        db.session.execute(
            select(Participant.id, Participant.team_id).where(Participant.event_id == event.id)
        ).all()
    )
    visits = db.session.execute(
        select(CheckIn.checkpoint_id, CheckIn.team_id, CheckIn.participant_id).where(
            CheckIn.event_id == event.id, CheckIn.accepted.is_(True)
        )
    )
    for cp_id, team_id, pid in visits:
        owner = (team_id or team_of.get(pid)) if team_mode else pid
        if owner in rows and cp_id in rows[owner].cells:
            rows[owner].cells[cp_id].visited = True
    for item in scored_items(event):
        owner = item.team_id if team_mode else item.participant_id
        if owner not in rows:
            continue
        rows[owner].points += item.points
        cp_id = task_cp.get(item.task_id) if item.task_id is not None else None
        if cp_id is not None and cp_id in rows[owner].cells:
            rows[owner].cells[cp_id].points += item.points
    done = db.session.execute(
        select(Attempt.task_id, Attempt.team_id, Attempt.participant_id).where(
            Attempt.event_id == event.id,
            or_(Attempt.answered_at.is_not(None), Attempt.status == "submitted"),
        )
    )
    for task_id, team_id, pid in done:
        owner = team_id if team_mode else pid
        cp_id = task_cp.get(task_id)
        if owner in rows and cp_id in rows[owner].cells:
            rows[owner].cells[cp_id].tasks_done += 1
    return checkpoints, list(rows.values())


def reference_payload(event: Event) -> dict[str, Any]:
    """The poll's ``grid`` as the view built it from the reference grid: the checkpoints with
    their number of tasks, each cell ``[visited, done, points]`` or 0 when all are empty, on
    one page."""
    checkpoints, rows = reference_grid(event)
    query = select(Task.id, Task.checkpoint_id).where(Task.event_id == event.id)
    totals = _tasks_per_checkpoint({task_id: cp_id for task_id, cp_id in db.session.execute(query)})

    def cell(c: RefCell) -> list[int] | int:
        empty = not (c.visited or c.tasks_done or c.points)
        return 0 if empty else [int(c.visited), c.tasks_done, c.points]

    return {
        "checkpoints": [
            {"id": cp.id, "name": cp.name, "code": cp.code, "total": totals[cp.id]}
            for cp in checkpoints
        ],
        "rows": [
            {
                "id": row.id,
                "name": row.name,
                "points": row.points,
                "cells": [cell(row.cells[cp.id]) for cp in checkpoints],
            }
            for row in rows
        ],
        # one page: the tests' events have fewer rows than a page (GRID_ROWS)
        "page": 1,
        "pages": 1,
        "owners": len(rows),
    }


# --- Comparison


def _polled(event: Event) -> dict[str, Any]:
    return json.loads(live_grid.grid_json(event))  # type: ignore[no-any-return]


def same_as_reference(event: Event) -> dict[str, Any]:
    """Assert the grid the page and the polls send equals the reference; return it."""
    db.session.expire_all()
    expected = reference_payload(event)
    assert _polled(event) == expected
    # Row by row from kept texts, the text is still one dumps of the whole payload.
    assert live_grid.grid_json(event) == current_app.json.dumps(expected, separators=(",", ":"))
    assert _polled(event) == expected  # again: from the cache
    db.session.rollback()  # end the snapshot, like the end of a request
    return expected


def _cell(payload: dict[str, Any], row_name: str, cp_id: int) -> dict[str, Any]:
    """One cell of the poll's compact grid, by name."""
    index = [c["id"] for c in payload["checkpoints"]].index(cp_id)
    row = next(r for r in payload["rows"] if r["name"] == row_name)
    visited, done, points = row["cells"][index] or (0, 0, 0)
    total = payload["checkpoints"][index]["total"]
    return {"visited": visited == 1, "done": done, "total": total, "points": points}


def _points(payload: dict[str, Any], row_name: str) -> int:
    return next(r["points"] for r in payload["rows"] if r["name"] == row_name)  # type: ignore[no-any-return]


# --- Events


def _team_event() -> SimpleNamespace:
    event = make_event(mode="team", review_policy="mean")
    red, blue, green = (
        make_team(event, "Merah"),
        make_team(event, "Biru"),
        make_team(event, "Hijau"),
    )
    ana, adi = make_participant(event, red, "Ana"), make_participant(event, red, "Adi")
    budi, bela = make_participant(event, blue, "Budi"), make_participant(event, blue, "Bela")
    gita = make_participant(event, green, "Gita")
    solo = make_participant(event, None, "Solo")  # no team: counts for no row
    cp1 = make_checkpoint(event, name="Balai Kota", position=1)
    cp2 = make_checkpoint(event, name="Alun", position=2)
    cp3 = make_checkpoint(event, name="Tugu", position=3)
    make_checkpoint(event, name="Empty", position=4)  # no tasks
    q1, q2 = make_task(event, cp1, points=100), make_task(event, cp1, points=60)
    q3 = make_task(event, cp2, points=80)
    c1 = make_task(event, cp2, kind="creative", choices=None, answer=None, points=50)
    c2 = make_task(event, cp3, kind="creative", choices=None, answer=None, points=40)
    free_q = make_task(event, None, points=30)  # location-free question
    free_c = make_task(event, None, kind="creative", choices=None, answer=None, points=20)
    org, org2 = judge(event, "organizer"), judge(event, "judge")
    # Check-ins: members, a refused one, a manual team check-in, a teamless participant.
    checkin(event, cp1, at(event, 1), ana)
    checkin(event, cp1, at(event, 2), adi)  # same team, same checkpoint: one visit
    checkin(event, cp2, at(event, 3), budi, accepted=False)
    checkin(event, cp3, at(event, 4), gita, accepted=False, verdict="too_far", distance=400)
    checkin(event, cp1, at(event, 5), solo)
    corrections.manual_checkin(
        event,
        checkpoint_id=cp2.id,
        team_id=blue.id,
        participant_id=None,
        reason="GPS down",
        organizer=org,
        now=at(event, 6),
        actor="test",
    )
    # Questions: right, wrong, late, running (not done), location-free, by another member.
    attempt(q1, ana, at(event, 1), at(event, 2), answer="1953", correct=True, points=90)
    attempt(q2, adi, at(event, 2), at(event, 3), answer="1946", correct=False, points=0)
    attempt(q1, budi, at(event, 3), at(event, 6), answer="1953", correct=True, points=0,
            status="late")  # fmt: skip
    attempt(q3, budi, at(event, 7))  # running
    attempt(q3, ana, at(event, 8), at(event, 9), answer="1946", correct=False, points=0)
    attempt(free_q, gita, at(event, 4), at(event, 5), answer="1953", correct=True, points=25)
    # Creative: approved by two judges (mean), capped, rejected, pending, resubmitted,
    # disqualified, location-free.
    s_red = submission(attempt(c1, adi, at(event, 10)), adi, at(event, 11), status="approved")
    review(s_red, org, 40, at(event, 12))
    review(s_red, org2, 45, at(event, 13))
    s_cap = submission(attempt(c2, ana, at(event, 10)), ana, at(event, 11), status="approved")
    review(s_cap, org, 90, at(event, 14))  # above the task's 40 points: capped
    s_rej = submission(attempt(c1, budi, at(event, 10)), budi, at(event, 11), status="rejected")
    review(s_rej, org, 0, at(event, 12), verdict="reject")
    submission(attempt(c2, budi, at(event, 12)), budi, at(event, 13))  # pending
    a_re = attempt(free_c, gita, at(event, 10))
    s_old = submission(a_re, gita, at(event, 11), status="approved")
    review(s_old, org, 5, at(event, 12))
    s_new = submission(a_re, gita, at(event, 14), status="approved")  # the latest counts
    review(s_new, org, 15, at(event, 15))
    a_dq = attempt(c2, gita, at(event, 10))
    s_dq = submission(a_dq, gita, at(event, 11), status="approved")
    review(s_dq, org, 30, at(event, 12))
    corrections.disqualify(event, s_dq.id, reason="copied", now=at(event, 20), actor="test")
    # Adjustments: a team, a team member (counts for the team), a teamless participant.
    for n, (team_id, pid, pts) in enumerate(
        ((red.id, None, 15), (None, budi.id, -10), (None, solo.id, 7), (green.id, None, -3))
    ):
        corrections.adjust(
            event,
            team_id=team_id,
            participant_id=pid,
            points=pts,
            reason="bonus",
            key=f"adj-{n}",
            organizer=org,
            now=at(event, 30 + n),
            actor="test",
        )
    # A freeze in the middle: organizers' live grid ignores it (it shows everything).
    event.freeze_at = at(event, 12)
    db.session.commit()
    return SimpleNamespace(**locals())


def _individual_event() -> SimpleNamespace:
    event = make_event(mode="individual", review_policy="last")
    team = make_team(event, "Unit A")
    a, b = make_participant(event, team, "Ani"), make_participant(event, team, "Bima")
    c = make_participant(event, None, "Citra")
    cp1, cp2 = make_checkpoint(event, name="Pasar", position=1), make_checkpoint(event, position=2)
    q1, q2 = make_task(event, cp1, points=100), make_task(event, cp2, points=50)
    cr = make_task(event, cp2, kind="creative", choices=None, answer=None, points=60)
    free_q = make_task(event, None, points=10)
    org, org2 = judge(event, "organizer"), judge(event, "judge")
    checkin(event, cp1, at(event, 1), a)
    checkin(event, cp2, at(event, 2), b, accepted=False)
    checkin(event, cp2, at(event, 3), c)
    corrections.manual_checkin(
        event,
        checkpoint_id=cp1.id,
        team_id=None,
        participant_id=b.id,
        reason="phone dead",
        organizer=org,
        now=at(event, 4),
        actor="test",
    )
    corrections.manual_checkin(  # a team-only manual check-in: no participant's visit
        event,
        checkpoint_id=cp2.id,
        team_id=team.id,
        participant_id=None,
        reason="team card",
        organizer=org,
        now=at(event, 5),
        actor="test",
    )
    attempt(q1, a, at(event, 1), at(event, 2), answer="1953", correct=True, points=80)
    attempt(q1, b, at(event, 2), at(event, 3), answer="1946", correct=False)
    attempt(q2, c, at(event, 3), at(event, 4), answer="1953", correct=True, points=45)
    attempt(free_q, a, at(event, 5), at(event, 6), answer="1953", correct=True, points=9)
    odd = attempt(q2, a, at(event, 6), at(event, 7), answer="1953", correct=True, points=33)
    odd.answered_by_id = b.id  # points to who answered, the task done to the owner
    s1 = submission(attempt(cr, a, at(event, 8)), a, at(event, 9), status="approved")
    review(s1, org, 20, at(event, 10))
    review(s1, org2, 50, at(event, 11))  # policy "last": 50
    s2 = submission(attempt(cr, b, at(event, 8)), b, at(event, 9), status="approved")
    review(s2, org, 30, at(event, 10))
    review(s2, org2, 0, at(event, 11), verdict="reject")  # only approving reviews count
    submission(attempt(cr, c, at(event, 8)), c, at(event, 9))  # pending
    for n, (pid, pts) in enumerate(((a.id, 5), (c.id, -4))):
        corrections.adjust(
            event,
            team_id=None,
            participant_id=pid,
            points=pts,
            reason="fair play",
            key=f"ind-{n}",
            organizer=org,
            now=at(event, 20 + n),
            actor="test",
        )
    db.session.commit()
    return SimpleNamespace(**locals())


# --- Tests


def test_team_grid_equals_the_reference_through_changes(ctx):
    w = _team_event()
    event, org = w.event, w.org
    first = same_as_reference(event)
    assert _points(first, "Merah") == 90 + 43 + 40 + 15  # mean of 40, 45 rounds up; capped 40
    assert _cell(first, "Biru", w.cp2.id)["visited"]  # the manual check-in; the refusal not
    assert not _cell(first, "Hijau", w.cp3.id)["visited"]

    # A new check-in (does not bump the score version): shown on the next poll.
    checkin(event, w.cp3, at(event, 40), w.gita)
    db.session.commit()
    after = same_as_reference(event)
    assert _cell(after, "Hijau", w.cp3.id)["visited"] and after != first

    # A new answer, a review, an adjustment, a re-scoring, a disqualification.
    attempt(w.q2, w.budi, at(event, 41), at(event, 42), answer="1953", correct=True, points=55)
    db.session.commit()
    same_as_reference(event)
    reviews.judge(
        event,
        w.s_red.id,
        judge=org,
        verdict="approve",
        points=10,
        comment="",
        now=at(event, 43),
        actor="test",
    )
    db.session.commit()
    same_as_reference(event)
    corrections.rescore_task(event, w.q2.id, "1946", reason="typo", now=at(event, 44), actor="t")
    db.session.commit()
    same_as_reference(event)
    corrections.disqualify(event, w.s_cap.id, reason="late", now=at(event, 45), actor="t")
    db.session.commit()
    same_as_reference(event)
    # A newcomer's check-in; then the teamless player's team is set directly (the service
    # refuses a move after play; data from before a mode switch can look like this): their
    # check-in (no team on it) and their adjustment now count for Hijau.
    fresh = make_participant(event, w.green, "Fajar")
    db.session.commit()
    checkin(event, w.cp2, at(event, 46), fresh)
    db.session.commit()
    assert _cell(same_as_reference(event), "Hijau", w.cp2.id)["visited"]
    before_move = same_as_reference(event)
    solo = db.session.get(Participant, w.solo.id)
    solo.team_id = w.green.id
    db.session.commit()
    moved = same_as_reference(event)
    assert _cell(moved, "Hijau", w.cp1.id)["visited"]  # Solo's check-in at minute 5
    assert not _cell(before_move, "Hijau", w.cp1.id)["visited"]
    assert _points(moved, "Hijau") == _points(before_move, "Hijau") + 7
    people.rename_team(event, w.blue, "Biru Laut", actor="t")
    task = db.session.get(Task, w.q3.id)
    task.checkpoint_id = w.cp3.id
    db.session.commit()
    renamed = same_as_reference(event)
    assert "Biru Laut" in [r["name"] for r in renamed["rows"]]
    # A checkpoint renamed and a new one added: not tracked by the score version.
    cp = db.session.get(Checkpoint, w.cp1.id)
    cp.name = "Balai Kota Malang"
    make_checkpoint(event, name="Stasiun", position=0)
    db.session.commit()
    cps = same_as_reference(event)["checkpoints"]
    assert [c["name"] for c in cps][:2] == ["Stasiun", "Balai Kota Malang"]
    # The review policy changes the creative points.
    ev = db.session.get(Event, event.id)
    ev.review_policy = "last"
    db.session.commit()
    same_as_reference(event)
    # The event switches to individual mode: one row per participant.
    ev.mode = "individual"
    db.session.commit()
    assert len(same_as_reference(event)["rows"]) == 7


def test_individual_grid_equals_the_reference_through_changes(ctx):
    w = _individual_event()
    event = w.event
    first = same_as_reference(event)
    assert _points(first, "Ani") == 80 + 9 + 50 + 5
    assert _points(first, "Bima") == 33 + 30
    assert (
        _cell(first, "Ani", w.cp2.id)["done"] == 2 and _cell(first, "Ani", w.cp2.id)["points"] == 50
    )
    assert _cell(first, "Bima", w.cp1.id)["visited"]  # manual check-in of the participant
    assert not _cell(first, "Bima", w.cp2.id)["visited"]  # refused; the team card counts for no one
    checkin(event, w.cp2, at(event, 30), w.b)
    db.session.commit()
    assert _cell(same_as_reference(event), "Bima", w.cp2.id)["visited"]
    attempt(w.q2, w.b, at(event, 31), at(event, 32), answer="1953", correct=True, points=40)
    db.session.commit()
    same_as_reference(event)
    corrections.adjust(
        event,
        team_id=None,
        participant_id=w.b.id,
        points=12,
        reason="help",
        key="later",
        organizer=w.org,
        now=at(event, 33),
        actor="t",
    )
    db.session.commit()
    same_as_reference(event)


def test_the_poll_json_is_the_reference_grid(client, ctx):
    from tests.app.test_live_support import log_in_organizer

    w = _team_event()
    log_in_organizer(client, w.org)
    url = f"/organize/e/{w.event.slug}/live.json"
    assert client.get(url).get_json()["grid"] == reference_payload(w.event)
    db.session.rollback()
    checkin(w.event, w.cp3, at(w.event, 50), w.gita)
    db.session.commit()
    polled = client.get(url).get_json()["grid"]
    assert polled == reference_payload(w.event)
    assert _cell(polled, "Hijau", w.cp3.id)["visited"]


def test_a_poll_that_names_the_tag_of_its_grid_gets_none_until_it_changes(client, ctx):
    """The poll sends the grid with a tag; a poll naming that tag gets ``null`` while the grid
    is the same, the new grid once it changed; an unknown tag gets the grid."""
    from tests.app.test_live_support import log_in_organizer

    w = _team_event()
    log_in_organizer(client, w.org)
    url = f"/organize/e/{w.event.slug}/live.json"
    first = client.get(url).get_json()
    tag = first["grid_tag"]
    assert first["grid"] == reference_payload(w.event) and len(tag) == 24
    db.session.rollback()
    again = client.get(url, query_string={"grid": tag}).get_json()
    assert again["grid"] is None and again["grid_tag"] == tag
    assert client.get(url, query_string={"grid": "x" * 24}).get_json()["grid"] == first["grid"]
    checkin(w.event, w.cp3, at(w.event, 50), w.gita)
    db.session.commit()
    changed = client.get(url, query_string={"grid": tag}).get_json()
    assert changed["grid_tag"] != tag
    assert changed["grid"] == reference_payload(w.event) != first["grid"]
    assert _cell(changed["grid"], "Hijau", w.cp3.id)["visited"]


def test_an_uncommitted_or_rolled_back_write_is_never_cached(ctx):
    w = _team_event()
    event = w.event
    before = same_as_reference(event)
    # A check-in flushed but not committed: this session sees it, nobody keeps it. On SQLite
    # the rolled-back id is handed out again, so the next check-in brings back the same
    # count, highest id and sum: the rolled-back visit must not come back with it.
    checkin(event, w.cp3, at(event, 40), w.gita)
    assert _cell(_polled(event), "Hijau", w.cp3.id)["visited"]
    db.session.rollback()
    checkin(event, w.cp2, at(event, 41), w.gita)
    db.session.commit()
    payload = same_as_reference(event)
    assert _cell(payload, "Hijau", w.cp2.id)["visited"]
    assert not _cell(payload, "Hijau", w.cp3.id)["visited"]
    # Points written but not committed move the version to one that a later commit reuses.
    attempt(w.q3, w.gita, at(event, 42), at(event, 43), answer="1953", correct=True, points=70)
    assert _points(_polled(event), "Hijau") == _points(before, "Hijau") + 70
    db.session.rollback()
    corrections.adjust(
        event,
        team_id=w.green.id,
        participant_id=None,
        points=1,
        reason="one",
        key="one",
        organizer=w.org,
        now=at(event, 44),
        actor="t",
    )
    db.session.commit()
    assert _points(same_as_reference(event), "Hijau") == _points(before, "Hijau") + 1


def test_unchanged_polls_share_one_text(ctx):
    w = _team_event()
    first = live_grid.grid_json(w.event)
    db.session.rollback()
    assert live_grid.grid_json(w.event) is first  # nothing changed: built once
    tagged = live_grid.grid_page(w.event, 1)[0]  # and tagged once, not hashed again each poll
    assert tagged is live_grid.grid_page(w.event, 1)[0] and tagged.text is first
    checkin(w.event, w.cp3, at(w.event, 40), w.gita)
    db.session.commit()
    assert live_grid.grid_json(w.event) is not first


def test_counts_in_one_pass_match_the_separate_counts(ctx):
    w = _team_event()
    event = w.event
    flag = [{"code": "same_position", "detail": "identical coordinates to the last fix"}]
    checkin(event, w.cp1, at(event, 50), w.budi, flags=flag)
    decided = checkin(event, w.cp2, at(event, 51), w.bela, flags=flag)
    checkin(event, w.cp3, at(event, 52), w.bela, accepted=False, flags=flag)
    live.decide_flag(event, decided.id, "cleared", "bench by the fountain", actor="t")
    db.session.commit()
    refused = db.session.scalars(
        select(CheckIn).where(CheckIn.event_id == event.id, CheckIn.accepted.is_(False))
    ).all()
    assert live.counts(event) == {
        "pending_reviews": 1,  # Budi's at Tugu
        "open_flags": len(live.flagged(event, undecided_only=True)),
        "refused_checkins": len(refused),
    }
    assert live.counts(event)["open_flags"] == 2 and len(refused) == 3


# --- Advancing after narrow changes


def _grid_world(mode: str) -> SimpleNamespace:
    """The leaderboard walk's world, its tasks at three checkpoints (one anywhere), and some
    check-ins."""
    from tests.app.test_leaderboard_incremental import _world

    w = _world(mode, checkpoints=3)
    for i, who in enumerate(w.people[:6]):
        checkin(w.event, w.cps[i % 3], at(w.event, 0.5), who)
    db.session.commit()
    return w


def _whole_grid_sums(statements: list[str]) -> int:
    """The grid's GROUP BYs over the whole event's attempts (not narrowed by an IN list)."""
    return sum("GROUP BY task.checkpoint_id" in s and " IN (" not in s for s in statements)


def test_a_random_walk_keeps_the_advanced_grid_equal_to_the_reference(ctx):
    """Every kind of change, in both modes: after a narrow one the grid is advanced (only the
    touched rows summed again, by an IN list), after a full one summed anew; either way it
    equals the reference."""
    from tests.app.test_leaderboard_cache import QueryCounter
    from tests.app.test_leaderboard_incremental import _step

    for mode in ("team", "individual"):
        w = _grid_world(mode)
        rnd = random.Random(f"grid-walk-{mode}")
        same_as_reference(w.event)
        kinds: dict[str, int] = defaultdict(int)
        for step in range(70):
            before = score_version.state(db.session, w.event.id).version
            kind = _step(w, rnd, 1 + step).split(":")[0]
            if score_version.state(db.session, w.event.id).version == before:
                kind = "no change"
            kinds[kind] += 1
            db.session.rollback()
            with QueryCounter() as seen:
                live_grid.grid_json(db.session.get(Event, w.event.id))
            if kind == "narrow":
                assert _whole_grid_sums(seen.statements) == 0, f"step {step} summed everything"
            elif kind in ("full", "kept"):  # the grid keeps no part across a full change
                assert _whole_grid_sums(seen.statements) == 1, f"step {step} advanced"
            same_as_reference(w.event)
        assert kinds["narrow"] >= 35 and kinds["full"] + kinds["kept"] >= 5, kinds
        before_totals = [c["total"] for c in same_as_reference(w.event)["checkpoints"]]
        make_task(w.event, w.cps[0], points=5)  # narrow: no points, one more task to do
        db.session.commit()
        with QueryCounter() as seen:
            totals = [c["total"] for c in same_as_reference(w.event)["checkpoints"]]
        assert _whole_grid_sums(seen.statements) == 0
        assert totals == [before_totals[0] + 1, *before_totals[1:]], (before_totals, totals)


def _visit_reads(statements: list[str]) -> tuple[int, int]:
    """(reads of all the event's accepted check-ins, reads of only those above an id)."""
    checkins = [s for s in statements if "FROM checkin" in s and "GROUP BY" not in s]
    above = sum("checkin.id >" in s for s in checkins)
    whole = sum("checkin.accepted IS" in s and "checkin.id >" not in s for s in checkins)
    return whole, above


def test_new_check_ins_are_read_alone_and_a_late_lower_id_reads_them_all(ctx):
    """During a race every dashboard poll follows new check-ins: only those are read (the
    check-ins above the highest id the kept visits were made from), in both modes, refused,
    manual and members' ones alike, and the grid equals the reference. A check-in that
    commits after the dashboard saw a higher id is not above it: its poll reads them all."""
    from tests.app.test_leaderboard_cache import QueryCounter

    for mode in ("team", "individual"):
        w = _grid_world(mode)
        same_as_reference(w.event)
        rnd = random.Random(f"visits-{mode}")
        for step in range(12):
            who, cp = rnd.choice(w.people), rnd.choice(w.cps)
            kind = rnd.choice(["member", "refused", "manual"] if mode == "team" else ["own", "no"])
            if kind == "manual":
                checkin(w.event, cp, at(w.event, 1 + step), team_id=who.team_id, verdict="manual")
            else:
                checkin(w.event, cp, at(w.event, 1 + step), who, accepted=kind in ("member", "own"))
            db.session.commit()
            with QueryCounter() as seen:
                live_grid.grid_json(db.session.get(Event, w.event.id))
            assert _visit_reads(seen.statements) == (0, 1), (step, kind)
            same_as_reference(w.event)
        # A check-in with an id below one the dashboard has seen (as one that commits late):
        # an id taken and freed again, then used once the higher one was seen.
        late_id = checkin(w.event, w.cps[2], at(w.event, 30), w.people[-1]).id
        higher_id = checkin(w.event, w.cps[1], at(w.event, 31), w.people[-1]).id
        db.session.commit()
        db.session.delete(db.session.get(CheckIn, late_id))
        db.session.commit()
        assert higher_id > late_id
        seen_payload = same_as_reference(w.event)  # the dashboard sees the higher id
        cp = w.cps[2]

        names = {p.id: p.team.name if mode == "team" else p.name for p in w.people}
        who = next(p for p in w.people if not _cell(seen_payload, names[p.id], cp.id)["visited"])
        db.session.add(
            CheckIn(
                id=late_id,
                event_id=w.event.id,
                checkpoint_id=cp.id,
                participant_id=who.id,
                team_id=who.team_id,
                created_at=at(w.event, 32),
                verdict="ok",
                accepted=True,
                flags=[],
            )
        )
        db.session.commit()
        with QueryCounter() as seen:
            payload = json.loads(live_grid.grid_json(db.session.get(Event, w.event.id)))
        assert _visit_reads(seen.statements) == (1, 1)
        assert _cell(payload, names[who.id], cp.id)["visited"]
        same_as_reference(w.event)


def test_a_check_in_committed_after_a_higher_one_is_seen_on_postgresql(ctx):
    """Two check-ins in flight on two connections (PostgreSQL's sequence hands out ids before
    commit): the one with the higher id commits first and a poll sees it, then the lower one
    commits; the next poll shows its visit too (read in full, the marks' difference says so)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers: ids commit in their order")
    w = _grid_world("team")
    seen_payload = same_as_reference(w.event)
    cps = {cp.id for cp in w.cps}
    names = {p.id: p.team.name for p in w.people}
    free = [
        (p, cp_id)
        for p in w.people
        for cp_id in sorted(cps)
        if not _cell(seen_payload, names[p.id], cp_id)["visited"]
    ]
    (first, first_cp), (second, second_cp) = (
        free[0],
        next(f for f in free if names[f[0].id] != names[free[0][0].id]),
    )
    insert = CheckIn.__table__.insert().returning(CheckIn.id)

    def row(p: Participant, cp_id: int) -> dict[str, Any]:
        return {
            "event_id": w.event.id,
            "checkpoint_id": cp_id,
            "participant_id": p.id,
            "team_id": p.team_id,
            "created_at": at(w.event, 40),
            "verdict": "ok",
            "accepted": True,
            "flags": [],
            "flagged": False,
        }

    with db.engine.connect() as slow, db.engine.connect() as quick:
        low = slow.execute(insert, row(first, first_cp)).scalar_one()  # not committed yet
        high = quick.execute(insert, row(second, second_cp)).scalar_one()
        quick.commit()
        assert high > low
        db.session.rollback()
        payload = same_as_reference(w.event)
        assert _cell(payload, names[second.id], second_cp)["visited"]
        assert not _cell(payload, names[first.id], first_cp)["visited"]
        slow.commit()
    db.session.rollback()
    payload = same_as_reference(w.event)
    assert _cell(payload, names[first.id], first_cp)["visited"]
