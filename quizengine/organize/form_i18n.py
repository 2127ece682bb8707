"""The organizer forms' base class: WTForms' built-in messages ("This field is required.",
"Not a valid float value.", ...) in the page's language, from our own catalogue.

WTForms ships no Bahasa Indonesia catalogue, so those messages would stay English on an
Indonesian page. Forms derived from ``TranslatedForm`` look them up through Flask-Babel in
quizengine/translations instead; the msgids below are WTForms' own, marked here so that
``pybabel extract`` puts them into our catalogue.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_translations, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

# The messages of the fields and validators our forms use, exactly as WTForms spells them.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Invalid input."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Choices cannot be None."),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Invalid email address."),
)


def _plural_msgids() -> None:
    """Never called: marks WTForms' plural messages for ``pybabel extract`` (``ngettext``)."""
    ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    )
    ngettext(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    )


class BabelTranslations:
    """The ``gettext``/``ngettext`` pair WTForms asks for, answered from Flask-Babel's catalogue
    of the request's locale. WTForms fills in the ``%(...)s`` values itself."""

    def gettext(self, string: str) -> str:
        return str(get_translations().ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(get_translations().ungettext(singular, plural, n))


TRANSLATIONS = BabelTranslations()


class TranslatedForm(FlaskForm):
    """A Flask-WTF form whose built-in messages come from our catalogue."""

    class Meta:
        def get_translations(self, form: Any) -> BabelTranslations:
            return TRANSLATIONS
