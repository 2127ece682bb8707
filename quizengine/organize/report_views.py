"""Reports and exports: results and check-in CSVs, attendance, printable report, IOF XML."""

from __future__ import annotations

from quizengine.organize.views import bp  # noqa: F401
