"""The day, scripted in a real browser against the real server: the organizer imports the
event and prints the sheets, phones decode the printed QR codes, check in (refused 2 km away,
accepted 20 m away), race the clock, send a photo; the organizer judges; the board ranks."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from geopy.distance import geodesic
from playwright.sync_api import expect

from tests.e2e.eventdata import KERATON, TUGU, event_yaml, offset, parse_links
from tests.e2e.flows import (
    download,
    organizer_login,
    participant_login,
    remaining_ms,
    start_task,
    tap_check_in,
    task_ids,
)
from tests.e2e.harness import camera_jpeg, decode_pdf_qr_codes, pdf_page_texts

# Steps that break today, each with its reason; the lead empties this as fixes land. A listed
# step that works again only warns; any other broken step fails the test.
KNOWN_BROKEN_STEPS: dict[str, str] = {}


def step_works(name: str, ok: bool, detail: str) -> None:
    """Fail on a broken step unless KNOWN_BROKEN_STEPS lists it; warn when a listed one works."""
    if name in KNOWN_BROKEN_STEPS:
        if ok:
            warnings.warn(f"step {name!r} works: remove it from KNOWN_BROKEN_STEPS", stacklevel=2)
        return
    assert ok, f"step {name}: {detail}"


def shot(page, folder: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(folder / f"day-{name}.png"), full_page=True)


def test_the_day(live, organizer, laptop, phone, screenshots, tmp_path) -> None:
    base = live.base_url

    # 1. The organizer logs in on a laptop and uploads the event file.
    desk = laptop.new_page()
    organizer_login(desk, organizer)
    event_file = tmp_path / "day.yaml"
    event_file.write_text(event_yaml("E2E Hari Lapangan"), encoding="utf-8")
    desk.goto("/organize/import")
    desk.locator("input[type=file][name=file]").set_input_files(str(event_file))
    with desk.expect_navigation():
        desk.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    match = re.search(r"/organize/e/([^/]+)/", desk.url)
    assert match, f"import did not lead to the event page: {desk.url}"
    slug = match.group(1)
    shot(desk, screenshots, "00-organizer-event")

    # 2. The checkpoint sheets PDF, printed and scanned: pdftoppm renders, zxing-cpp decodes.
    sheets = download(laptop, f"/organize/e/{slug}/print/sheets.pdf?force=1")
    assert sheets.startswith(b"%PDF")
    pages = decode_pdf_qr_codes(sheets)
    texts = pdf_page_texts(sheets)
    assert len(pages) == 2, f"one sheet per checkpoint expected, got {len(pages)} pages"
    urls: dict[str, str] = {}
    for codes, text in zip(pages, texts, strict=True):
        assert len(codes) == 1, f"one QR per sheet, decoded {codes}"
        assert re.fullmatch(re.escape(base) + r"/c/[A-Z0-9]+", codes[0]), codes[0]
        name = "tugu" if "Tugu" in text else "keraton" if "Keraton" in text else text[:80]
        urls[name] = codes[0]
    assert set(urls) == {"tugu", "keraton"}, urls

    # 3. The badges PDF: every personal login QR decodes to the link the roster lists.
    badges = download(laptop, f"/organize/e/{slug}/print/badges.pdf?force=1")
    decoded = {url for codes in decode_pdf_qr_codes(badges) for url in codes}
    logins = parse_links(live.flask("event", "links", slug))
    assert decoded == {x.url for x in logins}
    by_name = {x.name: x for x in logins}

    # 4. Agus (Kelompok Merapi) logs in with his badge and scans Tugu from 2 km away.
    far = offset(TUGU, -2000)
    agus_ctx = phone("Pixel 5", position=far)
    agus = agus_ctx.new_page()
    participant_login(agus, by_name["Agus Setiawan"].url)
    shot(agus, screenshots, "01-home")
    agus.goto(urls["tugu"])
    shot(agus, screenshots, "02-checkpoint")
    verdict = tap_check_in(agus)
    km = geodesic(far, TUGU).m / 1000
    shown = {f"{km:.1f} km", f"{km:.1f} km".replace(".", ",")}
    assert any(s in verdict for s in shown), f"refusal should say {km:.1f} km: {verdict!r}"
    expect(agus.locator("main .flash.error").first).to_be_visible()
    assert task_ids(agus) == [], "tasks must stay closed after a refused check-in"
    shot(agus, screenshots, "03-refused")

    # 5. 20 m from the monument: checked in, the question is listed.
    agus_ctx.set_geolocation({**_geo(offset(TUGU, 20)), "accuracy": 10})
    verdict = tap_check_in(agus)
    expect(agus.locator("main .flash.success").first).to_be_visible()
    ids = task_ids(agus)
    assert len(ids) == 1, f"the Tugu question should be open: {verdict!r}"
    question = ids[0]
    shot(agus, screenshots, "04-checked-in")

    # 6. Start: the question text and a running countdown appear.
    agus.goto(f"/t/{question}")
    expect(agus.locator(".prompt")).to_have_count(0)
    shot(agus, screenshots, "05-task-before-start")
    start_task(agus, question)
    countdown = agus.locator("#countdown")
    expect(countdown).to_have_text(re.compile(r"^\d+:\d\d$"))
    first = countdown.inner_text()
    expect(countdown).not_to_have_text(first, timeout=5_000)  # it ticks
    agus_left = remaining_ms(agus)
    assert 0 < agus_left <= 600_000
    shot(agus, screenshots, "06-task-running")

    # 7. A second phone of the same team sees the same running clock, not a new one.
    rina_ctx = phone("iPhone 12", position=offset(TUGU, 15))
    rina = rina_ctx.new_page()
    participant_login(rina, by_name["Rina Kusumawati"].url)
    rina.goto(f"/t/{question}")
    expect(rina.locator("#countdown")).to_be_visible()
    expect(rina.locator(f"form[action$='/t/{question}/start']")).to_have_count(0)
    rina_left = remaining_ms(rina)
    assert agus_left - 60_000 < rina_left <= agus_left, (agus_left, rina_left)

    # 8. Agus answers; the points are shown, and on the team's home page.
    agus.locator("label.choice", has_text="1867").click()
    with agus.expect_navigation():
        agus.locator(f"form[action$='/t/{question}/answer'] button[type=submit]").click()
    result = agus.locator(".result")
    expect(result).to_be_visible()
    points = int(re.search(r"(\d+)", result.locator("p").last.inner_text()).group(1))
    assert 50 <= points <= 100, f"a fast correct answer keeps most of its 100 points: {points}"
    shot(agus, screenshots, "07-answered")
    agus.goto("/home")
    expect(agus.locator("#score")).to_have_text(str(points))
    time_left = agus.locator("#countdown")
    expect(time_left).not_to_have_text(time_left.inner_text(), timeout=5000)  # it ticks

    # 9. Eko (Kelompok Progo) checks in at the Keraton and sends a photo.
    eko_ctx = phone("iPhone 12", position=offset(KERATON, 0, 20))
    eko = eko_ctx.new_page()
    participant_login(eko, by_name["Eko Prasetyo"].url)
    eko.goto(urls["keraton"])
    tap_check_in(eko)
    expect(eko.locator("main .flash.success").first).to_be_visible()
    (creative,) = task_ids(eko)
    start_task(eko, creative)
    shot(eko, screenshots, "08-creative-running")
    photo = tmp_path / "camera.jpg"
    photo.write_bytes(camera_jpeg())
    eko.locator("input[type=file][name=photos]").set_input_files(str(photo))
    eko.locator("textarea[name=text]").fill("Semua anggota kelompok di depan Pagelaran.")
    with eko.expect_navigation():
        eko.locator(f"form[action$='/t/{creative}/submit'] button[type=submit]").click()
    expect(eko.locator(".result img.photo")).to_be_visible()
    assert eko.locator(".result img.photo").evaluate("img => img.naturalWidth") > 0
    shot(eko, screenshots, "09-submitted")

    # 10. The organizer approves the photo in the review queue (180 of 200 points).
    assert desk.goto(f"/organize/e/{slug}/reviews").ok
    shot(desk, screenshots, "10-review-queue")
    with desk.expect_navigation():
        desk.locator("ol.queue a").first.click()
    expect(desk.locator(".photos img.photo")).to_be_visible()
    desk.locator("input[name=verdict][value=approve]").check()
    desk.locator("input[name=points]").fill("180")
    desk.locator("textarea[name=comment]").fill("Pose yang jelas.")
    with desk.expect_navigation():
        desk.locator("form.stack button[type=submit]").click()
    eko.goto(f"/t/{creative}")
    expect(eko.locator(".result").first).to_contain_text("180")

    # 11. The leaderboard: Progo (180) above Merapi (the question's points).
    assert desk.goto(f"/board/{slug}/").ok
    rows = desk.locator("table.standings").first.locator("tbody tr")
    expect(rows).to_have_count(2)
    table = [[c.strip() for c in r.locator("td").all_inner_texts()] for r in rows.all()]
    assert [(r[1], r[-1]) for r in table] == [
        ("Kelompok Progo", "180"),
        ("Kelompok Merapi", str(points)),
    ], table
    shot(desk, screenshots, "11-leaderboard")
    dashboard = desk.goto(f"/organize/e/{slug}/live")
    shot(desk, screenshots, "12-organizer-dashboard")
    dashboard_ok = dashboard.ok and "Kelompok Progo" in desk.locator("main").inner_text()
    step_works("organizer-dashboard", dashboard_ok, f"HTTP {dashboard.status}\n{live.log_tail(40)}")


def test_denied_location_is_explained(live, import_event, phone) -> None:
    event = import_event("E2E Lokasi Ditolak")
    context = phone("Pixel 5", geolocation=False)
    page = context.new_page()
    participant_login(page, event.login("Kelompok Progo").url)
    page.goto(event.checkpoints["tugu"])
    page.locator("#locate").click()
    status = page.locator("#geo-status")
    expected = page.locator("#checkin").get_attribute("data-msg-denied")
    assert expected, "the page carries the explanation for a denied permission"
    expect(status).to_have_text(expected)
    expect(status).to_have_class(re.compile(r"\berror\b"))
    expect(page.locator("#locate")).to_be_enabled()  # the participant can try again


def _geo(point: tuple[float, float]) -> dict[str, float]:
    return {"latitude": point[0], "longitude": point[1]}
