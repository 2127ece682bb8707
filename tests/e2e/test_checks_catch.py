"""The phone-readiness checks themselves catch what they are for (else a green run proves
nothing): a page built to break every rule is reported on every count."""

from __future__ import annotations

from tests.e2e.checks import axe_violations, small_targets, small_text
from tests.e2e.test_phone_ready import untranslated

BAD_PAGE = """<!doctype html><html><head><title>x</title></head><body>
<main><p style="font-size:12px">tiny text</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input type="text" name="nolabel">
<button style="font-size:16px;padding:0;height:20px">Go</button>
<a href="/x" style="font-size:16px">x</a>
<p style="color:#bbb;background:#fff;font-size:16px">low contrast</p></main></body></html>"""

GOOD_PAGE = """<!doctype html><html lang="en"><head><title>ok</title></head><body>
<main><h1 style="font-size:24px">Fine</h1><p style="font-size:18px">Readable text.</p>
<label for="a" style="display:block;font-size:18px;min-height:44px">Answer</label>
<input id="a" name="a" style="font-size:18px;height:48px;width:200px">
<button style="font-size:18px;height:48px;width:120px">Send</button></main></body></html>"""


def test_checks_report_a_bad_page_and_pass_a_good_one(phone) -> None:
    page = phone("Pixel 5", bypass_csp=True).new_page()
    page.set_content(BAD_PAGE)
    rules = {line.split(" ")[0] for line in axe_violations(page)}
    assert {"image-alt", "label", "color-contrast", "html-has-lang"} <= rules, rules
    assert any("tiny text" in line for line in small_text(page))
    targets = " ".join(small_targets(page))
    assert "button" in targets and "a[href=/x]" in targets
    page.set_content(GOOD_PAGE)
    assert axe_violations(page) == []
    assert small_text(page) == []
    assert small_targets(page) == []


def test_untranslated_ignores_event_data_only() -> None:
    data = ["Tugu Yogyakarta", "Agus Setiawan"]
    id_texts = ["Mulai", "Tugu Yogyakarta", "Send answer", "09:46 WIB", "Agus Setiawan · 50"]
    en_texts = ["Start", "Tugu Yogyakarta", "Send answer", "09:46 WIB", "Agus Setiawan · 50"]
    assert untranslated(id_texts, en_texts, data) == ["Send answer"]
