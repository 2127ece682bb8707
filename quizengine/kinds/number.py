"""Numbers: decimal comma or point, thousands groups; right within the task's tolerance."""

from __future__ import annotations

import math
from typing import Any

from flask_babel import gettext as _

from checkpoints.answers import check_number, parse_number
from quizengine.kinds.base import AnswerInvalid, clean


def spec(task: Any) -> tuple[float, float]:
    """(value, tolerance) of the task's answer spec: {"value": v, "tolerance": t} or a bare v."""
    raw = task.answer
    if isinstance(raw, dict):
        return float(raw["value"]), float(raw.get("tolerance") or 0)
    return float(raw), 0.0


class NumberKind:
    name = "number"
    template = "play/kinds/number.html"
    auto_scored = True

    def parse(self, task: Any, form_value: str) -> str:
        """The typed number as typed (stripped), once it is known to parse."""
        text = clean(form_value)
        try:
            parse_number(text)
        except ValueError:
            raise AnswerInvalid(
                _(
                    "“%(text)s” is not a number we can read. Type digits only, e.g. 1953 or 2,5.",
                    text=text[:40],
                )
            ) from None
        return text

    def is_correct(self, task: Any, answer: Any) -> bool:
        if task.answer is None:
            return False
        value, tolerance = spec(task)
        if isinstance(answer, int | float) and not isinstance(answer, bool):
            return math.isfinite(answer) and abs(answer - value) <= tolerance + 1e-9 * max(
                1.0, abs(value)
            )
        return isinstance(answer, str) and check_number(answer, value, tolerance)
