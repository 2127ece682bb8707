"""Fixtures for the trust tests: the real gunicorn server factory from tests/server.py."""

from __future__ import annotations

from tests.server import gunicorn_server  # noqa: F401  (fixture)
