"""Database engine set-up: SQLite in WAL whose requests take the write lock only when they
start writing; PostgreSQL whose read-only transactions end with COMMIT. And ``has_index``,
the one catalog question reflection cannot answer on SQLite.

SQLite has one writer at a time. A request's transaction begins DEFERRED, so its reads (who is
asking, the checkpoint, the event, the form's checks) run on a snapshot without the lock;
the first write of the transaction (INSERT, UPDATE, DELETE, a SAVEPOINT that is there for one)
or a ``SELECT ... FOR UPDATE`` first ends that read snapshot and begins ``IMMEDIATE``, queuing
for the lock (busy timeout) instead of failing with "database is locked" as a read that
upgrades in place would. From there on the request reads the newest data and is alone: where
PostgreSQL takes a row lock, SQLite takes its write lock. What was read before is as fresh as
PostgreSQL's READ COMMITTED gives it (each statement may see newer data than the one before),
and the services are written for that: row locks (``with_for_update``) before a read that
decides a write, unique constraints for inserts.

Outside a request (command line, tests' set-up), transactions begin IMMEDIATE as before.

PostgreSQL: psycopg prepares a statement on a connection once it has run five times there
(``prepare_threshold``), and the server then skips planning it: 0.3 to 2 ms of the server's CPU
for each of a home page's joins. But psycopg forgets every prepared statement of a connection
at each ROLLBACK, and every request that writes nothing (page views, the board, home pages)
ends its transaction with one when its session closes: nothing stayed prepared. A transaction
that sent only SELECT statements now ends with COMMIT instead, which for it is the same (it
changed nothing; locks of ``FOR UPDATE`` are released alike). Any other statement (INSERT,
UPDATE, DELETE, a SAVEPOINT, DDL, even one that failed) keeps the real ROLLBACK, and so does a
transaction the server has aborted.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from typing import Any

from flask import has_request_context
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine

MODE = "quizengine.sqlite_mode"  # connection info: "deferred" | "immediate"
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT")


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from the driver so the hooks below decide the mode.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    if has_request_context():
        conn.exec_driver_sql("BEGIN")
        conn.info[MODE] = "deferred"
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        conn.info[MODE] = "immediate"


def take_write_lock(conn: Connection) -> None:
    """End the transaction's read snapshot and begin IMMEDIATE, once per transaction. A
    transaction that has not written has nothing to commit, so nothing is lost."""
    if conn.info.get(MODE) != "deferred":
        return
    raw = conn.connection.dbapi_connection
    assert raw is not None
    try:
        raw.execute("COMMIT")
    except sqlite3.OperationalError:
        # A statement of this transaction is still being read: SQLite then upgrades in place
        # (and refuses with "database is locked" if another writer got in first).
        conn.info[MODE] = "immediate"
        return
    raw.execute("BEGIN IMMEDIATE")
    conn.info[MODE] = "immediate"


def _before_execute(conn: Connection, clause: Any, *_args: Any) -> None:
    if getattr(clause, "_for_update_arg", None) is not None:
        take_write_lock(conn)


def _before_cursor_execute(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    if statement.lstrip()[:9].upper().startswith(WRITES):
        take_write_lock(conn)


WROTE = "quizengine.wrote"  # connection info: a statement other than SELECT was sent
_READ = re.compile(r"\s*SELECT\b", re.IGNORECASE).match


def _pg_note_write(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    if not _READ(statement):
        conn.info[WROTE] = True


def _pg_committed(conn: Connection) -> None:
    conn.info.pop(WROTE, None)


def _pg_rollback(conn: Connection) -> None:
    """Before SQLAlchemy's ROLLBACK: end a read-only transaction with COMMIT, so that psycopg
    keeps the connection's prepared statements (its rollback then finds no transaction and
    sends nothing). (psycopg is imported here: it is installed only for PostgreSQL.)"""
    from psycopg import Error, pq

    if conn.info.pop(WROTE, False) or conn.closed or conn.invalidated:
        return
    raw = conn.connection.dbapi_connection
    if raw is None or raw.info.transaction_status != pq.TransactionStatus.INTRANS:
        return
    with contextlib.suppress(Error):  # a broken connection: SQLAlchemy's rollback handles it
        raw.commit()


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_connect):
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "before_execute", _before_execute)
        event.listen(engine, "before_cursor_execute", _before_cursor_execute)
    if engine.dialect.name == "postgresql" and not event.contains(engine, "rollback", _pg_rollback):
        event.listen(engine, "before_cursor_execute", _pg_note_write)
        event.listen(engine, "commit", _pg_committed)
        event.listen(engine, "rollback", _pg_rollback)


def has_index(conn: Connection, name: str) -> bool:
    """Does the database (PostgreSQL: the current schema) hold an index of this name?
    SQLAlchemy's reflection leaves out SQLite's indexes on an expression, such as
    ix_attempt_event_answered."""
    catalog = (
        "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = :name"
        if conn.dialect.name == "sqlite"
        else "SELECT count(*) FROM pg_indexes"
        " WHERE indexname = :name AND schemaname = current_schema()"
    )
    return bool(conn.execute(text(catalog), {"name": name}).scalar_one())
