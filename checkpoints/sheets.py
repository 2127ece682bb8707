"""Printable PDFs (fpdf2): one A4 sheet per checkpoint with its QR code, and login badges."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import RenderStyle

from checkpoints.pdftext import PdfText
from checkpoints.qr import dark_runs, qr_matrix

QUIET_MODULES = 4
_A4_W, _A4_H = 210.0, 297.0
_SHEET_QR_BOX_MM = 150.0  # symbol plus quiet zone: the symbol itself is ~105..125 mm
_BADGE_COLS, _BADGE_ROWS, _BADGE_MARGIN = 2, 4, 10.0
_BADGE_QR_BOX_MM = 48.0
_BLEED_MM = 0.02  # rects overlap by this much so no hairline seams show between modules

DEFAULT_LABELS: Mapping[str, str] = {
    "code": "Code",
    "scan_hint": "Scan with your phone camera, or open the address above and type the code.",
}


@dataclass(frozen=True)
class SheetEvent:
    """What every sheet of an event repeats at the top."""

    title: str
    window: str  # already formatted, e.g. "6 Oct 2023, 07:00-17:00 WIB"


@dataclass(frozen=True)
class SheetCheckpoint:
    """One checkpoint sheet: name, instructions, the typed fallback code and the QR's URL."""

    name: str
    instructions: str
    code: str
    url: str


@dataclass(frozen=True)
class Badge:
    """One personal login badge: who, which team, and the login URL in the QR."""

    name: str
    team: str
    url: str
    subtitle: str = ""


def draw_qr(pdf: FPDF, url: str, x: float, y: float, box_mm: float) -> None:
    """Draw the QR of ``url`` (error correction M) centred in a ``box_mm`` square at (x, y),
    the box including a quiet zone of four modules; dark runs of a row are one rectangle."""
    matrix = qr_matrix(url, "M")
    module = box_mm / (len(matrix) + 2 * QUIET_MODULES)
    left, top = x + QUIET_MODULES * module, y + QUIET_MODULES * module
    pdf.set_fill_color(0)
    for row, col, length in dark_runs(matrix):
        pdf.rect(
            left + col * module,
            top + row * module,
            length * module + _BLEED_MM,
            module + _BLEED_MM,
            style=RenderStyle.F,
        )


def _new_pdf(title: str) -> tuple[FPDF, PdfText]:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(15, 15, 15)
    pdf.set_creator("quizengine")
    text = PdfText(pdf)
    pdf.set_title(text.clean(title))
    return pdf, text


def _sheet_page(
    pdf: FPDF, text: PdfText, event: SheetEvent, cp: SheetCheckpoint, labels: Mapping[str, str]
) -> None:
    pdf.add_page()
    width = _A4_W - 30
    pdf.set_text_color(60)
    text.block(15, 12, width, event.title, (14, 9), max_lines=1, bold=True, align="C")
    text.block(15, 19.5, width, event.window, (11, 8), max_lines=1, align="C")
    pdf.set_draw_color(180)
    pdf.set_line_width(0.3)
    pdf.line(15, 27, _A4_W - 15, 27)
    pdf.set_text_color(0)
    text.block(15, 30, width, cp.name, (28, 24, 20, 16), max_lines=2, bold=True, align="C")
    qr_top = 56.0
    draw_qr(pdf, cp.url, (_A4_W - _SHEET_QR_BOX_MM) / 2, qr_top, _SHEET_QR_BOX_MM)
    y = qr_top + _SHEET_QR_BOX_MM
    y = text.block(15, y, width, cp.url, (11, 9, 8), max_lines=2, align="C")
    code_line = f"{labels['code']}: {cp.code}"
    y = text.block(15, y + 1, width, code_line, (26, 20, 14), max_lines=1, bold=True, align="C")
    text.block(
        15,
        y + 3,
        width,
        cp.instructions,
        (12, 11, 10, 9, 8),
        max_lines=0,
        bottom=_A4_H - 22,
        align="L",
    )
    pdf.set_text_color(90)
    text.block(15, _A4_H - 19, width, labels["scan_hint"], (9, 8), max_lines=2, align="C")


def checkpoint_sheets_pdf(
    event: SheetEvent,
    checkpoints: Sequence[SheetCheckpoint],
    labels: Mapping[str, str] | None = None,
) -> bytes:
    """One A4 portrait page per checkpoint: event title and window, the checkpoint's name, a
    large QR code of its URL (error correction M, quiet zone of 4 modules), the URL as text,
    "Code: ABC123" for typing, the instructions and a scanning hint.

    ``labels`` overrides the strings "code" and "scan_hint" (e.g. translated); any text is
    accepted: characters the font cannot show are transliterated or printed as "?".
    """
    merged = {**DEFAULT_LABELS, **(labels or {})}
    pdf, text = _new_pdf(event.title)
    for cp in checkpoints:
        _sheet_page(pdf, text, event, cp, merged)
    if not checkpoints:
        pdf.add_page()
    return bytes(pdf.output())


def _badge(
    pdf: FPDF,
    text: PdfText,
    event: SheetEvent,
    badge: Badge,
    x: float,
    y: float,
    w: float,
    h: float,
) -> None:
    pdf.set_draw_color(150)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=2, gap=1.5)
    pdf.rect(x, y, w, h, style="D")
    pdf.set_dash_pattern()
    pdf.set_text_color(0)
    text.block(x + 5, y + 5, w - 10, badge.name, (16, 14, 12, 10), max_lines=2, bold=True)
    box = _BADGE_QR_BOX_MM
    draw_qr(pdf, badge.url, x + w - box - 1, y + h - box - 1, box)
    column = w - box - 7
    ty = text.block(x + 5, y + h - box + 3, column, badge.team, (12, 11, 10, 9), max_lines=2)
    if badge.subtitle:
        pdf.set_text_color(70)
        text.block(x + 5, ty + 1, column, badge.subtitle, (9, 8, 7), max_lines=3)
    pdf.set_text_color(110)
    text.block(
        x + 5,
        y + h - 14,
        column,
        f"{event.title}\n{event.window}",
        (7, 6),
        max_lines=3,
        bottom=y + h - 3,
    )


def badges_pdf(event: SheetEvent, badges: Sequence[Badge]) -> bytes:
    """Login badges, 2 columns x 4 rows per A4 page, each with name, team, subtitle, the QR of
    its URL and the event's title, framed by dashed cut lines."""
    pdf, text = _new_pdf(event.title)
    per_page = _BADGE_COLS * _BADGE_ROWS
    w = (_A4_W - 2 * _BADGE_MARGIN) / _BADGE_COLS
    h = (_A4_H - 2 * _BADGE_MARGIN) / _BADGE_ROWS
    for index, badge in enumerate(badges):
        if index % per_page == 0:
            pdf.add_page()
        row, col = divmod(index % per_page, _BADGE_COLS)
        _badge(pdf, text, event, badge, _BADGE_MARGIN + col * w, _BADGE_MARGIN + row * h, w, h)
    if not badges:
        pdf.add_page()
    return bytes(pdf.output())
