"""Fixtures of the app tests that more than one module uses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from quizengine.config import database_url
from tests.conftest import DB_KIND, PG_URL

SCRATCH_SCHEMA = "migration_scratch"


@pytest.fixture
def scratch_uri(tmp_path: Path) -> Iterator[str]:
    """A database of the run's kind for a migration test to build from nothing: an SQLite
    file, or a PostgreSQL schema of its own (dropped afterwards)."""
    if DB_KIND != "postgres":
        yield f"sqlite:///{tmp_path / 'migration.db'}"
        return
    url = database_url(PG_URL, Path("."))
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCRATCH_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCRATCH_SCHEMA}"))
    try:
        yield f"{url}?options=-csearch_path%3D{SCRATCH_SCHEMA}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCRATCH_SCHEMA} CASCADE"))
        engine.dispose()
