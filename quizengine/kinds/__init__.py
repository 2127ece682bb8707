"""The question-kind registry: each kind knows its answer form, how to read and how to score it.

Adding a kind touches one module here (CTFd's challenge types): it provides an object with
``name``, ``template``, ``auto_scored``, ``parse(task, raw)`` and ``is_correct(task, answer)``
and is listed in ``KINDS``. The organizer side re-scores with
``get(task.kind).is_correct(task, attempt.answer)``.
"""

from __future__ import annotations

from typing import Any, Protocol

from quizengine.kinds.base import MAX_ANSWER_CHARS, AnswerInvalid
from quizengine.kinds.choice import ChoiceKind
from quizengine.kinds.creative import CreativeKind
from quizengine.kinds.number import NumberKind
from quizengine.kinds.text import TextKind


class Kind(Protocol):
    """What every question or challenge kind provides."""

    name: str
    template: str  # partial template rendering the answer field(s), given ``task``
    auto_scored: bool  # False for creative work, which judges score

    def parse(self, task: Any, form_value: str) -> Any:
        """Validate and normalize a raw answer; raise AnswerInvalid with a participant-facing
        message. The result is what Attempt.answer stores (JSON-serializable)."""
        ...

    def is_correct(self, task: Any, answer: Any) -> bool:
        """Whether a stored (parsed) answer is right under the task's current answer spec."""
        ...


KINDS: dict[str, Kind] = {
    k.name: k for k in (ChoiceKind(), TextKind(), NumberKind(), CreativeKind())
}


def get(kind: str) -> Kind:
    """The kind named ``kind``; KeyError for an unknown one (a broken task, not bad input)."""
    try:
        return KINDS[kind]
    except KeyError:
        raise KeyError(f"unknown task kind {kind!r}; known: {sorted(KINDS)}") from None


__all__ = ["KINDS", "MAX_ANSWER_CHARS", "AnswerInvalid", "Kind", "get"]
