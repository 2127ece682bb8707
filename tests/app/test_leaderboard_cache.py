"""The leaderboard cache: reused while nothing that counts changed, never stale after a change
committed by any session (another request, another worker, an organizer's correction)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, update
from sqlalchemy import event as sa_event

from quizengine.extensions import db
from quizengine.models import Adjustment, Attempt, ScoreVersion, Team
from quizengine.services import leaderboard
from tests.app.test_live_support import attempt, judge, log_in_player, review, submission
from tests.builders import at, make_event, make_participant, make_task, make_team


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __enter__(self) -> QueryCounter:
        sa_event.listen(db.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc: object) -> None:
        sa_event.remove(db.engine, "before_cursor_execute", self._count)

    def _count(self, _conn, _cursor, statement, *_args) -> None:
        self.statements.append(statement)

    def aggregations(self) -> int:
        return sum("GROUP BY" in s.upper() for s in self.statements)


def _world():
    event = make_event()
    red, blue = make_team(event, "Red"), make_team(event, "Blue")
    ana, budi = make_participant(event, red, "Ana"), make_participant(event, blue, "Budi")
    task = make_task(event)
    attempt(task, ana, at(event, 1), at(event, 2), points=80, correct=True)
    db.session.commit()
    return SimpleNamespace(event=event, red=red, blue=blue, ana=ana, budi=budi, task=task)


def test_a_second_read_is_served_from_the_cache(ctx):
    w = _world()
    event, red = w.event, w.red
    first = leaderboard.team_standings(event)
    with QueryCounter() as counter:
        again = leaderboard.team_standings(event)
        assert leaderboard.team_points(event, red.id) == 80
    assert again == first
    assert counter.aggregations() == 0  # only the version lookup and the names


def test_an_answer_committed_elsewhere_is_seen_at_once(app, ctx):
    w = _world()
    event, _red, blue, budi, task = w.event, w.red, w.blue, w.budi, w.task
    assert leaderboard.team_points(event, blue.id) == 0
    event_id, task_id, budi_id, blue_id = event.id, task.id, budi.id, blue.id
    t1, t2, t3 = at(event, 1), at(event, 2), at(event, 3)
    db.session.commit()  # outside a request, SQLite transactions hold the write lock
    # Another request (its own app context, session and connection), as another worker would.
    with app.app_context():
        a = Attempt(
            event_id=event_id,
            task_id=task_id,
            owner=f"team:{blue_id}",
            team_id=blue_id,
            participant_id=budi_id,
            started_at=t1,
            deadline=t3,
            answered_at=t2,
            answered_by_id=budi_id,
            correct=True,
            points=95,
            status="answered",
        )
        db.session.add(a)
        db.session.commit()
    db.session.commit()  # end this session's read snapshot, as a new request would
    assert leaderboard.team_points(event, blue_id) == 95
    assert [s.name for s in leaderboard.team_standings(event)] == ["Blue", "Red"]


def test_rescoring_an_attempt_and_adjustments_invalidate(ctx):
    w = _world()
    event, red, _blue, _budi, _task = w.event, w.red, w.blue, w.budi, w.task
    assert leaderboard.team_points(event, red.id) == 80
    version = db.session.get(ScoreVersion, event.id).version
    row = db.session.query(Attempt).filter_by(team_id=red.id).one()
    row.points = 40  # a correction re-scores the attempt
    db.session.commit()
    assert db.session.get(ScoreVersion, event.id).version == version + 1
    assert leaderboard.team_points(event, red.id) == 40
    db.session.add(Adjustment(event_id=event.id, team_id=red.id, points=7, reason="help", key="a1"))
    db.session.commit()
    assert leaderboard.team_points(event, red.id) == 47


def test_a_start_does_not_bump_the_version(ctx):
    w = _world()
    event, _red, _blue, budi, _task = w.event, w.red, w.blue, w.budi, w.task
    task = make_task(event)  # a new task is a change (the board's task count)
    db.session.commit()
    version = db.session.get(ScoreVersion, event.id).version
    attempt(task, budi, at(event, 5))  # started, not answered
    db.session.commit()
    assert db.session.get(ScoreVersion, event.id).version == version


def test_uncommitted_changes_are_counted_but_not_cached(ctx):
    w = _world()
    event, red = w.event, w.red
    leaderboard.team_points(event, red.id)
    db.session.add(Adjustment(event_id=event.id, team_id=red.id, points=5, reason="r", key="k"))
    db.session.flush()
    assert leaderboard.team_points(event, red.id) == 85
    db.session.rollback()
    assert leaderboard.team_points(event, red.id) == 80


def test_a_flushed_but_uncommitted_change_is_never_cached(ctx):
    w = _world()
    event, red = w.event, w.red
    adjustment = Adjustment(event_id=event.id, team_id=red.id, points=5, reason="r", key="k")
    db.session.add(adjustment)
    db.session.flush()  # bumps the version inside this transaction
    assert {s.name: s.points for s in leaderboard.team_standings(event)}["Red"] == 85
    db.session.rollback()  # the version bump is gone again
    # Another transaction bumps to the same version number with other content.
    db.session.add(Adjustment(event_id=event.id, team_id=red.id, points=1, reason="r", key="j"))
    db.session.commit()
    assert {s.name: s.points for s in leaderboard.team_standings(event)}["Red"] == 81
    assert leaderboard.team_points(event, red.id) == 81


def test_one_team_without_the_cache_equals_the_whole_board(ctx):
    w = _world()
    event = w.event
    db.session.add(
        Adjustment(event_id=event.id, participant_id=w.ana.id, points=-3, reason="r", key="p")
    )
    db.session.commit()
    board = {s.id: s.points for s in leaderboard.team_standings(event)}
    people = {s.id: s.points for s in leaderboard.participant_standings(event)}
    leaderboard._CACHE.clear()  # the narrowed queries, as after somebody else's answer
    assert {t: leaderboard.team_points(event, t) for t in board} == board
    assert {p: leaderboard.participant_points(event, p) for p in people} == people


def _bulk_answer(event, team, person, task, points: int) -> None:
    """An answered attempt written with plain SQL, as a bulk load does: no ORM hook runs."""
    db.session.execute(
        Attempt.__table__.insert().values(
            event_id=event.id,
            task_id=task.id,
            owner=f"team:{team.id}",
            team_id=team.id,
            participant_id=person.id,
            started_at=at(event, 1),
            deadline=at(event, 3),
            answered_at=at(event, 2),
            answered_by_id=person.id,
            correct=True,
            points=points,
            status="answered",
        )
    )


def test_an_event_loaded_with_sql_is_cached_too(ctx):
    event = make_event()
    team = make_team(event, "Bulk")
    person = make_participant(event, team)
    _bulk_answer(event, team, person, make_task(event), 70)
    # As an event loaded with SQL alone: no ORM write ever counted.
    db.session.execute(delete(ScoreVersion).where(ScoreVersion.event_id == event.id))
    db.session.commit()
    assert db.session.get(ScoreVersion, event.id) is None
    first = leaderboard.team_standings(event)
    with QueryCounter() as counter:
        assert leaderboard.team_standings(event) == first
    assert first[0].points == 70 and counter.aggregations() == 0


def test_a_reused_event_id_never_meets_the_old_cache(ctx):
    event = make_event()
    team = make_team(event, "Old")
    person = make_participant(event, team)
    _bulk_answer(event, team, person, make_task(event), 70)
    db.session.commit()
    event_id, team_id = event.id, team.id
    assert leaderboard.team_points(event, team_id) == 70
    leaderboard.team_standings(event)  # cached for this event
    db.session.execute(Attempt.__table__.delete())
    db.session.commit()
    db.session.delete(event)
    db.session.commit()
    again = make_event(id=event_id)  # the database hands out the same id again
    team = make_team(again, "New")
    db.session.execute(update(Team).where(Team.id == team.id).values(id=team_id))
    db.session.commit()
    db.session.expire_all()
    assert leaderboard.team_points(again, team_id) == 0
    assert [s.points for s in leaderboard.team_standings(again)] == [0]


def test_renaming_a_team_or_a_participant_reaches_the_cached_boards(ctx):
    w = _world()
    event = w.event
    assert [s.name for s in leaderboard.team_standings(event)] == ["Red", "Blue"]
    assert leaderboard.participant_standings(event)[0].name == "Ana"
    w.red.name = "Merah"
    w.ana.name = "Ani"
    db.session.commit()
    assert [s.name for s in leaderboard.team_standings(event)] == ["Merah", "Blue"]
    people = leaderboard.participant_standings(event)
    assert (people[0].name, people[0].team_name) == ("Ani", "Merah")


def test_the_ranked_lists_are_cached_and_cannot_be_changed_by_a_caller(ctx):
    w = _world()
    event = w.event
    first = leaderboard.participant_standings(event)
    first.clear()  # a caller's list is its own
    with QueryCounter() as counter:
        again = leaderboard.participant_standings(event)
    assert [s.name for s in again] == ["Ana", "Budi"]
    assert len(counter.statements) == 1  # the version lookup only: no names, no ranking


def test_standings_json_polls_are_served_from_the_cache_and_fresh_after_an_answer(app, client, ctx):
    w = _world()
    event = w.event
    log_in_player(client, w.ana, event.ends_at)
    url = f"/board/{event.slug}/standings.json"
    first = client.get(url).get_json()
    assert [(t["name"], t["points"]) for t in first["teams"]] == [("Red", 80), ("Blue", 0)]
    with QueryCounter() as counter:
        again = client.get(url).get_json()
    assert again["teams"] == first["teams"] and again["people"] == first["people"]
    assert again["title"] == event.title and again["frozen"] is False
    # event, participant, version: the ranked body is reused, not rebuilt
    assert not any("GROUP BY" in s.upper() or "count(" in s.lower() for s in counter.statements)
    assert len(counter.statements) <= 4
    attempt(make_task(event), w.budi, at(event, 3), at(event, 4), points=90, correct=True)
    db.session.commit()
    after = client.get(url).get_json()
    assert [(t["name"], t["points"]) for t in after["teams"]] == [("Blue", 90), ("Red", 80)]
    assert after["tasks_total"] == first["tasks_total"] + 1


def test_the_cache_keeps_one_version_per_board_however_many_answers_come(ctx):
    w = _world()
    event = w.event
    leaderboard._CACHE.clear()
    for minute in range(3, 23):
        attempt(make_task(event), w.budi, at(event, minute), at(event, minute), points=1)
        db.session.commit()
        leaderboard.team_standings(event)
        leaderboard.participant_standings(event)
    # team tallies, teams, all tallies, people, team names, participant names: one slot
    # each, the newest version only
    assert len(leaderboard._CACHE) == 6
    assert {s.name: s.points for s in leaderboard.team_standings(event)}["Blue"] == 20


def test_a_team_board_sums_only_the_teams_and_agrees_with_the_full_tallies(ctx):
    w = _world()
    event = w.event
    db.session.add(
        Adjustment(event_id=event.id, participant_id=w.budi.id, points=4, reason="r", key="b")
    )
    db.session.commit()
    leaderboard._CACHE.clear()
    with QueryCounter() as counter:
        teams = {s.name: s.points for s in leaderboard.team_standings(event)}
    # the question points' sums (the judged submissions' sum of reviews is another GROUP BY)
    grouped = [s for s in counter.statements if "sum(attempt.points)" in s]
    assert len(grouped) == 1 and "participant_id" not in grouped[0].split("GROUP BY")[1]
    leaderboard._CACHE.clear()
    leaderboard.participant_standings(event)  # the full tallies, now cached
    assert {s.name: s.points for s in leaderboard.team_standings(event)} == teams
    assert teams == {"Red": 80, "Blue": 4}


def test_one_team_s_points_read_the_score_version_once(ctx):
    w = _world()
    event, red_id = w.event, w.red.id
    leaderboard.team_standings(event)  # the team-only slot is current
    with QueryCounter() as counter:
        assert leaderboard.team_points(event, red_id) == 80
    versions = [s for s in counter.statements if "FROM score_version" in s]
    assert len(versions) == 1 and len(counter.statements) == 1


def test_a_board_rebuilt_after_an_answer_reads_the_score_version_once(ctx):
    w = _world()
    event = w.event
    leaderboard.team_standings(event)
    leaderboard.participant_standings(event)
    attempt(make_task(event), w.budi, at(event, 3), at(event, 4), points=7, correct=True)
    db.session.commit()
    for board in (leaderboard.team_standings, leaderboard.participant_standings):
        with QueryCounter() as counter:
            board(event)
        versions = [s for s in counter.statements if "FROM score_version" in s]
        assert len(versions) == 1, counter.statements


def test_one_team_s_points_are_kept_per_version_in_a_worker_without_boards(ctx):
    w = _world()
    event, red_id = w.event, w.red.id
    leaderboard._CACHE.clear()  # a worker that has served home pages, never a board
    leaderboard._ONE.clear()
    assert leaderboard.team_points(event, red_id) == 80
    with QueryCounter() as counter:
        assert leaderboard.team_points(event, red_id) == 80
    assert counter.aggregations() == 0 and len(counter.statements) == 1  # the version
    attempt(make_task(event), w.ana, at(event, 3), at(event, 4), points=5, correct=True)
    db.session.commit()
    assert leaderboard.team_points(event, red_id) == 85
    assert len(leaderboard._CACHE) == 0  # no board was summed for it


# An index searched by the event and at most a range: every row of the event is visited.
EVENT_WALK = re.compile(r"\(event_id=\?(?: AND \w+[<>]=?\?)*\)$")


def _plans(statements: list[tuple[str, object]]) -> list[str]:
    """SQLite's query plan lines of each captured statement."""
    conn = db.session.connection()
    return [
        str(row[3])
        for sql, params in statements
        for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
    ]


def test_one_team_or_player_score_is_read_by_index_lookups(ctx):
    """A home page's score (no board cached in the process) reads the team's attempts and the
    participant's submissions by index: never the event's submissions or attempts one by one
    (SQLite has no statistics; it took the event index before, 1 ms per page at 2,500
    approved submissions)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner, without statistics")
    w = _world()
    event, red, ana = w.event, w.red, w.ana
    photo = make_task(event, kind="creative", prompt="A photo", choices=None, answer=None)
    sub = submission(attempt(photo, ana, at(event, 3)), ana, at(event, 4), status="approved")
    review(sub, judge(event), 70, at(event, 5))
    db.session.commit()
    seen: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, params, *_rest) -> None:
        seen.append((statement, params))

    sa_event.listen(db.engine, "before_cursor_execute", keep)
    try:
        team = leaderboard._narrowed_tally(event, None, ("team", red.id))
        person = leaderboard._narrowed_tally(event, None, ("participant", ana.id))
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", keep)
    assert (team.points, person.points) == (150, 150)
    plans = _plans(seen)
    assert any("submission" in line for line in plans)
    # A walk: a scan, or an index searched by the event alone or with a range (such as
    # "answered_at IS NOT NULL": an index on (event_id, answered_at) was taken so, 167 ms a
    # home page). The event's adjustments are read so (an organizer's few corrections).
    walks = [
        line
        for line in plans
        if line.startswith("SCAN")
        or (EVENT_WALK.search(line) and not line.startswith("SEARCH adjustment "))
    ]
    assert walks == []


def test_an_event_s_sum_reads_its_answers_from_one_index_in_order(ctx):
    """A board summed anew groups the event's answers by (team, scorer), or by team: SQLite
    reads them from ix_attempt_event_answered alone, already in that order (no temporary
    B-tree, no table row, no task joined: about 30 ms against 126-137 for the benchmark's
    97,500)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner, without statistics")
    event = _world().event
    seen: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, params, *_rest) -> None:
        if "FROM attempt" in statement and "GROUP BY" in statement:
            seen.append((statement, params))

    sa_event.listen(db.engine, "before_cursor_execute", keep)
    try:
        for teams_only in (False, True):
            now = leaderboard._state(event)
            leaderboard._compute_board(event, None, teams_only=teams_only, now=now)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", keep)
    answers = [(sql, params) for sql, params in seen if "submission" not in sql]
    assert len(answers) == 2, seen  # (team, scorer), then team; not the judged points
    covering = "SEARCH attempt USING COVERING INDEX ix_attempt_event_answered (event_id=?)"
    assert _plans(answers) == [covering, covering]
