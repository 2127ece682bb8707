"""Review queue for creative submissions."""

from __future__ import annotations

from quizengine.organize.views import bp  # noqa: F401
