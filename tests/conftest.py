"""Shared fixtures (flaskr style): ``app``, ``client``, ``runner``, on SQLite or PostgreSQL.

One switch picks the database for the whole run: ``QE_TEST_DB=sqlite`` (default) or
``QE_TEST_DB=postgres`` (``TEST_DATABASE_URL``, default postgresql://postgres@127.0.0.1:5432/test).
The schema is built once per run through the Alembic migrations, never ``create_all``; every
test then starts from empty tables. An unreachable PostgreSQL fails the run, it is not skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text

from quizengine import create_app
from quizengine.config import database_url
from quizengine.extensions import db

DB_KIND = os.environ.get("QE_TEST_DB", "sqlite")
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def pytest_report_header() -> str:
    return f"quizengine database: {DB_KIND}" + (f" ({PG_URL})" if DB_KIND == "postgres" else "")


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    except Exception as exc:
        pytest.exit(f"PostgreSQL at {url} is not reachable: {exc}", returncode=3)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test database, migrated to the newest schema once for the whole run."""
    if DB_KIND == "postgres":
        uri = database_url(PG_URL, Path("."))
        _reset_postgres(uri)
    elif DB_KIND == "sqlite":
        uri = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        pytest.exit(f"QE_TEST_DB must be sqlite or postgres, not {DB_KIND!r}", returncode=4)
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "migrate"})
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        db.engine.dispose()
    return uri


def _empty_tables() -> None:
    """Delete every row, children first. (PostgreSQL's TRUNCATE ... CASCADE costs about a second
    per test even on empty tables; DELETE on a handful of rows is milliseconds.)"""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def make_test_config(database_uri: str, tmp_path: Path, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "PUBLIC_URL": "https://quiz.example.org",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }
    config.update(overrides)
    return config


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override to change the app's configuration in a test module or test."""
    return {}


@pytest.fixture
def app(database_uri: str, tmp_path: Path, app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(make_test_config(database_uri, tmp_path, **app_config))
    with app.app_context():
        _empty_tables()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An application context for tests that use the models and services directly."""
    with app.app_context():
        yield app
