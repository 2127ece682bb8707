"""WTForms' own messages come from catalogues parsed once per process, in the language of the
request, chosen when the message is translated."""

from __future__ import annotations

from babel import support
from flask_babel import refresh
from wtforms.i18n import messages_path

from quizengine import wtforms_text


def _reference(locale: str, message: str) -> str:
    return support.Translations.load(messages_path(), [locale], domain="wtforms").ugettext(message)


def test_messages_follow_the_request_language_and_the_catalogue_is_parsed_once(app):
    message = "Invalid email address."
    with app.test_request_context("/?lang=en"):
        app.preprocess_request()
        shared = wtforms_text.SharedWtformsTranslations()
        assert shared.ugettext(message) == _reference("en", message)
        first = wtforms_text._catalogue()
    with app.test_request_context("/?lang=en"):
        app.preprocess_request()
        assert wtforms_text._catalogue() is first  # not parsed again
    with app.test_request_context("/?lang=id"):
        app.preprocess_request()
        refresh()
        assert wtforms_text._catalogue() is not first
        assert shared.ungettext("x", "xs", 2) == "xs"


def test_every_request_gets_the_shared_object_flask_wtf_looks_for(app):
    with app.test_request_context("/"):
        app.preprocess_request()
        from flask import request

        assert isinstance(request.wtforms_translations, wtforms_text.SharedWtformsTranslations)
        from flask_wtf.i18n import translations

        assert translations.gettext("Not a valid integer value.") == _reference(
            "id", "Not a valid integer value."
        )
