"""What a person does in the browser, step by step: log in, scan, check in, start, answer.

Selectors follow the route contract (docs/routes.md) and the form actions, never the wording,
so the same steps work in Bahasa Indonesia and English.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from playwright.sync_api import expect

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.e2e.conftest import OrganizerAccount

TASK_HREF = re.compile(r"/t/(\d+)$")


def participant_login(page: Page, login_url: str) -> None:
    """Open a personal link (as from a badge QR) and confirm "Continue as NAME (TEAM)"."""
    page.goto(login_url)
    page.locator("form[action*='/in/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/home$"))


def tap_check_in(page: Page) -> str:
    """Tap "I am here" on a checkpoint page; the text of the verdict shown afterwards."""
    button = page.locator("#locate")
    expect(button).to_be_enabled()
    with page.expect_navigation():
        button.click()
    flash = page.locator("main .flash").first
    expect(flash).to_be_visible()
    return flash.inner_text()


def task_ids(page: Page) -> list[int]:
    """The task links of the page, in order."""
    hrefs = page.locator("a.task-link").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    return [int(m.group(1)) for h in hrefs if (m := TASK_HREF.search(h or ""))]


def start_task(page: Page, task_id: int) -> None:
    page.goto(f"/t/{task_id}")
    with page.expect_navigation():
        page.locator(f"form[action$='/t/{task_id}/start'] button[type=submit]").click()
    expect(page.locator(".prompt")).to_be_visible()


def remaining_ms(page: Page) -> int:
    """The server's remaining time written into the task page (data-remaining-ms)."""
    return int(page.locator("#countdown").get_attribute("data-remaining-ms") or "-1")


def organizer_login(page: Page, account: OrganizerAccount) -> None:
    page.goto("/organize/login")
    page.locator("input[name=email]").fill(account.email)
    page.locator("input[name=password]").fill(account.password)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/organize/login"))


def download(context: BrowserContext, path: str) -> bytes:
    """GET ``path`` with the context's cookies (the organizer's session)."""
    response = context.request.get(path)
    assert response.ok, f"GET {path}: {response.status} {response.text()[:300]}"
    return response.body()
