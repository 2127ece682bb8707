"""Backups: `flask --app quizengine db backup FILE` and `db restore FILE` (SQLite).

SQLite: the backup is taken with sqlite3's online backup API, so it is consistent while the
server keeps running (WAL readers and writers go on; the copy sees one committed state). It is
written next to FILE first, checked with ``PRAGMA integrity_check`` and then renamed, so FILE is
never half-written.

Restore (SQLite only) replaces the whole database with FILE. It refuses:
- a FILE that is not an intact quizengine database (integrity check, Alembic revision known);
- while an event is live (its window contains now): answers given after the backup would be
  lost; pass ``--during-live-event`` to do it anyway (stop the server first);
- without confirmation (``--yes`` skips the question).
Before overwriting, the current database is itself backed up to
``<database>.before-restore-<UTC time>``. Stop the server for a restore: the running processes
would otherwise keep serving from their open transactions until their next request.

PostgreSQL: both commands print the pg_dump / pg_restore commands to use and exit with 1.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate.cli import db as db_group
from sqlalchemy import select
from sqlalchemy.engine import URL

from checkpoints.timeutil import utc_now
from quizengine.extensions import db

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations" / "versions"


class BackupError(click.ClickException):
    """A refused backup or restore, with the reason in plain words."""


def sqlite_path(url: URL) -> Path:
    if url.get_backend_name() != "sqlite":
        raise BackupError("not an SQLite database")
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy ``source`` into ``target`` with the online backup API; returns the page count.

    The copy is made in a temporary file beside ``target``, checked, then renamed.
    """
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=256)
            problem = _integrity_problem(dst)
            pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
        finally:
            dst.close()
    finally:
        src.close()
    if problem:
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check: {problem}")
    os.replace(partial, target)
    return pages


def _integrity_problem(conn: sqlite3.Connection) -> str | None:
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    return None if rows == ["ok"] else "; ".join(rows[:5])


def known_revisions() -> set[str]:
    revisions = set()
    for path in MIGRATIONS_DIR.glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("revision"):
                revisions.add(line.split("=", 1)[1].strip().strip("\"'"))
                break
    return revisions


def check_backup_file(path: Path) -> str:
    """The backup's Alembic revision, after checking it is an intact quizengine database."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            problem = _integrity_problem(conn)
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a quizengine SQLite backup ({exc})") from None
    if problem:
        raise BackupError(f"{path} is damaged: {problem}")
    if row is None or row[0] not in known_revisions():
        raise BackupError(f"{path} has an unknown schema revision {row and row[0]!r}")
    return str(row[0])


def live_events() -> list[str]:
    from quizengine.models import Event

    now = utc_now()
    events = db.session.scalars(select(Event)).all()
    return [e.slug for e in events if e.is_open(now)]


def restore_sqlite(backup: Path, live: Path) -> Path:
    """Replace ``live`` with ``backup`` (backup API, page by page, under the write lock).

    Returns the path of the safety copy of the database as it was before.
    """
    stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
    safety = live.with_name(f"{live.name}.before-restore-{stamp}")
    if live.exists():
        backup_sqlite(live, safety)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(live, timeout=30)
        try:
            src.backup(dst)
            problem = _integrity_problem(dst)
        finally:
            dst.close()
    finally:
        src.close()
    if problem:
        raise BackupError(f"restore failed its integrity check: {problem}; see {safety}")
    return safety


def _postgres_hint(url: URL, action: str, file: str) -> str:
    shown = url.set(drivername="postgresql").render_as_string(hide_password=True)
    if action == "backup":
        command = f"pg_dump --format=custom --file {file} '{shown}'"
    else:
        command = f"pg_restore --clean --if-exists --no-owner --dbname '{shown}' {file}"
    return (
        f"the database is PostgreSQL: use its own tools for a consistent {action}:\n"
        f"  {command}\n"
        "(password: PGPASSWORD or ~/.pgpass; '***' above stands for it)"
    )


@db_group.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@with_appcontext
def backup_command(file: str, force: bool) -> None:
    """Copy the SQLite database to FILE while the server keeps running."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise BackupError(_postgres_hint(url, "backup", file))
    target = Path(file)
    if target.exists() and not force:
        raise BackupError(f"{target} exists; pass --force to overwrite it")
    pages = backup_sqlite(sqlite_path(url), target)
    click.echo(f"backed up {sqlite_path(url)} to {target} ({pages} pages, integrity ok)")


@db_group.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--during-live-event", is_flag=True, help="Restore even while an event is live.")
@with_appcontext
def restore_command(file: str, yes: bool, during_live_event: bool) -> None:
    """Replace the SQLite database with the backup FILE (stop the server first)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise BackupError(_postgres_hint(url, "restore", file))
    live = sqlite_path(url)
    revision = check_backup_file(Path(file))
    running = live_events()
    if running and not during_live_event:
        raise BackupError(
            f"event(s) {', '.join(running)} are live: answers given since the backup would be "
            "lost. Stop the server and pass --during-live-event if you really mean it."
        )
    if not yes:
        click.confirm(f"Replace {live} with {file}?", abort=True)
    db.session.remove()
    db.engine.dispose()
    safety = restore_sqlite(Path(file), live)
    click.echo(
        f"restored {file} (schema {revision}) into {live}; the previous state is in {safety}"
    )
    click.echo("run `flask --app quizengine db upgrade` if the backup is older than this version")


def register_backup(app: Flask) -> None:
    """The commands live on Flask-Migrate's ``db`` group; importing this module adds them."""
    app.extensions.setdefault("quizengine_backup", True)
