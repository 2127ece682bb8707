"""Settings from the environment, with safe defaults kept in the instance folder."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"


def database_url(raw: str | None, instance: Path) -> str:
    """Normalise DATABASE_URL: default SQLite file in the instance folder; psycopg 3 for PG."""
    if not raw:
        return f"sqlite:///{instance / 'quizengine.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def secret_key(instance: Path) -> str:
    """The SECRET_KEY from the environment, else one generated once and kept in the instance.

    The key file appears atomically (written aside, then hard-linked into place), so several
    gunicorn workers starting together agree on one key and never read a half-written file.
    """
    env = os.environ.get("SECRET_KEY")
    if env:
        return env
    path = instance / "secret_key"
    if not path.exists():
        aside = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(aside, path)
        except FileExistsError:
            pass  # another process won the race; use its key
        finally:
            aside.unlink()
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty; delete it or set SECRET_KEY")
    return key


def engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # The busy timeout (seconds) is where a writer waits for another: never "locked".
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10}


def from_environment(instance: Path) -> dict[str, Any]:
    """Everything create_app needs; ``config`` passed to create_app overrides any of it."""
    instance.mkdir(parents=True, exist_ok=True)
    url = database_url(os.environ.get("DATABASE_URL"), instance)
    public_url = os.environ.get("PUBLIC_URL", DEFAULT_PUBLIC_URL).rstrip("/")
    https = urlsplit(public_url).scheme == "https"
    redis_url = os.environ.get("REDIS_URL") or None
    return {
        "SECRET_KEY": secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        "PUBLIC_URL": public_url,
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR") or str(instance / "uploads"),
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "1") != "0",
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        # A participant's session ends at the time stored in it (the event day); re-signing
        # and re-sending the cookie on every request would only cost CPU and bytes.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "WTF_CSRF_TIME_LIMIT": None,  # a phone page left open all day must still post
        "BABEL_DEFAULT_LOCALE": "id",
        "LANGUAGES": ("id", "en"),
    }
