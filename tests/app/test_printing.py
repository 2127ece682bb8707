"""Printing: checkpoint sheets and badges from the database, decoded back from the PDF; the
window in the event's zone; localhost URLs refused unless forced; the print-styled pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import zxingcpp
from flask import Flask

from checkpoints.qr import qr_version
from quizengine.extensions import db
from quizengine.models import Event
from quizengine.services import events as event_service
from quizengine.services import printing
from tests.app.test_organize_access import login_as, quick_organizer
from tests.builders import grant, make_checkpoint, make_event, make_participant, make_team
from tests.unit.test_sheets import decoded, needs_poppler, page_count, pdf_text, rasterize

WINDOW = {
    "starts_at": datetime(2023, 10, 6, 0, 0, tzinfo=UTC),  # 07:00 WIB
    "ends_at": datetime(2023, 10, 6, 10, 0, tzinfo=UTC),  # 17:00 WIB
}


@pytest.fixture
def event_id(app: Flask) -> int:
    """Kota Malang: 3 checkpoints, 2 teams, 9 participants (two badge pages)."""
    with app.app_context():
        event = make_event(
            slug="malang", title="Capacity Building - Kota Malang", language="id", **WINDOW
        )
        for i, name in enumerate(["Balai Kota Malang", "Alun-Alun Tugu", "Stasiun Malang"]):
            make_checkpoint(event, name=name, instructions=f"Cari tanda nomor {i + 1}.")
        for t in range(2):
            team = make_team(event, f"Kelompok {t + 1}")
            for i in range(4 + t):
                make_participant(event, team, f"Peserta {t + 1}-{i + 1}", unit="Dinas")
        db.session.commit()
        return event.id


def event_of(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    assert event is not None
    return event


@needs_poppler
def test_sheets_pdf_decodes_to_each_checkpoint_url(app, event_id, tmp_path):
    with app.app_context():
        event = event_of(event_id)
        pdf = printing.sheets_pdf(event, "https://quiz.example.org")
        urls = [
            event_service.checkpoint_url("https://quiz.example.org", cp) for cp in event.checkpoints
        ]
        codes = [cp.code for cp in event.checkpoints]
    pages = rasterize(pdf, tmp_path)
    assert len(pages) == page_count(pdf) == 3
    for page, url in zip(pages, urls, strict=True):
        assert decoded(page) == [url]
    text = pdf_text(pdf, tmp_path)
    assert text.count("6 Okt 2023, 07:00-17:00 WIB") == 3
    assert all(f"Kode: {code}" in text for code in codes)  # labels in the event's language
    assert "Balai Kota Malang" in text and "Cari tanda nomor 2." in text
    assert "Pindai dengan kamera ponsel" in text


@needs_poppler
def test_badges_pdf_decodes_to_each_login_url(app, event_id, tmp_path):
    with app.app_context():
        event = event_of(event_id)
        pdf = printing.badge_pdf(event, "https://quiz.example.org")
        urls = sorted(
            event_service.login_url("https://quiz.example.org", p) for p in event.participants
        )
    pages = rasterize(pdf, tmp_path)
    assert len(pages) == 2  # 9 badges, 8 per page
    assert sorted(decoded(pages[0]) + decoded(pages[1])) == urls
    text = pdf_text(pdf, tmp_path)
    assert "Peserta 2-5" in text and "Kelompok 2" in text


def test_printed_checkpoint_urls_are_small_qr_codes(app, event_id):
    with app.app_context():
        for public in ("https://quiz.example.org", "https://lomba.kotamalang.go.id"):
            for sheet in printing.print_job(event_of(event_id), public).checkpoints:
                assert len(sheet.url) <= 42
                assert qr_version(sheet.url, "M") <= 4, sheet.url


@pytest.mark.parametrize("public", [
    "http://127.0.0.1:5000", "http://localhost:5000", "http://LOCALHOST", "http://[::1]:8000",
    "http://127.8.9.1", "http://0.0.0.0:5000", "http://quiz.localhost",
])  # fmt: skip
def test_localhost_is_refused(public):
    event = Event(title="x", timezone="Asia/Jakarta", language="en", **WINDOW)
    with pytest.raises(printing.LocalUrlRefused, match="phones that scan the printed codes"):
        printing.sheets_pdf(event, public)
    with pytest.raises(printing.LocalUrlRefused, match="phones that scan the printed codes"):
        printing.badge_pdf(event, public)


def test_localhost_is_printed_when_forced(app, event_id):
    with app.app_context():
        job = printing.print_job(event_of(event_id), "http://localhost:5000", force=True)
        assert job.checkpoints[0].url.startswith("http://localhost:5000/c/")
        assert printing.sheets_pdf(event_of(event_id), "http://[::1]", force=True)[:5] == b"%PDF-"


@pytest.mark.parametrize("public", [
    "https://quiz.example.org", "http://192.168.1.20:8000", "https://10.0.0.5",
    "https://localhost.example.org",
])  # fmt: skip
def test_reachable_addresses_are_printed(public):
    assert printing.local_host(public) is None
    printing.check_public_url(public)


@pytest.mark.parametrize(("tz", "starts", "ends", "language", "expected"), [
    ("Asia/Jakarta", (2023, 10, 6, 0), (2023, 10, 6, 10), "en", "6 Oct 2023, 07:00-17:00 WIB"),
    ("Asia/Makassar", (2023, 10, 6, 0), (2023, 10, 6, 9), "id", "6 Okt 2023, 08:00-17:00 WITA"),
    ("Asia/Jayapura", (2023, 8, 16, 22), (2023, 8, 17, 8), "id", "17 Agu 2023, 07:00-17:00 WIT"),
    ("Asia/Jakarta", (2023, 10, 6, 0), (2023, 10, 6, 17), "en", "6 Oct 2023, 07:00-24:00 WIB"),
    ("Asia/Jakarta", (2023, 10, 6, 0), (2023, 10, 7, 10), "en",
     "6 Oct 2023 07:00 WIB - 7 Oct 2023 17:00 WIB"),
    ("Europe/Berlin", (2026, 10, 24, 20), (2026, 10, 25, 8), "en",
     "24 Oct 2026 22:00 CEST - 25 Oct 2026 09:00 CET"),
])  # fmt: skip
def test_window_in_the_event_zone(tz, starts, ends, language, expected):
    event = Event(
        title="x",
        timezone=tz,
        language=language,
        starts_at=datetime(*starts, tzinfo=UTC),
        ends_at=datetime(*ends, tzinfo=UTC),
    )
    assert printing.format_window(event) == expected


# -- the organizer pages ---------------------------------------------------------------------


@pytest.fixture
def organizer_client(app, client, event_id):
    with app.app_context():
        org = quick_organizer("printer@example.org")
        grant(org, event_of(event_id), "organizer")
        db.session.commit()
        login_as(client, org.id)
    return client


@needs_poppler
def test_download_buttons_give_decodable_pdfs(app, organizer_client, event_id, tmp_path):
    page = organizer_client.get("/organize/e/malang/print")
    assert page.status_code == 200
    assert b"/print/sheets.pdf" in page.data and b"/print/badges.pdf" in page.data
    assert b'name="force"' not in page.data  # a reachable PUBLIC_URL needs no forcing
    sheets = organizer_client.get("/organize/e/malang/print/sheets.pdf")
    assert sheets.status_code == 200 and sheets.mimetype == "application/pdf"
    assert 'filename="malang-sheets.pdf"' in sheets.headers["Content-Disposition"]
    with app.app_context():
        urls = [f"https://quiz.example.org/c/{cp.code}" for cp in event_of(event_id).checkpoints]
    assert [decoded(p) for p in rasterize(sheets.data, tmp_path)] == [[u] for u in urls]
    badges = organizer_client.get("/organize/e/malang/print/badges.pdf")
    assert badges.status_code == 200 and page_count(badges.data) == 2


def test_ui_refuses_localhost_with_the_reason_and_a_force_box(app, organizer_client):
    app.config["PUBLIC_URL"] = "http://127.0.0.1:5000"
    page = organizer_client.get("/organize/e/malang/print")
    assert b'name="force"' in page.data and b"phones cannot open it" in page.data
    for path in ("sheets.pdf", "badges.pdf", "sheets", "badges"):
        refused = organizer_client.get(f"/organize/e/malang/print/{path}")
        assert refused.status_code == 409, path
        assert b"Nothing was printed." in refused.data and b"127.0.0.1" in refused.data
        forced = organizer_client.get(f"/organize/e/malang/print/{path}?force=1")
        assert forced.status_code == 200, path


def test_print_pages_have_one_sheet_per_checkpoint_with_inline_svg(app, organizer_client, event_id):
    response = organizer_client.get("/organize/e/malang/print/sheets")
    assert response.status_code == 200
    page = response.data.decode()
    assert page.count('<section class="sheet">') == 3
    assert page.count("<svg") == 3
    assert "6 Okt 2023, 07:00-17:00 WIB" in page
    with app.app_context():
        for cp in event_of(event_id).checkpoints:
            assert f'data-url="https://quiz.example.org/c/{cp.code}"' in page
            assert f"Kode: <strong>{cp.code}</strong>" in page
    css = organizer_client.get("/static/organize.css").data.decode()
    assert "@media print" in css and re.search(r"\.sheet \{[^}]*break-after: page", css)
    badges = organizer_client.get("/organize/e/malang/print/badges").data.decode()
    assert badges.count('<div class="badge">') == 9 and badges.count('class="badge-page"') == 2


def test_svg_on_the_print_page_decodes(app, organizer_client, event_id):
    """The inline SVG is the same symbol: render its path and decode it."""
    from PIL import Image, ImageDraw

    page = organizer_client.get("/organize/e/malang/print/sheets").data.decode()
    svg = re.search(
        r'<div class="qr" data-url="([^"]+)"><svg[^>]*viewBox="0 0 (\d+) \2"'
        r'[^>]*><path fill="#000" d="([^"]+)"',
        page,
    )
    assert svg is not None
    url, side, path = svg[1], int(svg[2]), svg[3]
    scale = 8
    image = Image.new("L", (side * scale, side * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)", path):
        x0, y0 = int(x) * scale, int(y) * scale
        draw.rectangle([x0, y0, x0 + int(n) * scale - 1, y0 + scale - 1], fill=0)
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [url]


@needs_poppler
def test_one_participant_s_or_one_team_s_badges(app, organizer_client, event_id, tmp_path):
    """A lost badge or a late team: the badges of one participant or one team, not the whole
    event's again; an id of another event or no id at all is a 404."""
    with app.app_context():
        event = event_of(event_id)
        ana = next(p for p in event.participants if p.name == "Peserta 2-3")
        team = next(t for t in event.teams if t.name == "Kelompok 1")
        ana_id, ana_url = ana.id, event_service.login_url("https://quiz.example.org", ana)
        team_id, members = team.id, sorted(p.name for p in team.members)
        other = make_participant(make_event(), None, "Orang Lain")
        db.session.commit()
        other_id = other.id
    one = organizer_client.get(f"/organize/e/malang/print/badges.pdf?participant={ana_id}")
    assert one.status_code == 200
    assert (
        f'filename="malang-badges-participant-{ana_id}.pdf"' in one.headers["Content-Disposition"]
    )
    assert [decoded(page) for page in rasterize(one.data, tmp_path)] == [[ana_url]]
    page = organizer_client.get(f"/organize/e/malang/print/badges?team={team_id}").text
    shown = re.findall(r'<p class="name">([^<]*)</p>', page)
    assert sorted(shown) == members and len(members) == 4
    everyone = organizer_client.get("/organize/e/malang/print/badges?team=").text
    assert everyone.count('<div class="badge">') == 9
    for bad in (f"participant={other_id}", "team=abc", "team=-1", "participant=99999999999999"):
        assert organizer_client.get(f"/organize/e/malang/print/badges.pdf?{bad}").status_code == 404
    form = organizer_client.get(f"/organize/e/malang/participants/{ana_id}").text
    assert f"/print/badges.pdf?participant={ana_id}" in form
    assert f"/print/badges?participant={ana_id}" in form
    print_page = organizer_client.get("/organize/e/malang/print").text
    assert f'<option value="{team_id}">Kelompok 1</option>' in print_page


def test_a_refused_badge_keeps_whose_it_was(app, organizer_client, event_id):
    """With a local PUBLIC_URL the refusal page's "print anyway" still prints the badge asked
    for, not the whole event's."""
    app.config["PUBLIC_URL"] = "http://127.0.0.1:5000"
    with app.app_context():
        pid = event_of(event_id).participants[0].id
    refused = organizer_client.get(f"/organize/e/malang/print/badges?participant={pid}")
    assert refused.status_code == 409
    assert f'<input type="hidden" name="participant" value="{pid}">' in refused.text
    forced = organizer_client.get(f"/organize/e/malang/print/badges?participant={pid}&force=1")
    assert forced.status_code == 200 and forced.text.count('<div class="badge">') == 1
