"""The two ceilings the engine is measured against, served by the same gunicorn settings.

``hello_app()``: a bare Flask app answering "hello" (the most any page can reach here).
``insert_app()``: a bare Flask endpoint that inserts one row and commits, on the same database
with the same engine set-up as quizengine (SQLite WAL, synchronous=NORMAL, the write lock
taken at the first write; PostgreSQL through psycopg 3 with the same pool): the most a write
endpoint can reach here.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, request
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, create_engine

from quizengine.config import database_url, engine_options
from quizengine.database import configure_engine

metadata = MetaData()
ceiling_row = Table(
    "bench_ceiling",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("payload", String(64), nullable=False),
)


def create_table(url: str) -> None:
    """Create the ceiling's table once, before the workers start (they would race)."""
    engine = create_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    engine.dispose()


def hello_app() -> Flask:
    app = Flask(__name__)

    @app.get("/")
    def hello() -> str:
        return "hello"

    return app


def insert_app() -> Flask:
    app = Flask(__name__)
    url = database_url(os.environ["DATABASE_URL"], Path("instance"))
    engine = create_engine(url, **engine_options(url))
    configure_engine(engine)

    @app.post("/insert")
    def insert() -> tuple[str, int]:
        payload = request.form.get("payload", "")[:64]
        with engine.begin() as conn:
            conn.execute(ceiling_row.insert().values(created_at=datetime.now(UTC), payload=payload))
        return "ok", 201

    @app.get("/")
    def ready() -> str:
        return "ready"

    return app
