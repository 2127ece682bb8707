"""Tests for checkpoints.sheets: checkpoint sheets and badges, rasterized and decoded back."""

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from checkpoints import pdftext
from checkpoints.sheets import (
    Badge,
    SheetCheckpoint,
    SheetEvent,
    badges_pdf,
    checkpoint_sheets_pdf,
)

EVENT = SheetEvent("Capacity Building - Kota Malang", "6 Oct 2023, 07:00-17:00 WIB")
HARD_NAMES = ["Łukasz Żółć", "Kepala Dinas 😀", "ꦗꦮ ꦏꦸꦛ", "Ñoño\u200b\x00\x07 Tab\there", "漢字"]

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="pdftoppm/pdftotext not installed (apt-get install poppler-utils)",
)


def checkpoint(i: int, name: str = "", instructions: str = "") -> SheetCheckpoint:
    code = f"K{i:03d}QZ"
    return SheetCheckpoint(
        name=name or f"Balai Kota Malang {i}",
        instructions=instructions or "Find the Tugu fountain in front of the city hall.",
        code=code,
        url=f"https://quiz.example.org/c/{code}",
    )


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def rasterize(pdf: bytes, tmp_path: Path, last_page: int = 0) -> list[Image.Image]:
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    only = ["-l", str(last_page)] if last_page else []
    subprocess.run(
        ["pdftoppm", "-r", "150", *only, "-png", str(source), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    return [Image.open(p) for p in sorted(tmp_path.glob("page-*.png"))]


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True, timeout=60
    )
    return done.stdout.decode()


def decoded(page: Image.Image) -> list[str]:
    return sorted(r.text for r in zxingcpp.read_barcodes(page))


@pytest.fixture(params=["dejavu", "core"])
def font(request, monkeypatch):
    if request.param == "core":
        monkeypatch.setattr(pdftext, "DEJAVU_REGULAR", Path("/nonexistent/DejaVuSans.ttf"))
    elif not pdftext.DEJAVU_REGULAR.is_file():
        pytest.skip("DejaVuSans not installed here (apt-get install fonts-dejavu-core)")
    return request.param


@needs_poppler
def test_checkpoint_sheets_decode_page_by_page(tmp_path):
    cps = [checkpoint(1), checkpoint(2, instructions="Ask the guard. " * 250), checkpoint(3)]
    pdf = checkpoint_sheets_pdf(EVENT, cps)
    assert pdf.startswith(b"%PDF-")
    pages = rasterize(pdf, tmp_path)
    assert len(pages) == page_count(pdf) == 3
    for page, cp in zip(pages, cps, strict=True):
        assert decoded(page) == [cp.url]
    # The symbol is large (~120 mm wide at 150 dpi) and read at error correction M.
    result = zxingcpp.read_barcodes(pages[0])[0]
    xs = [p.x for p in (result.position.top_left, result.position.top_right)]
    assert 100 <= (max(xs) - min(xs)) / 150 * 25.4 <= 130
    assert result.ec_level in ("M", "15%")
    text = pdf_text(pdf, tmp_path)
    assert text.count("Capacity Building - Kota Malang") == 3
    assert "Code: K001QZ" in text and "Code: K003QZ" in text
    assert "https://quiz.example.org/c/K002QZ" in text
    assert "Scan with your phone camera" in text
    assert "Ask the guard." in text and "..." in text  # long instructions cut, not overflowing


@needs_poppler
def test_labels_translate_code_and_hint(tmp_path):
    labels = {"code": "Kode", "scan_hint": "Pindai dengan kamera ponsel Anda."}
    pdf = checkpoint_sheets_pdf(EVENT, [checkpoint(5)], labels=labels)
    text = pdf_text(pdf, tmp_path)
    assert "Kode: K005QZ" in text and "Pindai dengan kamera ponsel Anda." in text
    assert "Code:" not in text and "Scan with" not in text


@needs_poppler
def test_hard_names_never_crash(tmp_path, font):
    cps = [checkpoint(i, name=n, instructions=n * 3) for i, n in enumerate(HARD_NAMES)]
    event = SheetEvent("Łódź 😀 ꦗꦮ", "6 Oct 2023, 07:00–17:00 WIB")
    pdf = checkpoint_sheets_pdf(event, cps)
    assert page_count(pdf) == len(cps)
    assert decoded(rasterize(pdf, tmp_path, last_page=1)[0]) == [cps[0].url]
    text = pdf_text(pdf, tmp_path)
    if font == "dejavu":
        assert "Łukasz Żółć" in text and "Łódź" in text and "07:00–17:00" in text
    else:  # Latin-1 only: transliterated or "?"
        assert "Lukasz Zólc" in text and "Lódz" in text and "07:00-17:00" in text
        assert "Łódź" not in text
        assert "Ñoño Tab here" in text


def test_both_font_paths_really_differ(monkeypatch):
    unicode_pdf = checkpoint_sheets_pdf(EVENT, [checkpoint(1, name="Łukasz")])
    monkeypatch.setattr(pdftext, "DEJAVU_REGULAR", Path("/nonexistent/DejaVuSans.ttf"))
    core_pdf = checkpoint_sheets_pdf(EVENT, [checkpoint(1, name="Łukasz")])
    assert b"Helvetica" in core_pdf and b"DejaVu" not in core_pdf
    if pdftext.DEJAVU_BOLD.is_file():
        assert b"DejaVu" in unicode_pdf


def test_no_checkpoints_gives_one_blank_page():
    assert page_count(checkpoint_sheets_pdf(EVENT, [])) == 1


@needs_poppler
def test_badges_decode_and_fill_pages(tmp_path):
    names = ["Kepala Dinas Pendidikan", *HARD_NAMES, "Camat Talang Ubi", "A" * 80, "Sekda", "X"]
    badges = [
        Badge(
            name,
            f"Kelompok {i % 3 + 1}",
            f"https://quiz.example.org/l/{i:02d}" + "s" * 22,
            "Unit head" if i % 2 else "",
        )
        for i, name in enumerate(names)
    ]
    pdf = badges_pdf(EVENT, badges)
    pages = rasterize(pdf, tmp_path)
    assert len(pages) == page_count(pdf) == 2  # 8 per page
    found = decoded(pages[0]) + decoded(pages[1])
    assert sorted(found) == sorted(b.url for b in badges)
    text = pdf_text(pdf, tmp_path)
    assert "Kelompok 2" in text and "Sekda" in text and "Łukasz Żółć" in text


@needs_poppler
def test_badges_with_core_font(tmp_path, font):
    badges = [
        Badge(name, "Kelompok 1", f"https://quiz.example.org/l/{i}")
        for i, name in enumerate(HARD_NAMES)
    ]
    text = pdf_text(badges_pdf(EVENT, badges), tmp_path)
    assert ("Łukasz Żółć" if font == "dejavu" else "Lukasz Zólc") in text


def content_streams(pdf: bytes) -> bytes:
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL)
    out = []
    for raw in streams:
        try:
            out.append(zlib.decompress(raw))
        except zlib.error:
            out.append(raw)
    return b"\n".join(out)


def test_badge_cut_lines_are_dashed():
    pdf = badges_pdf(EVENT, [Badge("A", "B", "https://quiz.example.org/l/x")])
    assert page_count(pdf) == 1
    content = content_streams(pdf)
    assert re.search(rb"\[\d+(\.\d+)? \d+(\.\d+)?\] \d+(\.\d+)? d", content)  # dash on
    assert re.search(rb"re S", content)  # a stroked (not filled) rectangle: the cut frame
