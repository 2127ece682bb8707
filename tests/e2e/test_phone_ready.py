"""Every participant page on a phone, in Bahasa Indonesia and in English: screenshots, axe-core
(no serious or critical violations), text >= 16 px, tap targets >= 44 px, page weight (100 KB
first load, less on the second), no untranslated strings; and the no-JavaScript path.

KNOWN_VIOLATIONS is the one place that lists what fails today, each with its reason; the lead
empties it as fixes land. Anything not listed fails the test.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import yaml
from playwright.sync_api import expect

from tests.e2e.checks import (
    FIRST_LOAD_BUDGET,
    axe_violations,
    measure_load,
    small_targets,
    small_text,
)
from tests.e2e.conftest import ImportedEvent
from tests.e2e.eventdata import KERATON, TUGU, offset
from tests.e2e.flows import participant_login, start_task, tap_check_in, task_ids

LANGUAGES = ("id", "en")

# (page, check, substring of the violation line) -> why it is accepted for now.
# check is one of: axe, text, tap, weight, cache, language.
KNOWN_VIOLATIONS: dict[tuple[str, str, str], str] = {}


@dataclass(frozen=True)
class PageCase:
    name: str
    who: str  # "anonymous", "agus" (Merapi, playing), "eko" (Progo, checked in, nothing started)
    path: str


@dataclass
class Stage:
    """The event prepared in the browser, and the sessions of the two players."""

    event: ImportedEvent
    states: dict[str, dict]  # who -> Playwright storage state (cookies)
    paths: dict[str, str]


@pytest.fixture(scope="module")
def stage(import_event, browser, playwright_session, live) -> Iterator[Stage]:
    """Agus checks in at Tugu and starts its question, checks in at the Keraton and starts the
    photo challenge, answers the question that needs no place; Eko checks in at Tugu only."""
    event = import_event("E2E Siap Ponsel", team_code_login=True)
    device = playwright_session.devices["Pixel 5"]
    states: dict[str, dict] = {}
    paths: dict[str, str] = {}
    for who, name in (("agus", "Agus Setiawan"), ("eko", "Eko Prasetyo")):
        login = next(x for x in event.logins if x.name == name)
        context = browser.new_context(
            **device,
            base_url=live.base_url,
            permissions=["geolocation"],
            geolocation={**_geo(offset(TUGU, 15)), "accuracy": 8},
        )
        page = context.new_page()
        participant_login(page, login.url)
        page.goto(event.checkpoints["tugu"])
        tap_check_in(page)
        (question,) = task_ids(page)
        paths["question"] = f"/t/{question}"
        if who == "agus":
            start_task(page, question)
            context.set_geolocation({**_geo(offset(KERATON, 10)), "accuracy": 8})
            page.goto(event.checkpoints["keraton"])
            tap_check_in(page)
            (creative,) = task_ids(page)
            start_task(page, creative)
            paths["creative"] = f"/t/{creative}"
            page.goto("/home")
            free = task_ids(page)[-1]
            start_task(page, free)
            page.locator("input[name=answer]").fill("Yogyakarta")
            with page.expect_navigation():
                page.locator(f"form[action$='/t/{free}/answer'] button[type=submit]").click()
            expect(page.locator(".result")).to_be_visible()
            paths["answered"] = f"/t/{free}"
        states[who] = context.storage_state()
        context.close()
    yield Stage(event, states, paths)


def _cases(stage: Stage) -> list[PageCase]:
    ev, p = stage.event, stage.paths
    tugu = ev.checkpoints["tugu"].split("/c/")[1]
    keraton = ev.checkpoints["keraton"].split("/c/")[1]
    login = next(x for x in ev.logins if x.name == "Nur Aini").url.split("/in/")[1]
    return [
        PageCase("index", "anonymous", "/"),
        PageCase("login", "anonymous", f"/in/{login}"),
        PageCase("join", "anonymous", f"/join/{ev.slug}"),
        PageCase("login-needed", "anonymous", f"/c/{tugu}"),
        PageCase("home", "agus", "/home"),
        PageCase("typed-code", "agus", "/c"),
        PageCase("unknown-checkpoint", "agus", "/c/ZZZZ99"),
        PageCase("checkpoint", "eko", f"/c/{keraton}"),
        PageCase("checkpoint-checked-in", "agus", f"/c/{tugu}"),
        PageCase("task-start", "eko", p["question"]),
        PageCase("task-question-running", "agus", p["question"]),
        PageCase("task-creative-running", "agus", p["creative"]),
        PageCase("task-answered", "agus", p["answered"]),
    ]


PAGE_NAMES = [
    "index", "login", "join", "login-needed", "home", "typed-code", "unknown-checkpoint",
    "checkpoint", "checkpoint-checked-in", "task-start", "task-question-running",
    "task-creative-running", "task-answered",
]  # fmt: skip


def _known(page: str, check: str, line: str) -> bool:
    return any(p == page and c == check and s in line for (p, c, s) in KNOWN_VIOLATIONS)


def _unexpected(page: str, found: dict[str, list[str]]) -> list[str]:
    bad = [f"{check}: {line}" for check, lines in found.items() for line in lines]
    new = [b for b in bad if not _known(page, b.split(":", 1)[0], b)]
    for (p, c, s), why in KNOWN_VIOLATIONS.items():
        if p == page and not any(b.startswith(c + ":") and s in b for b in bad):
            warnings.warn(f"known violation gone, remove it: {(p, c, s)} ({why})", stacklevel=1)
    return new


# Visible text nodes of the page, as they appear (to compare the two languages).
_TEXTS_JS = """() => {
  const out = [];
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (w.nextNode()) {
    const t = w.currentNode.textContent.replace(/\\s+/g, ' ').trim();
    const el = w.currentNode.parentElement;
    if (t && el && el.offsetParent !== null && !el.closest('script,style')) out.push(t);
  }
  for (const el of document.querySelectorAll('[placeholder],[aria-label],[alt],[title]')) {
    for (const a of ['placeholder', 'aria-label', 'alt', 'title']) {
      if (el.getAttribute(a)) out.push(el.getAttribute(a).trim());
    }
  }
  out.push(document.title);
  return out;
}"""


def _data_strings(event: ImportedEvent) -> list[str]:
    """Every string of the event file (names, prompts...): shown as written in both languages."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str) and len(node) > 1:
            found.append(node)

    walk(yaml.safe_load(event.yaml))
    return sorted(found, key=len, reverse=True)


def _language_neutral(text: str, data: list[str]) -> bool:
    for value in data:
        text = text.replace(value, " ")
    text = re.sub(r"\b(WIB|WITA|WIT|UTC|ID|EN|quizengine|km|m)\b", " ", text)
    return not re.search(r"[^\W\d_]{2,}", text)


def untranslated(texts_id: list[str], texts_en: list[str], data: list[str]) -> list[str]:
    """Text that reads the same in both languages and is not event data: not translated."""
    en = set(texts_en)
    return sorted({t for t in texts_id if t in en and not _language_neutral(t, data)})


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_participant_page_is_phone_ready(
    name, stage, browser, playwright_session, live, screenshots
) -> None:
    (case,) = [c for c in _cases(stage) if c.name == name]
    state = stage.states.get(case.who)
    found: dict[str, list[str]] = {c: [] for c in ("axe", "text", "tap", "weight", "cache")}
    texts: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        context = browser.new_context(
            **playwright_session.devices["Pixel 5"],
            base_url=live.base_url,
            bypass_csp=True,  # lets the test inject axe-core
            storage_state=state,
        )
        try:
            page = context.new_page()
            sep = "&" if "?" in case.path else "?"
            first = measure_load(page, f"{case.path}{sep}lang={lang}")
            second = measure_load(page, f"{case.path}{sep}lang={lang}")
            page.screenshot(path=str(screenshots / f"phone-{name}-{lang}.png"), full_page=True)
            with (screenshots.parent / "page-weights.tsv").open("a") as log:
                log.write(f"{name}\t{lang}\t{first.total}\t{second.total}\t{first.describe()}\n")
            if first.total > FIRST_LOAD_BUDGET:
                found["weight"].append(f"{lang} first load {first.describe()} > 100 KB")
            if second.total >= first.total:
                found["cache"].append(f"{lang} second {second.describe()} >= first {first.total}")
            if lang == "id":  # layout and rules: one language is enough
                found["axe"] = axe_violations(page)
                found["text"] = small_text(page)
                found["tap"] = small_targets(page)
            texts[lang] = page.evaluate(_TEXTS_JS)
            html_lang = page.locator("html").get_attribute("lang")
            if html_lang != lang:
                found.setdefault("language", []).append(f"<html lang={html_lang}> for ?lang={lang}")
        finally:
            context.close()
    for text in untranslated(texts["id"], texts["en"], _data_strings(stage.event)):
        found.setdefault("language", []).append(f"same in id and en: {text!r}")
    problems = _unexpected(name, found)
    assert not problems, f"{name} ({case.path}):\n  " + "\n  ".join(problems)


def _geo(point: tuple[float, float]) -> dict[str, float]:
    return {"latitude": point[0], "longitude": point[1]}


def test_no_javascript_login_home_and_question(live, import_event, phone) -> None:
    """Where no location is needed everything works with scripts off: log in, home, start
    and answer the question that needs no place, see the points."""
    event = import_event("E2E Tanpa JavaScript")
    page = phone("iPhone 12", javascript=False).new_page()
    participant_login(page, event.login("Kelompok Progo", 1).url)
    expect(page.locator("#score")).to_have_text("0")
    free = task_ids(page)[-1]
    start_task(page, free)
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^\d+:\d\d$"))
    page.locator("input[name=answer]").fill("jogja")
    with page.expect_navigation():
        page.locator(f"form[action$='/t/{free}/answer'] button[type=submit]").click()
    expect(page.locator(".result")).to_contain_text("50")
    page.goto("/c?code=zz-zz99")  # the typed-code form is a plain GET form
    assert page.url.endswith("/c/ZZZZ99")
    page.goto("/home")
    assert int(page.locator("#score").inner_text()) > 0
    # The checkpoint page says plainly that checking in needs JavaScript.
    page.goto(event.checkpoints["tugu"])
    expect(page.locator("#checkin noscript p, #checkin noscript").first).to_be_attached()
