"""The organizer's screens that update themselves, in a real browser: the live dashboard
(``organize/live.js``) and the projector page (``board/projector.js``) poll JSON on a timer.

Phones check in and answer, the organizer corrects points, and each open page must show the
right names, numbers and ranks without a reload. One poll of each page fails for real (the
organizer's session ends in another tab, so the dashboard's poll is sent to the log-in page and
the projector's gets a 404); both pages must keep their last data and pick up again once the
organizer logs back in. No page may throw or log a JavaScript error.

The pages' own timers drive every poll; Playwright's clock only lets the browser's time jump
ahead (``fast_forward``) so a test does not sit through 5 and 10 second intervals. The first
update of the dashboard is waited for in real time, on its real interval.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING

from playwright.sync_api import expect

from tests.e2e.eventdata import KERATON, TUGU, event_yaml, offset, parse_links
from tests.e2e.flows import organizer_login, participant_login, start_task, tap_check_in, task_ids

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request, Response

    from tests.e2e.conftest import OrganizerAccount, PhoneFactory
    from tests.e2e.harness import LiveServer

LIVE_INTERVAL_MS = 5_000  # live.js: INTERVAL; after an error it waits twice as long
PROJECTOR_INTERVAL_MS = 10_000  # projector.js: INTERVAL
MERAPI, PROGO = "Kelompok Merapi", "Kelompok Progo"
TASKS_TOTAL = 3  # the Tugu question, the Keraton photo, the question that needs no place


@dataclass
class Screen:
    """One page that must update itself: its JavaScript errors, console errors and
    navigations are recorded from the moment it is watched."""

    page: Page
    errors: list[str] = field(default_factory=list)
    navigations: int = 0
    allow_failed_loads: bool = False  # while a poll is made to fail on purpose

    @classmethod
    def watch(cls, page: Page) -> Screen:
        screen = cls(page)
        page.on("pageerror", lambda exc: screen.errors.append(f"pageerror: {exc}"))
        page.on("console", screen._console)
        page.on("framenavigated", screen._navigated)
        page.clock.install()  # the browser's timers, so a test can jump ahead in time
        return screen

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        if self.allow_failed_loads and message.text.startswith("Failed to load resource"):
            return
        self.errors.append(f"console.error: {message.text}")

    def _navigated(self, frame: object) -> None:
        if frame is self.page.main_frame:
            self.navigations += 1

    def open(self, path: str) -> None:
        self.page.goto(path)
        self.navigations = 0

    def next_poll(self, path: str, jump_ms: int, timeout_s: float = 10.0) -> Response | None:
        """Let the page's own timer fire now: jump the browser clock ahead until the page
        sends its next request to ``path``; that request's response (None if it failed).

        A poll already on its way when this is called does not count: its answer may predate
        the change the caller made. While it is out, no timer is pending, so the jump is
        repeated until the page has re-armed its timer and polled again."""
        sent: list[Request] = []

        def on_request(request: Request) -> None:
            if path in request.url and request.redirected_from is None:
                sent.append(request)

        self.page.on("request", on_request)
        try:
            deadline = monotonic() + timeout_s
            while not sent:
                assert monotonic() < deadline, f"the page sent no request to {path}"
                self.page.clock.fast_forward(jump_ms)
                self.page.wait_for_timeout(25)  # let the request event arrive
        finally:
            self.page.remove_listener("request", on_request)
        return sent[0].response()

    def assert_clean(self) -> None:
        assert self.errors == [], "\n".join(self.errors)
        assert self.navigations == 0, f"the page navigated {self.navigations} times"


@dataclass
class OwnedEvent:
    slug: str
    logins: dict[str, str]  # participant name -> personal login link
    checkpoints: dict[str, str]  # "tugu"/"keraton" -> checkpoint URL


def import_owned_event(
    desk: Page, live: LiveServer, folder: Path, title: str, renames: dict[str, str] | None = None
) -> OwnedEvent:
    """The organizer uploads the test event (teams renamed by ``renames``) on the import page,
    so that they own it; its login links from the CLI, its checkpoint codes from the
    checkpoints page."""
    text = event_yaml(title)
    for old, new in (renames or {}).items():
        text = text.replace(old, new)
    path = folder / f"{secrets.token_hex(4)}.yaml"
    path.write_text(text, encoding="utf-8")
    desk.goto("/organize/import")
    desk.locator("input[type=file][name=file]").set_input_files(str(path))
    with desk.expect_navigation():
        desk.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    match = re.search(r"/organize/e/([^/]+)/", desk.url)
    assert match, f"import did not lead to the event page: {desk.url}"
    slug = match.group(1)
    logins = {x.name: x.url for x in parse_links(live.flask("event", "links", slug))}
    desk.goto(f"/organize/e/{slug}/checkpoints")
    checkpoints = {}
    for row in desk.locator("main table tbody tr").all():
        name = row.locator("td").first.inner_text()
        code = row.locator("td code").inner_text()
        checkpoints["tugu" if "Tugu" in name else "keraton"] = f"{live.base_url}/c/{code}"
    assert set(checkpoints) == {"tugu", "keraton"}, checkpoints
    return OwnedEvent(slug, logins, checkpoints)


def adjust_points(desk: Page, slug: str, team: str, points: int, reason: str) -> None:
    """An organizer action: add ``points`` to ``team`` on the corrections page."""
    desk.goto(f"/organize/e/{slug}/corrections")
    form = desk.locator("form[action$='/corrections/adjust']")
    form.locator("input[name=team]").fill(team)
    form.locator("input[name=points]").fill(str(points))
    form.locator("textarea[name=reason]").fill(reason)
    with desk.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(desk.locator(".flash.error")).to_have_count(0)


def clear_flag(desk: Page, slug: str, reason: str) -> None:
    """An organizer action: clear the (only) open flag, from the live page of another tab."""
    desk.goto(f"/organize/e/{slug}/live")
    card = desk.locator("#flags li.card.open")
    card.locator("input[name=decision][value=cleared]").check()
    card.locator("input[name=reason]").fill(reason)
    with desk.expect_navigation():
        card.locator("button[type=submit]").click()
    expect(desk.locator("#flags li.card.cleared")).to_have_count(1)


def add_checkpoint(desk: Page, slug: str, name: str, where: tuple[float, float]) -> None:
    """An organizer action: a new checkpoint, added while the event runs."""
    desk.goto(f"/organize/e/{slug}/checkpoints/new")
    desk.locator("input[name=name]").fill(name)
    desk.locator("input[name=lat]").fill(str(where[0]))
    desk.locator("input[name=lon]").fill(str(where[1]))
    with desk.expect_navigation():
        desk.locator("main form button[type=submit]").click()
    expect(desk.locator("main")).to_contain_text(name)


def end_event_early(desk: Page, slug: str) -> datetime:
    """An organizer action: the event's end moved to 30 minutes after its start; the new end
    (local time)."""
    desk.goto(f"/organize/e/{slug}/settings")
    starts = datetime.fromisoformat(desk.locator("input[name=starts]").input_value())
    ends = starts + timedelta(minutes=30)
    desk.locator("input[name=ends]").fill(ends.strftime("%Y-%m-%dT%H:%M"))
    with desk.expect_navigation():
        desk.locator("main form button[type=submit]").click()
    expect(desk.locator(".flash.success")).to_be_visible()
    return ends


def freeze_board_at_start(desk: Page, slug: str) -> datetime:
    """An organizer action: the public board frozen as it stood a minute after the event's
    start (the freeze must lie inside the event); that moment (local time)."""
    desk.goto(f"/organize/e/{slug}/settings")
    freeze = datetime.fromisoformat(desk.locator("input[name=starts]").input_value())
    freeze += timedelta(minutes=1)
    desk.locator("input[name=freeze]").fill(freeze.strftime("%Y-%m-%dT%H:%M"))
    with desk.expect_navigation():
        desk.locator("main form button[type=submit]").click()
    expect(desk.locator(".flash.success")).to_be_visible()
    return freeze


def log_out(desk: Page) -> None:
    desk.goto("/organize/")
    with desk.expect_navigation():
        desk.locator("form[action$='/logout'] button[type=submit]").click()
    expect(desk).to_have_url(re.compile(r"/organize/login"))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def expect_grid_row(page: Page, team: str, cells: list[str]) -> None:
    row = page.locator("[data-grid] tbody tr", has=page.locator("th", has_text=team))
    expect(row.locator("th, td")).to_have_text([team, *cells])


def expect_board(page: Page, rows: list[tuple[str, str, str, str]]) -> None:
    items = page.locator("[data-list] li")
    expect(items).to_have_count(len(rows))
    for item, row in zip(items.all(), rows, strict=True):
        expect(item.locator("span")).to_have_text(list(row))


def answer_tugu_question(phone_page: Page, event: OwnedEvent) -> int:
    """Check in 20 m from Tugu (the phone's position), start the question, answer it right;
    the points the result page shows."""
    phone_page.goto(event.checkpoints["tugu"])
    tap_check_in(phone_page)
    expect(phone_page.locator("main .flash.success").first).to_be_visible()
    (question,) = task_ids(phone_page)
    start_task(phone_page, question)
    phone_page.locator("label.choice", has_text="1867").click()
    with phone_page.expect_navigation():
        phone_page.locator(f"form[action$='/t/{question}/answer'] button[type=submit]").click()
    result = phone_page.locator(".result")
    expect(result).to_be_visible()
    found = re.search(r"(\d+)", result.locator("p").last.inner_text())
    assert found, result.inner_text()
    return int(found.group(1))


def test_dashboard_and_projector_follow_the_day(
    live: LiveServer,
    organizer: OrganizerAccount,
    laptop: BrowserContext,
    phone: PhoneFactory,
    screenshots: Path,
    tmp_path: Path,
) -> None:
    desk = laptop.new_page()
    organizer_login(desk, organizer)
    event = import_owned_event(desk, live, tmp_path, "E2E Layar Langsung")
    live_json = f"/organize/e/{event.slug}/live.json"
    standings_json = f"/board/{event.slug}/standings.json"

    # The dashboard and the projector open on the organizer's laptop, before anything happens.
    dash = Screen.watch(laptop.new_page())
    dash.open(f"/organize/e/{event.slug}/live")
    status = dash.page.locator("[data-status]")
    expect(status).to_have_text(re.compile(r"\d\d:\d\d:\d\d"))  # the first poll, on load
    expect_grid_row(dash.page, MERAPI, ["· 0/1 · 0", "· 0/1 · 0", "0"])
    expect_grid_row(dash.page, PROGO, ["· 0/1 · 0", "· 0/1 · 0", "0"])
    expect(dash.page.locator("[data-feed] li")).to_have_count(0)
    proj = Screen.watch(laptop.new_page())
    proj.open(f"/board/{event.slug}/projector")
    expect_board(proj.page, [("1", MERAPI, f"0/{TASKS_TOTAL}", "0"),
                             ("1", PROGO, f"0/{TASKS_TOTAL}", "0")])  # fmt: skip

    # Agus (Merapi) scans Tugu from 2 km: refused. The dashboard shows it on its own, in real
    # time, within one interval (no clock jump here).
    agus_ctx = phone("Pixel 5", position=offset(TUGU, -2000))
    agus = agus_ctx.new_page()
    participant_login(agus, event.logins["Agus Setiawan"])
    agus.goto(event.checkpoints["tugu"])
    tap_check_in(agus)
    expect(agus.locator("main .flash.error").first).to_be_visible()
    refused = dash.page.locator('[data-count="refused_checkins"]')
    expect(refused).to_have_text("1", timeout=LIVE_INTERVAL_MS + 3_000)
    first = dash.page.locator("[data-feed] li").first
    expect(first).to_contain_text("Kelompok Merapi · Agus Setiawan")
    expect(first).to_contain_text(re.compile(r"refused check-in Tugu Yogyakarta \(\d{4} m\)"))
    expect(first).to_have_class(re.compile(r"\brefused\b"))
    expect(dash.page.locator("#refused tbody tr")).to_have_count(1)  # the list follows the count
    expect(dash.page.locator("#refused tbody tr")).to_contain_text("Agus Setiawan")

    # 20 m away: checked in; he answers the question right.
    agus_ctx.set_geolocation({"latitude": offset(TUGU, 20)[0], "longitude": TUGU[1],
                              "accuracy": 10})  # fmt: skip
    points = answer_tugu_question(agus, event)
    assert 50 <= points <= 100, points

    response = dash.next_poll(live_json, LIVE_INTERVAL_MS)
    assert response is not None and response.ok
    expect_grid_row(dash.page, MERAPI, [f"✓ 1/1 · {points}", "· 0/1 · 0", str(points)])
    expect_grid_row(dash.page, PROGO, ["· 0/1 · 0", "· 0/1 · 0", "0"])
    feed = dash.page.locator("[data-feed] li")
    expect(feed).to_have_count(3)  # refused, accepted, answered; newest first
    expect(feed.nth(0)).to_contain_text(f"answer: Gempa dan Tugu · correct · {points} pts")
    expect(feed.nth(1)).to_contain_text(re.compile(r"✓ check-in Tugu Yogyakarta \(\d+ m\)"))
    expect(refused).to_have_text("1")
    # 2 km in a few seconds: the accepted check-in is flagged, and listed under the count.
    expect(dash.page.locator('[data-count="open_flags"]')).to_have_text("1")
    expect(dash.page.locator("#flags li.card.open")).to_have_count(1)
    expect(dash.page.locator("#flags li.card.open")).to_contain_text("Kelompok Merapi")

    proj.next_poll(standings_json, PROJECTOR_INTERVAL_MS)
    expect_board(proj.page, [("1", MERAPI, f"1/{TASKS_TOTAL}", str(points)),
                             ("2", PROGO, f"0/{TASKS_TOTAL}", "0")])  # fmt: skip

    # The organizer, in another tab, clears the flag, adds a checkpoint and awards Progo 250
    # points: the flag leaves the open list, the grid gains a column, and Progo goes to the
    # top of both screens.
    clear_flag(desk, event.slug, "GPS jitter, the phone was at Tugu")
    add_checkpoint(desk, event.slug, "Malioboro", offset(TUGU, -1000))
    adjust_points(desk, event.slug, PROGO, 250, "Bonus kebersihan")
    dash.next_poll(live_json, LIVE_INTERVAL_MS)
    expect(dash.page.locator("[data-grid] thead th")).to_have_text(
        ["Name", "Tugu Yogyakarta", "Keraton Ngayogyakarta Hadiningrat", "Malioboro", "Points"]
    )
    expect_grid_row(dash.page, PROGO, ["· 0/1 · 0", "· 0/1 · 0", "· 0/0 · 0", "250"])
    expect_grid_row(dash.page, MERAPI, [f"✓ 1/1 · {points}", "· 0/1 · 0", "· 0/0 · 0",
                                        str(points)])  # fmt: skip
    expect(dash.page.locator('[data-count="open_flags"]')).to_have_text("0")
    expect(dash.page.locator("#flags li.card.cleared")).to_have_count(1)
    expect(dash.page.locator("#flags li.card.open")).to_have_count(0)
    proj.next_poll(standings_json, PROJECTOR_INTERVAL_MS)
    expect_board(proj.page, [("1", PROGO, f"0/{TASKS_TOTAL}", "250"),
                             ("2", MERAPI, f"1/{TASKS_TOTAL}", str(points))])  # fmt: skip
    dash.page.screenshot(path=str(screenshots / "live-dashboard.png"), full_page=True)
    proj.page.screenshot(path=str(screenshots / "live-projector.png"))

    # The organizer's session ends in another tab: the next poll of each page fails for real.
    log_out(desk)
    dash.allow_failed_loads = proj.allow_failed_loads = True
    dash.next_poll(live_json, 2 * LIVE_INTERVAL_MS)
    expect(status).to_have_text(re.compile(r"problem.*/organize/login", re.I))  # not "JSON"
    expect_grid_row(dash.page, PROGO, ["· 0/1 · 0", "· 0/1 · 0", "· 0/0 · 0", "250"])  # kept
    failed = proj.next_poll(standings_json, PROJECTOR_INTERVAL_MS)
    assert failed is not None and failed.status == 404, failed and failed.status
    expect_board(proj.page, [("1", PROGO, f"0/{TASKS_TOTAL}", "250"),
                             ("2", MERAPI, f"1/{TASKS_TOTAL}", str(points))])  # fmt: skip

    # Meanwhile Eko (Progo) checks in at the Keraton; the organizer logs back in and gives
    # Merapi 300 points. Both pages pick up again by themselves.
    eko_ctx = phone("iPhone 12", position=offset(KERATON, 0, 20))
    eko = eko_ctx.new_page()
    participant_login(eko, event.logins["Eko Prasetyo"])
    eko.goto(event.checkpoints["keraton"])
    tap_check_in(eko)
    expect(eko.locator("main .flash.success").first).to_be_visible()
    organizer_login(desk, organizer)
    adjust_points(desk, event.slug, MERAPI, 300, "Bonus kekompakan")
    dash.allow_failed_loads = proj.allow_failed_loads = False

    response = dash.next_poll(live_json, 2 * LIVE_INTERVAL_MS)
    assert response is not None and response.ok
    expect(status).not_to_have_text(re.compile(r"problem", re.I))
    expect_grid_row(dash.page, PROGO, ["· 0/1 · 0", "✓ 0/1 · 0", "· 0/0 · 0", "250"])
    expect_grid_row(
        dash.page, MERAPI, [f"✓ 1/1 · {points}", "· 0/1 · 0", "· 0/0 · 0", str(points + 300)]
    )
    expect(feed).to_have_count(4)
    expect(feed.nth(0)).to_contain_text("Kelompok Progo · Eko Prasetyo")
    expect(feed.nth(0)).to_contain_text("check-in Keraton Ngayogyakarta Hadiningrat")
    response = proj.next_poll(standings_json, PROJECTOR_INTERVAL_MS)
    assert response is not None and response.ok
    expect_board(proj.page, [("1", MERAPI, f"1/{TASKS_TOTAL}", str(points + 300)),
                             ("2", PROGO, f"0/{TASKS_TOTAL}", "250")])  # fmt: skip

    # The organizer ends the event half an hour after it started (so: half an hour ago). The
    # dashboard's header shows the new end and "closed".
    expect(dash.page.locator("[data-open]")).to_have_text("open")
    ends = end_event_early(desk, event.slug)
    dash.next_poll(live_json, LIVE_INTERVAL_MS)
    expect(dash.page.locator("[data-open]")).to_have_text("closed")
    expect(dash.page.locator("[data-ends]")).to_contain_text(ends.strftime("%H:%M"))

    dash.assert_clean()
    proj.assert_clean()


# Whatever sticks out of the projector's viewport or out of its own box (a team's name may end
# in an ellipsis on purpose, but must keep at least ``min_name_chars`` of its characters).
_OVERFLOW_JS = """
(minNameChars) => {
  const doc = document.documentElement;
  const out = [];
  if (doc.scrollWidth > doc.clientWidth) {
    out.push(`the page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth} px`);
  }
  const els = document.querySelectorAll('#projector h1, #projector p, #projector li > span');
  for (const el of els) {
    if (el.closest('[hidden]')) continue;
    const r = el.getBoundingClientRect();
    const what = `${el.className || el.tagName.toLowerCase()} '${el.textContent.trim()}'`;
    if (r.left < -0.5 || r.right > doc.clientWidth + 0.5) {
      out.push(`${what} reaches outside the screen (${r.left | 0}..${r.right | 0} px)`);
    }
    if (el.classList.contains('name')) {
      const shown = el.textContent.length * Math.min(1, el.clientWidth / el.scrollWidth);
      if (shown < Math.min(minNameChars, el.textContent.length)) {
        out.push(`${what} shows only about ${Math.floor(shown)} characters`);
      }
    } else if (el.scrollWidth > el.clientWidth + 1) {
      out.push(`${what} is wider than its box (${el.scrollWidth} > ${el.clientWidth} px)`);
    }
  }
  return out;
}
"""


def test_projector_is_readable_on_a_wall_and_on_a_phone(
    live: LiveServer,
    organizer: OrganizerAccount,
    laptop: BrowserContext,
    screenshots: Path,
    tmp_path: Path,
) -> None:
    desk = laptop.new_page()
    organizer_login(desk, organizer)
    long_name = "Kelompok Merapi Gunung Api Paling Aktif di Pulau Jawa"
    event = import_owned_event(
        desk, live, tmp_path, "E2E Layar Proyektor", renames={MERAPI: long_name}
    )
    adjust_points(desk, event.slug, PROGO, 12_480, "Skor besar")
    adjust_points(desk, event.slug, long_name, -35, "Potongan")
    expected = [("1", PROGO, f"0/{TASKS_TOTAL}", "12480"),
                ("2", long_name, f"0/{TASKS_TOTAL}", "-35")]  # fmt: skip

    proj = Screen.watch(laptop.new_page())
    proj.open(f"/board/{event.slug}/projector")
    for width, height in ((1280, 720), (390, 844)):
        proj.page.set_viewport_size({"width": width, "height": height})
        for source in ("server", "poll"):
            if source == "poll":  # the rows the script draws must fit as well
                proj.next_poll(f"/board/{event.slug}/standings.json", PROJECTOR_INTERVAL_MS)
            expect_board(proj.page, expected)
            problems = proj.page.evaluate(_OVERFLOW_JS, len(PROGO))
            assert problems == [], f"{width}x{height} ({source}): " + "; ".join(problems)
        proj.page.screenshot(path=str(screenshots / f"projector-{width}x{height}.png"))

    # The organizer freezes the board just after the event's start (before both adjustments):
    # the projector says so by itself and shows the board as it stood then.
    frozen = proj.page.locator("[data-frozen]")
    expect(frozen).to_be_hidden()
    since = freeze_board_at_start(desk, event.slug)
    proj.next_poll(f"/board/{event.slug}/standings.json", PROJECTOR_INTERVAL_MS)
    expect(frozen).to_be_visible()
    expect(frozen).to_contain_text(since.strftime("%H:%M"))
    expect_board(proj.page, [("1", long_name, f"0/{TASKS_TOTAL}", "0"),
                             ("1", PROGO, f"0/{TASKS_TOTAL}", "0")])  # fmt: skip
    assert proj.page.evaluate(_OVERFLOW_JS, len(PROGO)) == []
    proj.assert_clean()
