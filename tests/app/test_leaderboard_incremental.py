"""Incremental leaderboard tallies: after a narrow score version (answered questions only) the
cached board is brought up to date by summing again only the teams and participants of the
stamped attempts (services/score_version.py, services/leaderboard.py).

The proof is a random walk of every kind of change, narrow and full, on the real database,
with a freeze moment too: after each commit the cached (advanced) tallies must equal a sum of
the whole event from scratch, and the narrow steps must really have taken the short way.
Then the same under threads: writers answer while readers poll, every writer sees its own
answer at once, and the end state equals the full sum.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from flask import Flask
from sqlalchemy import or_, select, update

from checkpoints.timeutil import utc_now
from quizengine.extensions import db
from quizengine.models import (
    Adjustment,
    Attempt,
    Event,
    Participant,
    Review,
    ScoreVersion,
    Submission,
    Task,
    Team,
)
from quizengine.services import attempts, leaderboard, people, ranking, score_version
from tests.app.test_leaderboard_cache import QueryCounter
from tests.app.test_live_support import attempt, checkin, judge, review, submission
from tests.builders import (
    at,
    make_checkpoint,
    make_event,
    make_participant,
    make_task,
    make_team,
)

NARROWED = re.compile(r" IN \((?:\?|%\()")  # ids bound: "IN (?, ..." or "IN (%(teams_1_1)s, ..."


def _whole_event_sums(counter: QueryCounter) -> int:
    """GROUP BYs over the whole event's attempts (not narrowed by an IN list of bound ids;
    the answered statuses' IN list is of literals); the judged submissions' GROUP BY (sums
    of reviews) is not one."""
    return sum(
        "GROUP BY" in s.upper() and not NARROWED.search(s) and "sum(attempt.points)" in s
        for s in counter.statements
    )


def _tuples(tallies: dict[int, Any]) -> dict[int, tuple[int, Any, int]]:
    """Tallies as comparable values; an all-zero tally is the same as none."""
    out = {}
    for ident, t in tallies.items():
        if (t.points, t.reached_at, t.tasks_done) != (0, None, 0):
            out[ident] = (t.points, t.reached_at, t.tasks_done)
    return out


def _assert_current(event: Event, until: Any = None) -> None:
    """The cached path's tallies equal a sum of the whole event from scratch."""
    now = score_version.state(db.session, event.id)
    board = leaderboard._board(event, until, teams_only=False, now=now)
    teams, people = board.teams, board.people
    fresh = leaderboard._compute_board(event, until, teams_only=False, now=now)
    assert _tuples(teams) == _tuples(fresh.teams)
    assert _tuples(people) == _tuples(fresh.people)
    only_teams = leaderboard._board(event, until, teams_only=True, now=now).teams
    assert _tuples(only_teams) == _tuples(fresh.teams)
    ranked = {s.id: s.points for s in leaderboard.team_standings(event, until)}
    assert ranked == {tid: fresh.teams[tid].points if tid in fresh.teams else 0 for tid in ranked}
    # The names the boards show are the current ones (renames and new rows move no points).
    team_names = dict(
        db.session.execute(select(Team.id, Team.name).where(Team.event_id == event.id)).all()
    )
    assert {s.id: s.name for s in leaderboard.team_standings(event, until)} == team_names
    people = db.session.execute(
        select(Participant.id, Participant.name, Team.name)
        .outerjoin(Team)
        .where(Participant.event_id == event.id)
    ).all()
    shown = {s.id: (s.name, s.team_name) for s in leaderboard.participant_standings(event, until)}
    assert shown == {pid: (name, team or "") for pid, name, team in people}
    # Rank and order too: the boards (ranked from the ranking before, when cached) equal the
    # fresh tallies sorted anew.
    zero = leaderboard._ZERO
    rows = [(tid, name, name) for tid, name in team_names.items()]
    anew = ranking.ranked(rows, fresh.teams, zero)
    assert leaderboard.team_standings(event, until) == list(anew.standings)
    anew = ranking.ranked(people, fresh.people, zero)
    assert leaderboard.participant_standings(event, until) == list(anew.standings)


def _world(mode: str = "team", checkpoints: int = 0) -> SimpleNamespace:
    """Four teams, ten participants, six questions and a creative task; with ``checkpoints``,
    that many checkpoints holding the first five questions and the creative task in turn (the
    sixth question needs no place)."""
    event = make_event(mode=mode)
    cps = [make_checkpoint(event, name=f"Pos {i}", position=i) for i in range(checkpoints)]
    teams = [make_team(event, f"Tim {i}") for i in range(4)]
    people = [make_participant(event, teams[i % 4], f"Peserta {i}") for i in range(10)]
    questions = [
        make_task(event, cps[i % len(cps)] if cps and i < 5 else None, points=10 * (i + 1))
        for i in range(6)
    ]
    place = cps[1 % len(cps)] if cps else None
    creative = make_task(event, place, kind="creative", choices=None, answer=None, points=50)
    org = judge(event, "organizer")
    db.session.commit()
    return SimpleNamespace(
        event=event,
        cps=cps,
        teams=teams,
        people=people,
        questions=questions,
        creative=creative,
        org=org,
    )


def _owner(w: SimpleNamespace, who: Participant) -> str:
    return f"team:{who.team_id}" if w.event.mode == "team" else f"participant:{who.id}"


def _free(w: SimpleNamespace, rnd: random.Random) -> tuple[Any, Participant] | None:
    """A question and a player whose owner has no attempt at it yet."""
    for _ in range(50):
        task, who = rnd.choice(w.questions), rnd.choice(w.people)
        owner = _owner(w, who)
        taken = db.session.scalar(
            select(Attempt.id).where(Attempt.task_id == task.id, Attempt.owner == owner)
        )
        if taken is None and who.team_id is not None:
            return task, who
    return None


def _answered(w: SimpleNamespace) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.event_id == w.event.id, Attempt.answered_at.is_not(None))
            .order_by(Attempt.id)
        )
    )


def _step(w: SimpleNamespace, rnd: random.Random, minute: float) -> str:
    """One random change, committed; returns its kind ("narrow", "kept: ..." or "full: ...")."""
    event = w.event
    kind = rnd.choice(
        ["answer"] * 4
        + ["start then answer"] * 3
        + ["correct"] * 2
        + ["late zero"]
        + ["unnamed answer", "name answerer"] * 2
        + ["review"] * 3
        + ["re-review", "reject"]
        + ["adjust"] * 3
        + ["re-adjust", "move adjustment", "delete adjustment"]
        + ["move", "policy"] * 2  # kept unless the mover holds no adjustment (then names)
        + ["reassign", "delete", "retask"]
        + ["rename", "join", "edit task"]  # narrow, no points move: nothing is summed again
        + ["drop"] * 3  # a participant or task deleted: names only unless it held points
    )
    answered = _answered(w)
    if kind in ("correct", "reassign", "delete", "late zero") and not answered:
        kind = "answer"
    unnamed = [a for a in answered if a.answered_by_id is None]
    if kind == "name answerer" and not unnamed:
        kind = "unnamed answer"
    if kind == "name answerer":  # the starter scored it until an answerer is named
        a = rnd.choice(unnamed)
        a.answered_by_id = rnd.choice([p for p in w.people if p.id != a.participant_id]).id
        db.session.commit()
        return "narrow"
    if kind in ("answer", "start then answer", "unnamed answer"):
        free = _free(w, rnd)
        if free is None:
            kind = "correct"
        else:
            task, who = free
            when = at(event, minute)
            if kind == "answer":
                attempt(task, who, when, when, points=rnd.randrange(0, 100), correct=True)
            elif kind == "unnamed answer":  # as rows loaded with SQL may be: no answerer
                a = attempt(task, who, when)
                a.answered_at, a.points, a.correct = when, rnd.randrange(1, 100), True
                a.status = "answered"
            else:
                a = attempt(task, who, when)
                db.session.commit()  # the start: no score changes
                db.session.refresh(a)  # loaded again, as by the answer's request
                a.answered_at = when + timedelta(seconds=20)
                a.answered_by_id = rnd.choice([p for p in w.people if p.team_id == who.team_id]).id
                a.points, a.correct, a.status = rnd.randrange(1, 100), True, "answered"
            db.session.commit()
            return "narrow"
    if kind == "correct":
        rnd.choice(answered).points = rnd.randrange(0, 100)
    elif kind == "late zero":
        a = rnd.choice(answered)
        a.points, a.status, a.correct = 0, "late", False
    elif kind == "adjust":  # to a participant or a whole team
        who = rnd.choice(w.people)
        team = rnd.choice([None, who.team_id])
        db.session.add(
            Adjustment(
                event_id=event.id,
                participant_id=who.id if team is None else None,
                team_id=team,
                points=rnd.randrange(-20, 20),
                reason="bonus",
                key=f"adj-{minute}",
                created_at=at(event, minute),
            )
        )
    elif kind in ("re-adjust", "move adjustment", "delete adjustment"):
        adjustments = list(
            db.session.scalars(select(Adjustment).where(Adjustment.event_id == event.id))
        )
        if not adjustments:
            return _step(w, rnd, minute)
        adj = rnd.choice(adjustments)
        if kind == "re-adjust":
            adj.points = rnd.randrange(-20, 20)
        elif kind == "move adjustment":
            adj.team_id, adj.participant_id = None, rnd.choice(w.people).id
        else:
            db.session.delete(adj)
    elif kind == "move":  # names only, unless the participant's adjustments follow them
        who = rnd.choice(w.people)
        who.team = rnd.choice(w.teams)
        adjusted = select(Adjustment.id).where(Adjustment.participant_id == who.id)
        db.session.commit()
        return "kept: move" if _found(adjusted) else "narrow: move"
    elif kind == "reassign":  # another answerer named instead of the one named
        named = [a for a in answered if a.answered_by_id is not None]
        if not named:
            return _step(w, rnd, minute)
        a = rnd.choice(named)
        a.answered_by_id = rnd.choice([p for p in w.people if p.id != a.answered_by_id]).id
    elif kind == "delete":
        db.session.delete(rnd.choice(answered))
    elif kind == "review":
        who = rnd.choice(w.people)
        owner = _owner(w, who)
        a = db.session.scalar(
            select(Attempt).where(Attempt.task_id == w.creative.id, Attempt.owner == owner)
        ) or attempt(w.creative, who, at(event, minute))
        sub = submission(a, who, at(event, minute), status="approved")
        review(sub, w.org, rnd.randrange(0, 60), at(event, minute + 0.5))
    elif kind in ("re-review", "reject"):
        reviews = list(
            db.session.scalars(
                select(Review).join(Submission).where(Submission.event_id == event.id)
            )
        )
        if not reviews:
            return _step(w, rnd, minute)
        r = rnd.choice(reviews)
        if kind == "re-review":  # a judge revising their points
            r.points, r.updated_at = rnd.randrange(0, 60), at(event, minute)
        else:
            r.submission.status = rnd.choice(["rejected", "approved", "pending"])
    elif kind == "retask":  # a question's points move no answer's; a creative task's cap does
        task = w.creative if rnd.random() < 0.5 else rnd.choice(w.questions)
        task.points = rnd.randrange(5, 60)  # judges give 0-59: the cap often binds
        db.session.commit()  # the creative task's few judged attempts stamped
        return "narrow"
    elif kind == "policy":  # how the judges' points combine: every judged attempt's points
        event.review_policy = "last" if event.review_policy == "mean" else "mean"
    elif kind == "rename":
        rnd.choice([*w.teams, *w.people]).name += f" {minute:g}"
    elif kind == "join":  # a late registration, in a team
        w.people.append(make_participant(event, rnd.choice(w.teams), f"Terlambat {minute:g}"))
    elif kind == "edit task":
        rnd.choice(w.questions).title = f"Soal {minute:g}"
    elif kind == "drop":
        return _drop(w, rnd, minute)
    db.session.commit()
    narrow = ("correct", "late zero", "review", "re-review", "reject", "adjust", "re-adjust")
    narrow += ("rename", "join", "edit task")
    # Full, but no question points can move: the board keeps its question tallies.
    kept = ("policy", "move adjustment", "delete adjustment")
    if kind in narrow:
        return "narrow"
    return f"kept: {kind}" if kind in kept else f"full: {kind}"


def _found(*queries: Any) -> bool:
    """Does any of these queries find a row?"""
    return any(db.session.scalar(q.limit(1)) is not None for q in queries)


def _drop(w: SimpleNamespace, rnd: random.Random, minute: float) -> str:
    """Delete a participant or a question (their attempts go with them, by the database's
    cascade), keeping at least six people and three questions; its kind ("narrow: drop" when
    it held no points, only a name; "kept: drop" when it held no attempt, but a submission
    or an adjustment)."""
    pool = [*w.people, *w.questions] if len(w.people) > 6 else list(w.questions)
    if len(w.questions) <= 3:
        pool = [p for p in pool if isinstance(p, Participant)]
    if not pool:
        return _step(w, rnd, minute)
    victim = rnd.choice(pool)
    others: tuple[Any, ...] = ()  # rows that hold points other than attempts
    if isinstance(victim, Participant):
        w.people.remove(victim)
        held = or_(Attempt.participant_id == victim.id, Attempt.answered_by_id == victim.id)
        others = (
            select(Submission.id).where(Submission.participant_id == victim.id),
            select(Adjustment.id).where(Adjustment.participant_id == victim.id),
        )
    else:
        w.questions.remove(victim)
        held = Attempt.task_id == victim.id
    played = _found(select(Attempt.id).where(held))
    points = played or _found(*others)
    db.session.delete(victim)
    db.session.commit()
    if not points:
        return "narrow: drop"
    return "full: drop played" if played else "kept: drop"


def test_a_random_walk_of_changes_keeps_the_advanced_board_equal_to_a_full_sum(ctx):
    for mode in ("team", "individual"):
        w = _world(mode)
        event = w.event
        rnd = random.Random(f"walk-{mode}")
        freeze = at(event, 40)
        _assert_current(event)
        _assert_current(event, freeze)
        kinds: dict[str, int] = {}
        for step in range(80):
            before = score_version.state(db.session, event.id).version
            kind = _step(w, rnd, 1 + step)
            if score_version.state(db.session, event.id).version == before:
                kind = "no change"  # e.g. points corrected to what they were
            kinds[kind.split(":")[0]] = kinds.get(kind.split(":")[0], 0) + 1
            if ":" in kind:
                kinds[kind] = kinds.get(kind, 0) + 1
            with QueryCounter() as seen:
                _assert_current(event)
                cached_sums = _whole_event_sums(seen) - 1  # the check's own fresh sum
            if kind.startswith(("narrow", "kept")):
                assert cached_sums == 0, f"step {step} ({kind}) summed the whole event"
                assert any("scored_version >" in s for s in seen.statements), f"step {step}"
            elif kind != "no change":
                assert cached_sums >= 1, f"step {step} ({kind}) reused a board across it"
            _assert_current(event, freeze)
        assert kinds["narrow"] >= 40 and kinds["full"] >= 4 and kinds["kept"] >= 4, kinds
        # Unplayed rows deleted, participants without adjustments moved: names only.
        assert kinds.get("narrow: drop", 0) >= 1 and kinds.get("narrow: move", 0) >= 1, kinds


def test_answers_reviews_and_adjustments_are_narrow_and_stamped_a_deletion_is_full(ctx):
    w = _world()
    event, ana = w.event, w.people[0]
    before = score_version.state(db.session, event.id)
    a = attempt(w.questions[0], ana, at(event, 1), at(event, 2), points=30, correct=True)
    db.session.commit()
    after = score_version.state(db.session, event.id)
    assert after.version == before.version + 1 and after.full_version == before.full_version
    assert a.scored_version == after.version
    start = attempt(w.questions[1], ana, at(event, 3))
    db.session.commit()  # a start moves nothing
    assert score_version.state(db.session, event.id) == after
    assert start.scored_version is None
    c = attempt(w.creative, ana, at(event, 4))
    db.session.commit()
    sub = submission(c, w.people[4], at(event, 5), status="approved")  # a teammate's photo
    db.session.commit()
    db.session.expire_all()
    review(db.session.get(Submission, sub.id), w.org, 40, at(event, 6))  # attempt not loaded
    db.session.commit()
    judged = score_version.state(db.session, event.id)
    assert judged.version > after.version and judged.full_version == after.full_version
    assert db.session.get(Attempt, c.id).scored_version == judged.version
    adj = Adjustment(event_id=event.id, team_id=ana.team_id, points=5, reason="r", key="adj")
    db.session.add(adj)
    db.session.commit()
    adjusted = score_version.state(db.session, event.id)
    assert adjusted.full_version == after.full_version
    assert adj.scored_version == adjusted.version == judged.version + 1
    db.session.delete(adj)
    db.session.commit()
    last = score_version.state(db.session, event.id)
    assert last.full_version == last.version == adjusted.version + 1


def _change(event_id: int, change: Any) -> tuple[score_version.State, score_version.State]:
    """The event's score version before and after ``change()`` is committed."""
    before = score_version.state(db.session, event_id)
    change()
    db.session.commit()
    return before, score_version.state(db.session, event_id)


def test_edits_that_move_no_points_are_narrow_a_name_moves_the_names_version(ctx, monkeypatch):
    """Renames, new teams and participants, a task's text, the event's title, a new login
    link, a question's points, and a team, participant or task that holds no points deleted,
    an unplayed task's points, kind or checkpoint changed: the version moves (what was built
    from it is built again) but not the full version, and the names version only for names
    (a deleted team or participant is one, and a participant without adjustments moved to
    another team). A played creative task's points (its cap) are narrow too, its submitted
    attempts stamped, unless they are more than MAX_CAPPED. Those, the review policy, the
    move of a participant with adjustments, deleting a row that holds points (an attempt, a
    submission, an adjustment), a played task moved to another checkpoint (the live grid shows
    its points there) or given another kind, and the mode are full; of those only deleting a
    row that holds attempts, and a new kind for a task that has some, can move question
    points. The names version moves with those, and with a deleted team or participant and a
    team move."""
    monkeypatch.setattr(score_version, "MAX_CAPPED", 1)  # two photos are "many"
    w = _world()
    event, ana, task = w.event, w.people[0], w.questions[0]
    attempt(task, ana, at(event, 1), at(event, 2), points=30, correct=True)
    cid, played = w.people[5], w.questions[1]  # Cid answered a task Peserta 1 started
    attempt(played, w.people[1], at(event, 3), at(event, 4), points=5, correct=True)
    db.session.flush()
    db.session.execute(
        update(Attempt).where(Attempt.task_id == played.id).values(answered_by_id=cid.id)
    )
    photo = attempt(w.creative, w.people[2], at(event, 5))  # Peserta 6 sent the photo
    db.session.commit()
    review(submission(photo, w.people[6], at(event, 6), status="approved"), w.org, 40, at(event, 7))
    fined = w.people[7]
    db.session.add(
        Adjustment(event_id=event.id, participant_id=fined.id, points=-5, reason="r", key="p")
    )
    bonus_team = make_team(event, "Tim Bonus")
    db.session.flush()
    db.session.add(
        Adjustment(event_id=event.id, team_id=bonus_team.id, points=5, reason="r", key="t")
    )
    spare_team, spare_task = make_team(event, "Tim Kosong"), make_task(event, points=5)
    spare_creative = make_task(event, kind="creative", choices=None, answer=None, points=20)
    crowded = make_task(event, kind="creative", choices=None, answer=None, points=20)
    for who in w.people[:2]:  # two teams' photos, approved
        sent = submission(attempt(crowded, who, at(event, 8)), who, at(event, 9), status="approved")
        review(sent, w.org, 10, at(event, 10))
    db.session.commit()
    narrow = {
        "task text": lambda: setattr(task, "title", "Soal baru"),
        "event title": lambda: setattr(event, "title", "Lomba baru"),
        "login link": lambda: setattr(ana, "login_token", "t" * 24),
        "unit": lambda: setattr(ana, "unit", "Dinas Kominfo"),
        "new task": lambda: make_task(event, points=70),
        "question points": lambda: setattr(task, "points", 55),
        "unplayed creative task's points": lambda: setattr(spare_creative, "points", 25),
        "unplayed task moved": lambda: setattr(
            w.questions[3], "checkpoint", make_checkpoint(event)
        ),
        "unplayed task's kind": lambda: setattr(w.questions[4], "kind", "creative"),
        "unplayed task deleted": lambda: db.session.delete(spare_task),
        "creative task points": lambda: setattr(w.creative, "points", 45),
    }
    names = {
        "team rename": lambda: setattr(w.teams[1], "name", "Tim Elang"),
        "participant rename": lambda: setattr(ana, "name", "Ana S."),
        "new team": lambda: make_team(event, "Tim Baru"),
        "new participant": lambda: make_participant(event, w.teams[2], "Budi Baru"),
        "unplayed participant deleted": lambda: db.session.delete(w.people[9]),
        "unplayed team deleted": lambda: db.session.delete(spare_team),
        "team move": lambda: setattr(w.people[1], "team", w.teams[3]),  # no adjustment
    }
    full = {
        "crowded creative task points": lambda: setattr(crowded, "points", 15),
        "review policy": lambda: setattr(event, "review_policy", "last"),
        "adjusted participant's move": lambda: setattr(fined, "team", w.teams[0]),
        "author deleted": lambda: db.session.delete(w.people[6]),
        "adjusted participant deleted": lambda: db.session.delete(fined),
        "adjusted team deleted": lambda: db.session.delete(bonus_team),
        "task moved": lambda: setattr(task, "checkpoint", make_checkpoint(event)),
        "answerer deleted": lambda: db.session.delete(cid),
        "played task's kind": lambda: setattr(played, "kind", "creative"),
        "mode": lambda: setattr(event, "mode", "individual"),
    }
    moves_questions = {"answerer deleted", "played task's kind"}
    # Kept changes that change the names on the boards (rows gone, a participant's team).
    moves_names = {
        "adjusted participant's move",
        "author deleted",
        "adjusted participant deleted",
        "adjusted team deleted",
    }
    for what, change in {**narrow, **names, **full}.items():
        before, after = _change(event.id, change)
        assert after.version == before.version + 1, what
        if what in full:
            assert after.full_version == after.version, what
            kept = what not in moves_questions
            assert after.kept_count == before.kept_count + kept, what
            names_moved = not kept or what in moves_names
            expected = after.version if names_moved else before.names_version
            assert after.names_version == expected, what
            continue
        assert after.full_version == before.full_version, what
        assert after.narrow_count == before.narrow_count + 1, what
        expected = after.version if what in names else before.names_version
        assert after.names_version == expected, what
        if what == "creative task points":  # the judged attempt stamped
            assert db.session.get(Attempt, photo.id).scored_version == after.version
    assert [s.name for s in leaderboard.team_standings(event)][:1] == ["Tim 0"]  # 30 points
    shown = {s.name for s in leaderboard.participant_standings(event)}
    assert {"Ana S.", "Budi Baru"} <= shown and "Peserta 0" not in shown


def test_a_row_holds_points_through_any_attempt_submission_or_adjustment(ctx):
    """What decides that a deletion moves names only: each kind of row that carries points
    keeps a team, a participant or a task held, a member's for their team too."""
    w = _world()
    event = w.event
    held = score_version._holds_no_points
    empty = make_team(event, "Tim Kosong")
    loner = make_participant(event, empty, "Sendiri")
    db.session.commit()
    assert held(db.session, empty) and held(db.session, loner)
    assert held(db.session, w.questions[0]) and held(db.session, w.creative)
    assert not held(db.session, event)  # an event is never only names
    started = attempt(w.questions[0], w.people[0], at(event, 1), at(event, 2), points=10)
    db.session.commit()
    assert not held(db.session, w.questions[0]) and not held(db.session, w.people[0])
    assert not held(db.session, w.teams[0])
    started.answered_by_id = w.people[4].id  # a teammate answered it
    db.session.commit()
    assert not held(db.session, w.people[4])
    photo = attempt(w.creative, w.people[1], at(event, 3))
    db.session.commit()
    submission(photo, w.people[5], at(event, 4))
    db.session.commit()
    assert not held(db.session, w.creative) and not held(db.session, w.people[5])
    # A member's points hold their team: by the team's own adjustment, by a member's
    # adjustment, submission, attempt (one made in another team before a move) or answer (to
    # another team's attempt, before a move).
    grants = ("team adjustment", "adjustment", "submission", "attempt", "answer")
    for i, grant in enumerate(grants):
        team = make_team(event, f"Tim {grant}")
        member = make_participant(event, team, f"Anggota {i}")
        db.session.commit()
        assert held(db.session, team), grant
        if grant == "team adjustment":
            db.session.add(
                Adjustment(event_id=event.id, team_id=team.id, points=1, reason="r", key=grant)
            )
        elif grant == "adjustment":
            db.session.add(
                Adjustment(
                    event_id=event.id, participant_id=member.id, points=1, reason="r", key=grant
                )
            )
        elif grant == "submission":
            submission(photo, member, at(event, 5))
        elif grant == "attempt":
            elsewhere = attempt(w.questions[1], member, at(event, 6), at(event, 7), points=3)
            elsewhere.team_id, elsewhere.answered_by_id = w.teams[3].id, None
        else:
            answered = attempt(w.questions[2], w.people[3], at(event, 8), at(event, 9), points=4)
            answered.answered_by_id = member.id
        db.session.commit()
        assert not held(db.session, team), grant


def test_the_answer_service_s_answer_is_narrow(ctx):
    w = _world()
    event, ana = w.event, w.people[0]
    cp = make_checkpoint(event)
    task = make_task(event, cp, points=100)
    now = utc_now()
    checkin(event, cp, now - timedelta(seconds=30), ana)
    db.session.commit()
    started = attempts.start(ana, task, now=now)
    db.session.commit()
    before = score_version.state(db.session, event.id)
    db.session.expire_all()  # a new request loads the attempt again
    outcome = attempts.answer(ana, task, "1953", "k" * 16, now=now + timedelta(seconds=5))
    db.session.commit()
    after = score_version.state(db.session, event.id)
    assert outcome.points > 0
    assert after.version == before.version + 1 and after.full_version == before.full_version
    assert db.session.get(Attempt, started.id).scored_version == after.version


def test_moving_an_answered_attempt_to_another_scorer_is_full(ctx):
    w = _world()
    event, ana, other = w.event, w.people[0], w.people[4]  # both in Tim 0
    a = attempt(w.questions[0], ana, at(event, 1), at(event, 2), points=30, correct=True)
    db.session.commit()
    assert leaderboard.participant_points(event, ana.id) == 30
    leaderboard.participant_standings(event)  # a cached board to advance from
    a.answered_by_id = other.id
    db.session.commit()
    state = score_version.state(db.session, event.id)
    assert state.full_version == state.version
    people = {s.id: s.points for s in leaderboard.participant_standings(event)}
    assert people[ana.id] == 0 and people[other.id] == 30


def test_a_bump_from_bulk_sql_is_full_by_default(ctx):
    w = _world()
    event = w.event
    version = score_version.bump(db.session, event.id)
    db.session.commit()
    row = db.session.get(ScoreVersion, event.id)
    assert row is not None and row.version == version == row.full_version
    assert score_version.bump(db.session, event.id, full=False) == version + 1
    db.session.commit()
    db.session.refresh(row)
    assert (row.version, row.full_version) == (version + 1, version)


def test_too_many_changed_teams_sum_the_whole_event(ctx, monkeypatch):
    w = _world()
    event = w.event
    leaderboard.participant_standings(event)
    for i, who in enumerate(w.people[:4]):
        attempt(w.questions[0], who, at(event, i), at(event, i), points=5, correct=True)
        db.session.commit()
    monkeypatch.setattr(leaderboard, "MAX_TOUCHED", 3)  # a knob, not our code path
    with QueryCounter() as seen:
        _assert_current(event)
    assert _whole_event_sums(seen) >= 2  # the cached path's own full sum, then the check's


@contextmanager
def _own_request(app: Flask) -> Iterator[None]:
    """Inside a request of its own (own session, own connection), the session removed after
    it whatever happened."""
    with app.test_request_context("/", method="POST"):
        try:
            yield
        finally:
            db.session.remove()


def _answer_in_own_session(app: Flask, ids: dict[str, Any], n: int, seen: list[str]) -> None:
    """One writer: answers its player's questions one by one, each in its own request (own
    session, own connection), and reads its team's points right after each commit."""
    for k in range(n):
        with _own_request(app):
            who = db.session.get(Participant, ids["who"])
            event = db.session.get(Event, ids["event"])
            assert who is not None and event is not None
            task_id = ids["tasks"][k]
            when = utc_now()
            db.session.add(
                Attempt(
                    event_id=event.id,
                    task_id=task_id,
                    owner=f"team:{who.team_id}",
                    team_id=who.team_id,
                    participant_id=who.id,
                    started_at=when - timedelta(seconds=5),
                    deadline=when + timedelta(seconds=60),
                    answered_at=when,
                    answered_by_id=who.id,
                    correct=True,
                    points=1,
                    status="answered",
                )
            )
            db.session.commit()
            points = leaderboard.team_points(event, who.team_id)
            board = {s.id: s.points for s in leaderboard.team_standings(event)}
            if points < k + 1 or board[who.team_id] < k + 1:
                seen.append(f"{ids['who']} after answer {k + 1}: {points}, {board}")


PER_WRITER = 8  # answers per writer, and corrections of the organizer


def _race(app: Flask, *, organizer: bool) -> int:
    """Four teams' writers answer in their own sessions from a barrier start, with an
    organizer's corrections beside them when ``organizer`` (``_correct_in_own_session``): no
    thread may report a problem, and the boards must end equal to a sum from scratch, every
    team at its writer's points. Returns the event's id."""
    with app.app_context():
        event = make_event()
        teams = [make_team(event, f"Regu {i}") for i in range(4)]
        players = [make_participant(event, t, f"Kapten {i}") for i, t in enumerate(teams)]
        tasks = [make_task(event, points=1).id for _ in range(PER_WRITER)]
        db.session.commit()
        leaderboard.team_standings(event)
        leaderboard.participant_standings(event)
        work: list[tuple[Any, dict[str, Any]]] = [
            (_answer_in_own_session, {"event": event.id, "who": p.id, "tasks": tasks})
            for p in players
        ]
        if organizer:  # and a fifth team, whose photo the judges gave a point, and a sixth
            snapper = make_participant(event, make_team(event, "Regu Foto"), "Fotografer")
            spare = make_team(event, "Regu Cadangan")
            creative = make_task(event, kind="creative", choices=None, answer=None, points=1)
            photo = attempt(creative, snapper, at(event, 1))
            db.session.commit()
            review(
                submission(photo, snapper, at(event, 2), status="approved"),
                judge(event),
                1,
                at(event, 3),
            )
            db.session.commit()
            ids = {
                "event": event.id,
                "team": teams[0].id,
                "tasks": tasks,
                "creative": creative.id,
                "snapper": snapper.id,
                "teams": [snapper.team_id, spare.id],
            }
            work.append((_correct_in_own_session, ids))
        event_id = event.id
        writers = {t.id for t in teams}
    problems: list[str] = []
    barrier = threading.Barrier(len(work))

    def run(task: Any, ids: dict[str, Any]) -> None:
        try:
            barrier.wait(30)
            task(app, ids, PER_WRITER, problems)
        except BaseException as exc:  # reported below
            problems.append(repr(exc))

    threads = [threading.Thread(target=run, args=one, daemon=True) for one in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    assert problems == []
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert event is not None
        _assert_current(event)
        board = leaderboard.team_standings(event)
        assert {s.points for s in board if s.id in writers} == {PER_WRITER}
        assert {s.points for s in board if s.id not in writers} <= {0, 1}  # the photo's
    return event_id


def test_concurrent_answers_are_never_missed_by_the_advanced_boards(app):
    _race(app, organizer=False)


def _correct_in_own_session(app: Flask, ids: dict[str, Any], n: int, seen: list[str]) -> None:
    """An organizer, beside the writers: registers a participant by mistake and deletes them
    again before they play (names only), changes a question's points (narrow), the points of
    a creative task a judge approved (narrow, its attempt stamped), moves its photographer to
    the other spare team (names only) and changes the review policy (a full change that keeps
    question points: the judged points summed anew), each in its own request; the participant
    board must show the newcomer after the first commit and no longer after the second."""
    for k in range(n):
        with _own_request(app):
            event = db.session.get(Event, ids["event"])
            team = db.session.get(Team, ids["team"])
            assert event is not None and team is not None
            p = people.create_participant(event, f"Salah daftar {k}", "", team, actor="t")
            db.session.commit()
            pid = p.id
            if pid not in {s.id for s in leaderboard.participant_standings(event)}:
                seen.append(f"registered participant {pid} not shown")
            people.delete_participant(event, p, actor="t")
            task = db.session.get(Task, ids["tasks"][k % len(ids["tasks"])])
            assert task is not None
            task.points += 1
            db.session.commit()
            if pid in {s.id for s in leaderboard.participant_standings(event)}:
                seen.append(f"deleted participant {pid} still shown")
            creative = db.session.get(Task, ids["creative"])
            assert creative is not None
            creative.points += 1  # the judged point stays under the cap
            db.session.commit()
            leaderboard.team_standings(event)
            snapper = db.session.get(Participant, ids["snapper"])
            assert snapper is not None
            snapper.team_id = ids["teams"][(k + 1) % 2]
            db.session.commit()
            leaderboard.team_standings(event)
            event.review_policy = "last" if k % 2 == 0 else "mean"  # one review: as much
            db.session.commit()
            leaderboard.team_standings(event)


def test_an_organizer_s_corrections_beside_concurrent_answers_miss_nothing(app):
    """Four writers answer while an organizer deletes unplayed participants, changes
    questions' and a judged creative task's points, moves a participant and changes the
    review policy (barrier start, own sessions): no writer reads its team's points or the team
    board without its own answer, the organizer never sees a deleted participant, and the
    boards end equal to a sum from scratch."""
    event_id = _race(app, organizer=True)
    with app.app_context():
        state = score_version.state(db.session, event_id)
        assert state.kept_count == PER_WRITER  # the review policies kept question points
        assert state.full_version > 1  # and were full; deletions and moves narrow, names only
        assert state.narrow_count >= 4 * PER_WRITER + 4 * PER_WRITER  # answers, organizer


def test_a_version_bumped_by_an_older_release_is_summed_anew_not_advanced(ctx):
    """During a rolling restart a worker of the release before incremental tallies bumps the
    version and stamps nothing: a newer worker must not advance its board past that."""
    w = _world()
    event, ana = w.event, w.people[0]
    a = attempt(w.questions[0], ana, at(event, 1), at(event, 2), points=30, correct=True)
    db.session.commit()
    leaderboard.team_standings(event)  # a cached board to advance from
    # What the older release's answer did: the points and its bump (no stamp, no count).
    db.session.execute(update(Attempt).where(Attempt.id == a.id).values(points=70))
    db.session.execute(
        update(ScoreVersion)
        .where(ScoreVersion.event_id == event.id)
        .values(version=ScoreVersion.version + 1)
    )
    db.session.commit()
    budi = w.people[1]  # another team
    attempt(w.questions[1], budi, at(event, 3), at(event, 4), points=5, correct=True)
    db.session.commit()  # and then a narrow change of ours
    points = {s.id: s.points for s in leaderboard.team_standings(event)}
    assert points[ana.team_id] == 70 and points[budi.team_id] == 5
    _assert_current(event)
