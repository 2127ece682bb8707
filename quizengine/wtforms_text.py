"""WTForms' own messages ("This field is required." and the like) in the request's language,
from catalogues parsed once per process.

Flask-WTF parses wtforms' .mo file again on every request (``flask_wtf.i18n``), which cost
about a tenth of a participant page's CPU time. It first looks for
``request.wtforms_translations``; every request gets this module's shared object there, which
picks the catalogue of the request's locale at the moment a message is translated (so pages
that choose their language late, from the event they show, still get it right).
"""

from __future__ import annotations

import threading

from babel import support
from flask import Flask, request
from flask_babel import get_locale
from wtforms.i18n import messages_path

_CATALOGUES: dict[str, support.Translations] = {}
_LOCK = threading.Lock()


def _catalogue() -> support.Translations:
    locale = get_locale()
    key = str(locale)
    found = _CATALOGUES.get(key)
    if found is None:
        with _LOCK:
            found = _CATALOGUES.get(key)
            if found is None:
                found = support.Translations.load(messages_path(), [locale], domain="wtforms")
                _CATALOGUES[key] = found
    return found


class SharedWtformsTranslations:
    """What Flask-WTF calls: ``ugettext`` and ``ungettext``."""

    def ugettext(self, string: str) -> str:
        return _catalogue().ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return _catalogue().ungettext(singular, plural, n)


_SHARED = SharedWtformsTranslations()


def install(app: Flask) -> None:
    @app.before_request
    def _shared_form_translations() -> None:
        request.wtforms_translations = _SHARED  # type: ignore[attr-defined]
