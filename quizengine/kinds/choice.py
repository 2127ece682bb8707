"""Multiple choice: the answer must be one of the task's choices."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from checkpoints.answers import check_choice, normalize_text
from quizengine.kinds.base import AnswerInvalid, clean


class ChoiceKind:
    name = "choice"
    template = "play/kinds/choice.html"
    auto_scored = True

    def parse(self, task: Any, form_value: str) -> str:
        """The chosen option exactly as the task spells it; anything else is refused."""
        given = normalize_text(clean(form_value))
        for choice in task.choices or []:
            if normalize_text(choice) == given:
                return str(choice)
        raise AnswerInvalid(_("Please pick one of the choices."))

    def is_correct(self, task: Any, answer: Any) -> bool:
        if not isinstance(answer, str) or task.answer is None:
            return False
        return check_choice(answer, str(task.answer), [str(c) for c in task.choices or []])
