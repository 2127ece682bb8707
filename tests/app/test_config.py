"""Settings from the environment and the instance folder."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from quizengine.config import database_url, from_environment, secret_key


def test_database_url_defaults_to_sqlite_in_the_instance(tmp_path):
    assert database_url(None, tmp_path) == f"sqlite:///{tmp_path / 'quizengine.db'}"
    assert database_url("", tmp_path).startswith("sqlite:///")


def test_postgres_urls_use_psycopg3(tmp_path):
    assert database_url("postgres://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql+psycopg://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    keys: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        try:
            keys.append(secret_key(tmp_path))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert secret_key(tmp_path) == keys[0]


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert secret_key(tmp_path) == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_settings_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", "https://quiz.example.org/")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "up"))
    monkeypatch.setenv("SECRET_KEY", "k")
    cfg = from_environment(tmp_path / "inst")
    assert cfg["PUBLIC_URL"] == "https://quiz.example.org"
    assert cfg["SESSION_COOKIE_SECURE"] is True
    assert cfg["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert cfg["UPLOAD_DIR"] == str(tmp_path / "up")
    assert (
        Path(cfg["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).parent == tmp_path / "inst"
    )


def test_plain_http_public_url_keeps_cookies_usable(tmp_path, monkeypatch):
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY", "k")
    cfg = from_environment(tmp_path)
    assert cfg["PUBLIC_URL"] == "http://127.0.0.1:5000"
    assert cfg["SESSION_COOKIE_SECURE"] is False
    assert cfg["RATELIMIT_STORAGE_URI"] == "memory://"


def test_the_served_app_is_frozen_out_of_the_garbage_collector(tmp_path):
    """``quizengine.wsgi`` (what gunicorn serves) builds the app, then freezes what exists out
    of the collector's full walks; in its own process, as a worker would."""
    code = "import gc, quizengine.wsgi as w; print(type(w.app).__name__, gc.get_freeze_count())"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'q.db'}", "SECRET_KEY": "k"}
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    name, frozen = done.stdout.split()
    assert name == "Flask" and int(frozen) > 50_000  # the imports and the app, not a handful
