"""Free text: right when it matches an accepted variant, ignoring case, spaces and diacritics."""

from __future__ import annotations

from typing import Any

from checkpoints.answers import check_text
from quizengine.kinds.base import clean


def accepted(task: Any) -> list[str]:
    """The task's accepted variants: its answer spec is one string or a list of them."""
    spec = task.answer
    if spec is None:
        return []
    if isinstance(spec, list | tuple):
        return [str(a) for a in spec]
    return [str(spec)]


class TextKind:
    name = "text"
    template = "play/kinds/text.html"
    auto_scored = True

    def parse(self, task: Any, form_value: str) -> str:
        return " ".join(clean(form_value).split())

    def is_correct(self, task: Any, answer: Any) -> bool:
        return isinstance(answer, str) and check_text(answer, accepted(task))
