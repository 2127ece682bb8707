"""Smoke: the live server answers and chromium renders its home page."""

from __future__ import annotations

from tests.e2e.checks import axe_violations, measure_load, small_targets, small_text


def test_server_and_browser(live, phone, import_event, organizer) -> None:
    event = import_event("E2E Smoke")
    ctx = phone(bypass_csp=True)
    page = ctx.new_page()
    first = measure_load(page, "/")
    second = measure_load(page, "/")
    print(first.describe(), second.describe())
    print(axe_violations(page), small_text(page), small_targets(page))
    print(event.slug, event.logins[:2])
    assert page.title()
