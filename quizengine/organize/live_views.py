"""Live dashboard: team x checkpoint grid, feed of check-ins and answers, polling endpoint."""

from __future__ import annotations

from quizengine.organize.views import bp  # noqa: F401
