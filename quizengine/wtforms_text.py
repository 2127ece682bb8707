"""WTForms' own messages ("This field is required.", "Not a valid float value.", ...) in the
page's language, for every form, from our own catalogue.

WTForms ships no Bahasa Indonesia catalogue, and Flask-WTF parses WTForms' .mo file again on
every request (``flask_wtf.i18n``: about a tenth of a participant page's CPU time). Flask-WTF
first looks for ``request.wtforms_translations``: every request gets this module's shared
object there, which answers from Flask-Babel's catalogue of the request's locale (loaded once
per process, and chosen when a message is translated, so pages that pick their language late
from the event they show get it right). The msgids below are WTForms' own, marked here so
that ``pybabel extract`` puts them into quizengine/translations.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import get_translations, ngettext
from flask_babel import lazy_gettext as _l

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
    """What WTForms (``gettext``/``ngettext``) and Flask-WTF (``ugettext``/``ungettext``) ask
    for, answered from Flask-Babel's catalogue of the request's locale. WTForms fills in the
    ``%(...)s`` values itself."""

    def gettext(self, string: str) -> str:
        return str(get_translations().ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(get_translations().ungettext(singular, plural, n))

    ugettext = gettext
    ungettext = ngettext


TRANSLATIONS = BabelTranslations()


def install(app: Flask) -> None:
    @app.before_request
    def _shared_form_translations() -> None:
        request.wtforms_translations = TRANSLATIONS  # type: ignore[attr-defined]
