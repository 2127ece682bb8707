"""Creative challenges: photo and/or text, judged by people, never scored automatically."""

from __future__ import annotations

from typing import Any

from quizengine.kinds.base import clean


class CreativeKind:
    name = "creative"
    template = "play/kinds/creative.html"
    auto_scored = False

    def parse(self, task: Any, form_value: str) -> str:
        """The accompanying text (may be empty: photos alone are a valid submission)."""
        return clean(form_value, required=False)

    def is_correct(self, task: Any, answer: Any) -> bool:
        """Creative work is judged, not checked: always False (reviews give its points)."""
        return False
