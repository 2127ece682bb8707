"""`flask --app quizengine db backup FILE` / `db restore FILE`: a backup taken while the app
runs restores to exactly the same content; bad files and live events are refused; PostgreSQL
gets the pg_dump command (and that command works)."""

from __future__ import annotations

import shlex
import sqlite3
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import delete

import quizengine.backup  # noqa: F401  (registers `db backup` / `db restore`)
from checkpoints.timeutil import utc_now
from quizengine.extensions import db
from quizengine.models import Attempt, Participant
from tests.builders import make_checkpoint, make_event, make_participant, make_task, make_team
from tests.trust.helpers import table_dump


def _fill() -> None:
    past = utc_now() - timedelta(days=3)
    event = make_event(starts_at=past, ends_at=past + timedelta(hours=10), status="closed")
    team = make_team(event, "Kelompok Ñusantara ✓")
    people = [make_participant(event, team, name=f"Peserta {i}") for i in range(5)]
    task = make_task(event, make_checkpoint(event))
    db.session.add(
        Attempt(
            event_id=event.id,
            task_id=task.id,
            owner=f"team:{team.id}",
            team_id=team.id,
            participant_id=people[0].id,
            started_at=past,
            deadline=past + timedelta(seconds=90),
            status="answered",
            answer="1953",
            answer_key="backup-test-key",
            correct=True,
            points=77,
        )
    )
    db.session.commit()


def _sqlite_only(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite backup/restore; PostgreSQL is tested below")


def test_backup_then_restore_gives_back_the_same_database(
    app: Flask, runner, tmp_path: Path
) -> None:
    _sqlite_only(app)
    with app.app_context():
        _fill()
        original = table_dump()
    target = tmp_path / "backup.db"
    result = runner.invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    check = sqlite3.connect(target)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()
    # Damage the live database after the backup...
    with app.app_context():
        db.session.execute(delete(Attempt))
        db.session.execute(delete(Participant).where(Participant.name == "Peserta 3"))
        db.session.commit()
        assert table_dump() != original
    # ... and restore it.
    result = runner.invoke(args=["db", "restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.remove()
        assert table_dump() == original
    safety = Path(result.output.split("the previous state is in ", 1)[1].split()[0])
    assert safety.is_file() and ".before-restore-" in safety.name
    safety.unlink()


def test_backup_does_not_overwrite_without_force(app: Flask, runner, tmp_path: Path) -> None:
    _sqlite_only(app)
    target = tmp_path / "exists.db"
    target.write_bytes(b"precious")
    result = runner.invoke(args=["db", "backup", str(target)])
    assert result.exit_code != 0 and "--force" in result.output
    assert target.read_bytes() == b"precious"
    assert runner.invoke(args=["db", "backup", str(target), "--force"]).exit_code == 0


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "not a quizengine"),
        (b"hello, not sqlite" * 100, "not a quizengine"),
        (None, "unknown schema"),
    ],
)
def test_restore_refuses_files_that_are_not_our_backups(
    app: Flask, runner, tmp_path: Path, content: bytes | None, why: str
) -> None:
    _sqlite_only(app)
    with app.app_context():
        _fill()
        before = table_dump()
    bad = tmp_path / "bad.db"
    if content is None:  # a valid SQLite file of some other application
        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
        conn.execute("INSERT INTO alembic_version VALUES ('someone-else')")
        conn.commit()
        conn.close()
    else:
        bad.write_bytes(content)
    result = runner.invoke(args=["db", "restore", str(bad), "--yes"])
    assert result.exit_code != 0
    assert why in result.output or (content == b"" and "unknown schema" in result.output)
    with app.app_context():
        assert table_dump() == before


def test_restore_refuses_while_an_event_is_live(app: Flask, runner, tmp_path: Path) -> None:
    _sqlite_only(app)
    with app.app_context():
        make_event(slug="live-now")
        db.session.commit()
    target = tmp_path / "b.db"
    assert runner.invoke(args=["db", "backup", str(target)]).exit_code == 0
    result = runner.invoke(args=["db", "restore", str(target), "--yes"])
    assert result.exit_code != 0 and "live-now" in result.output
    forced = runner.invoke(args=["db", "restore", str(target), "--yes", "--during-live-event"])
    assert forced.exit_code == 0, forced.output


def test_postgres_gets_the_pg_dump_command_and_it_works(app: Flask, runner, tmp_path: Path) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only")
        _fill()
    target = tmp_path / "dump.pgc"
    result = runner.invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 1
    line = next(x.strip() for x in result.output.splitlines() if x.strip().startswith("pg_dump"))
    assert "postgresql+psycopg" not in line  # a URL pg_dump understands
    command = shlex.split(line)
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    listing = subprocess.run(
        ["pg_restore", "--list", str(target)], capture_output=True, text=True, timeout=60
    )
    assert "TABLE DATA public attempt" in listing.stdout
    restore = runner.invoke(args=["db", "restore", str(target)])
    assert restore.exit_code == 1 and "pg_restore" in restore.output
