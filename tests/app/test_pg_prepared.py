"""PostgreSQL: a transaction that sent only SELECT statements ends with COMMIT, so psycopg keeps
the connection's prepared statements from one request to the next (a ROLLBACK makes it forget
them all); every other transaction that is not committed is still rolled back."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from quizengine.extensions import db
from quizengine.models import Team
from tests.app.test_live_support import log_in_player
from tests.builders import make_event, make_participant, make_team
from tests.conftest import DB_KIND

pytestmark = pytest.mark.skipif(DB_KIND != "postgres", reason="psycopg's prepared statements")

RUNS = 7  # psycopg prepares a statement at its sixth run on a connection (threshold 5)


def _prepared(statement_part: str) -> int:
    """How many statements containing ``statement_part`` the session's connection holds
    prepared on the server."""
    found = db.session.scalar(
        text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE :part"),
        {"part": f"%{statement_part}%"},
    )
    db.session.remove()
    return int(found or 0)


@pytest.fixture
def red(ctx: Any) -> Team:
    event = make_event()
    team = make_team(event, "Merah")
    db.session.commit()
    return team


def _name(team_id: int) -> str | None:
    return db.session.scalar(select(Team.name).where(Team.id == team_id))


def test_read_only_transactions_keep_the_prepared_statements(red):
    for _ in range(RUNS):
        assert _name(red.id) == "Merah"
        db.session.remove()  # the session closes its transaction (a ROLLBACK before)
    assert _prepared("SELECT team.name") == 1


def test_requests_that_write_nothing_keep_them_too(app, client):
    with app.app_context():  # not around the requests: each must end its own transaction
        event = make_event(mode="team")
        ana = make_participant(event, make_team(event, "Merah"), "Ana")
        db.session.commit()
        log_in_player(client, ana, event.ends_at)
        path = f"/board/{event.slug}/standings.json"
    for _ in range(RUNS):
        assert client.get(path).status_code == 200
    with app.app_context():
        assert _prepared("FROM score_version") == 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE team SET name = 'Biru' WHERE id = :id",
        "\n   update team set name = 'Biru' where id = :id",
        "WITH t AS (UPDATE team SET name = 'Biru' WHERE id = :id RETURNING id) SELECT id FROM t",
    ],
)
def test_a_write_that_is_not_committed_is_rolled_back(red, statement):
    db.session.execute(text(statement), {"id": red.id})
    assert _name(red.id) == "Biru"
    db.session.remove()
    assert _name(red.id) == "Merah"


def test_a_flushed_change_that_is_not_committed_is_rolled_back(red):
    db.session.get(Team, red.id).name = "Biru"
    db.session.flush()
    db.session.remove()
    assert _name(red.id) == "Merah"
    make_team(db.session.get(Team, red.id).event, "Hijau")  # flushed
    db.session.rollback()
    assert db.session.scalar(select(Team.id).where(Team.name == "Hijau")) is None


def test_reads_after_a_write_is_committed_end_with_commit_again(red):
    db.session.get(Team, red.id).name = "Biru"
    db.session.commit()  # the write's transaction ended: what follows is read-only again
    for _ in range(RUNS):
        assert _name(red.id) == "Biru"
        db.session.remove()
    assert _prepared("SELECT team.name") == 1


def test_a_failed_select_leaves_a_transaction_that_is_rolled_back(red):
    with pytest.raises(DBAPIError):
        db.session.execute(text("SELECT 1 / 0"))
    db.session.rollback()  # the server aborted the transaction: COMMIT would not do
    assert _name(red.id) == "Merah"


def test_a_savepoint_rolled_back_inside_a_read_keeps_the_outer_transaction_s_rollback(red):
    nested = db.session.begin_nested()
    db.session.get(Team, red.id).name = "Biru"
    db.session.flush()
    nested.rollback()
    db.session.get(Team, red.id).name = "Hijau"  # in the outer transaction: rolled back too
    db.session.flush()
    db.session.remove()
    assert _name(red.id) == "Merah"
