"""Corrections: manual check-in, points adjustments, re-scoring, disqualification (all audited)."""

from __future__ import annotations

from quizengine.organize.views import bp  # noqa: F401
