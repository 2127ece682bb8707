"""Fixtures of the browser tests: the live gunicorn server, chromium, phones, the test event.

These tests run only with ``E2E=1`` (``make e2e``); the normal ``make test`` does not collect
them. They need Debian's chromium and pdftoppm and the ``playwright`` Python package (never a
downloaded browser). The database is a fresh SQLite file, or PostgreSQL when
``E2E_DATABASE_URL`` is set (its public schema is dropped first).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.eventdata import Login, event_yaml, parse_links
from tests.e2e.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    LiveServer,
    decode_pdf_qr_codes,
    have_tools,
    pdf_page_texts,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Playwright

ENABLED = os.environ.get("E2E") == "1"
collect_ignore_glob = [] if ENABLED else ["test_*.py"]

ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", ROOT / "test-artifacts"))
SCREENSHOTS = ARTIFACTS / "screenshots"
PHONES = ("Pixel 5", "iPhone 12")


def pytest_configure(config: pytest.Config) -> None:
    if ENABLED and (missing := have_tools()):
        raise pytest.UsageError(f"browser tests need: {', '.join(missing)} (make e2e installs)")


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where the screenshots go (``E2E_ARTIFACTS``/screenshots, default test-artifacts/)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "page-weights.tsv").write_text("page\tlang\tfirst_bytes\tsecond_bytes\tdetail\n")
    return SCREENSHOTS


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(
        tmp_path_factory.mktemp("live"), database_url=os.environ.get("E2E_DATABASE_URL") or None
    )
    try:
        server.start()
        yield server
    finally:
        server.stop()


@dataclass(frozen=True)
class OrganizerAccount:
    email: str
    password: str


@pytest.fixture(scope="session")
def organizer(live: LiveServer) -> OrganizerAccount:
    account = OrganizerAccount("lead@example.org", secrets.token_urlsafe(12))
    live.flask(
        "organizer", "create", account.email, "--password-file", "-",
        stdin=account.password.encode() + b"\n",
    )  # fmt: skip
    return account


@dataclass
class ImportedEvent:
    slug: str
    logins: list[Login]
    yaml: str = ""
    checkpoints: dict[str, str] = field(default_factory=dict)  # "tugu"/"keraton" -> URL

    def login(self, team: str, index: int = 0) -> Login:
        return [x for x in self.logins if x.team == team][index]


@pytest.fixture(scope="session")
def import_event(live: LiveServer, tmp_path_factory: pytest.TempPathFactory):
    """Factory: import a fresh copy of the test event with the real CLI commands (import,
    links, sheets --force); its slug, login links and the checkpoint URLs decoded from the
    printed sheets."""
    folder = tmp_path_factory.mktemp("events")

    def make(title: str, **options: Any) -> ImportedEvent:
        text = event_yaml(title, **options)
        path = folder / f"{secrets.token_hex(4)}.yaml"
        path.write_text(text, encoding="utf-8")
        slug = f"e2e-{secrets.token_hex(3)}"
        sheets = folder / f"{slug}-sheets.pdf"
        _, links, _ = live.flask_many(
            ["event", "import", str(path), "--slug", slug],
            ["event", "links", slug],
            ["event", "sheets", slug, "-o", str(sheets), "--force"],
        )
        event = ImportedEvent(slug, parse_links(links), text)
        pages = decode_pdf_qr_codes(sheets.read_bytes())
        for codes, sheet in zip(pages, pdf_page_texts(sheets.read_bytes()), strict=True):
            event.checkpoints["tugu" if "Tugu" in sheet else "keraton"] = codes[0]
        return event

    return make


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    browser = playwright_session.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


PhoneFactory = Callable[..., "BrowserContext"]


@pytest.fixture
def phone(
    browser: Browser, playwright_session: Playwright, live: LiveServer
) -> Iterator[PhoneFactory]:
    """Factory of phone contexts: ``phone(device="Pixel 5", position=(lat, lon), ...)``.

    ``position`` grants the geolocation permission and sets the fix (accuracy 10 m);
    ``geolocation=False`` leaves the permission denied; ``javascript=False`` turns scripts off;
    ``bypass_csp=True`` lets the tests inject axe-core. Every context is closed after the test.
    """
    opened: list[BrowserContext] = []

    def make(
        device: str = "Pixel 5",
        *,
        position: tuple[float, float] | None = None,
        geolocation: bool = True,
        javascript: bool = True,
        bypass_csp: bool = False,
        locale: str = "id-ID",
        accuracy: float = 10.0,
    ) -> BrowserContext:
        options: dict[str, Any] = dict(playwright_session.devices[device])
        options.update(
            base_url=live.base_url,
            locale=locale,
            timezone_id="Asia/Jakarta",
            java_script_enabled=javascript,
            bypass_csp=bypass_csp,
            permissions=["geolocation"] if geolocation else [],
        )
        if position is not None:
            options["geolocation"] = {
                "latitude": position[0], "longitude": position[1], "accuracy": accuracy,
            }  # fmt: skip
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


@pytest.fixture
def laptop(browser: Browser, live: LiveServer) -> Iterator[BrowserContext]:
    """The organizer's browser: a desktop-sized context."""
    context = browser.new_context(
        base_url=live.base_url, viewport={"width": 1366, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()
