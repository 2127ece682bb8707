"""WTForms' own messages ("This field is required.") in the page's language, for every form
(participant and organizer), from our catalogue; WTForms' .mo files are never parsed."""

from __future__ import annotations

import pytest
from flask import request
from flask_wtf.i18n import translations

from quizengine import wtforms_text
from quizengine.extensions import db
from tests.builders import make_event


@pytest.mark.parametrize(
    ("lang", "message"), [("id", "Kolom ini wajib diisi."), ("en", "This field is required.")]
)
def test_a_participant_form_says_what_is_missing_in_the_page_language(
    ctx, client, lang: str, message: str
) -> None:
    event = make_event(team_code_login=True)
    slug = event.slug
    db.session.commit()
    resp = client.post(f"/join/{slug}?lang={lang}", data={"code": "", "name": ""})
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)


def test_every_request_gets_the_shared_translations_flask_wtf_looks_for(app) -> None:
    with app.test_request_context("/?lang=id"):
        app.preprocess_request()
        assert request.wtforms_translations is wtforms_text.TRANSLATIONS
        assert translations.gettext("Not a valid float value.") != "Not a valid float value."
        one, many = (
            "Field cannot be longer than %(max)d character.",
            "Field cannot be longer than %(max)d characters.",
        )
        plural = wtforms_text.TRANSLATIONS.ngettext(one, many, 2) % {"max": 2}
        assert plural == "Isian tidak boleh lebih dari 2 karakter."
