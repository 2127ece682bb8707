"""Rate limits, declared in one place and attached to the views by endpoint name.

Limits are keyed by participant (or organizer), not by IP: a whole event shares one Wi-Fi.
With REDIS_URL set they are stored in Redis, so they hold across gunicorn workers and hosts.
"""

from __future__ import annotations

from flask import Flask

from quizengine.extensions import limiter

# endpoint -> limit string (Flask-Limiter syntax). Filled in by the trust work (issue 5).
LIMITS: dict[str, str] = {}


def apply_limits(app: Flask) -> None:
    for endpoint, limit in LIMITS.items():
        view = app.view_functions.get(endpoint)
        if view is None:
            raise RuntimeError(f"rate limit for unknown endpoint {endpoint!r}")
        limiter.limit(limit)(view)
