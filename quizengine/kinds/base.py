"""Shared pieces of the kinds: the AnswerInvalid error and the common length check."""

from __future__ import annotations

from flask_babel import gettext as _

MAX_ANSWER_CHARS = 2000


class AnswerInvalid(ValueError):
    """An answer that cannot be taken as it is; ``message`` is shown to the participant."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def clean(raw: object, *, required: bool = True) -> str:
    """A raw form value as a stripped string: refuses non-strings, blanks and huge answers."""
    if not isinstance(raw, str):
        raise AnswerInvalid(_("The answer must be text."))
    if len(raw) > MAX_ANSWER_CHARS:
        raise AnswerInvalid(
            _("The answer is too long (at most %(n)d characters).", n=MAX_ANSWER_CHARS)
        )
    if "\x00" in raw:
        raise AnswerInvalid(_("The answer contains characters that are not allowed."))
    text = raw.strip()
    if required and not text:
        raise AnswerInvalid(_("Please give an answer."))
    return text
