"""Text on fpdf2 pages that never fails: Unicode font when present, fitting, safe characters."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from fpdf import FPDF

from checkpoints._ascii import ascii_char

DEJAVU_REGULAR = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
CORE_FAMILY = "Helvetica"
_PT_TO_MM = 25.4 / 72
_LINE_SPACING = 1.22
_ELLIPSIS = "..."


class PdfText:
    """Fonts and fitted text blocks for one FPDF document.

    With DejaVuSans at ``DEJAVU_REGULAR`` (module constant, read when the document starts) text
    is drawn in Unicode; without it, in the core Helvetica font, which only knows Latin-1.
    Characters the chosen font lacks are transliterated to ASCII when possible ("Ł" -> "L"),
    else printed as "?": no name can make rendering fail.
    """

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self.unicode = DEJAVU_REGULAR.is_file()
        if self.unicode:
            self.family = "DejaVu"
            bold = DEJAVU_BOLD if DEJAVU_BOLD.is_file() else DEJAVU_REGULAR
            pdf.add_font(self.family, "", str(DEJAVU_REGULAR))
            pdf.add_font(self.family, "B", str(bold))
            self._glyphs = set(pdf.fonts["dejavu"].cmap) & set(pdf.fonts["dejavuB"].cmap)
        else:
            self.family = CORE_FAMILY
            self._glyphs = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
        self._widths: dict[tuple[bool, str], float] = {}
        self._bold = False
        self._size = 12.0

    def _char(self, ch: str) -> str:
        if ord(ch) in self._glyphs:
            return ch
        if ch in "\t\r\n" or unicodedata.category(ch) == "Zs":
            return " "
        if unicodedata.category(ch) in ("Cc", "Cf", "Mn", "Me"):
            return ""  # controls, zero-width joiners, stray combining marks
        spelled = ascii_char(ch)
        return spelled if spelled and all(ord(c) in self._glyphs for c in spelled) else "?"

    def clean(self, text: str, keep_newlines: bool = False) -> str:
        """``text`` with only characters the font can draw, blanks collapsed (and newlines
        kept if asked)."""
        text = unicodedata.normalize("NFC", text)
        if keep_newlines:
            lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            return "\n".join(self.clean(line) for line in lines)
        return " ".join("".join(self._char(ch) for ch in text).split())

    def set_font(self, size: float, bold: bool = False) -> None:
        """Select the document's font at ``size`` points."""
        self._bold, self._size = bold, size
        self.pdf.set_font(self.family, "B" if bold else "", size)

    def width(self, text: str) -> float:
        """Width in mm of clean ``text`` in the current font (no kerning, as fpdf2 draws it)."""
        total = 0.0
        for ch in text:
            key = (self._bold, ch)
            if key not in self._widths:  # widths scale linearly with the size
                self._widths[key] = self.pdf.get_string_width(ch) / self._size
            total += self._widths[key]
        return total * self._size

    def wrap(self, text: str, width: float) -> list[str]:
        """Greedy word wrap of clean ``text`` in ``width`` mm (words wider than a line are cut)."""
        space = self.width(" ")
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line, used = "", 0.0
            for word in paragraph.split():
                size = self.width(word)
                if line and used + space + size <= width:
                    line, used = f"{line} {word}", used + space + size
                    continue
                if line:
                    lines.append(line)
                while size > width and len(word) > 1:
                    head = self._fitting_prefix(word, width)
                    lines.append(head)
                    word = word[len(head) :]
                    size = self.width(word)
                line, used = word, size
            lines.append(line)
        return lines

    def _fitting_prefix(self, word: str, width: float) -> str:
        used = 0.0
        for i, ch in enumerate(word):
            used += self.width(ch)
            if used > width:
                return word[: max(i, 1)]
        return word

    def _ellipsize(self, line: str, width: float) -> str:
        while line and self.width(line + _ELLIPSIS) > width:
            line = line[:-1]
        return line.rstrip() + _ELLIPSIS

    def block(
        self,
        x: float,
        y: float,
        width: float,
        text: str,
        sizes: tuple[float, ...],
        *,
        max_lines: int,
        bottom: float | None = None,
        bold: bool = False,
        align: str = "L",
    ) -> float:
        """Draw ``text`` wrapped in ``width`` from (x, y) at the first font size in ``sizes``
        that fits in ``max_lines`` lines (0: no limit) and above ``bottom``; at the last size,
        cut with "..." if it still does not fit. ``align`` is L, C or R. Returns the y below
        the block."""
        text = self.clean(text, keep_newlines=max_lines != 1)
        if not text.strip():
            return y
        lines: list[str] = []
        height = limit = 0
        for size in sizes:
            self.set_font(size, bold)
            height = size * _PT_TO_MM * _LINE_SPACING
            lines = self.wrap(text, width)
            room = len(lines) if bottom is None else int((bottom - y) // height)
            limit = min(room, max_lines) if max_lines else room
            if len(lines) <= limit:
                break
        else:
            keep = max(limit, 1)
            if len(lines) > keep:
                lines = [*lines[: keep - 1], self._ellipsize(lines[keep - 1], width)]
        baseline = height / 2 + self._size * _PT_TO_MM * 0.35
        for i, line in enumerate(lines):
            offset = {"C": (width - self.width(line)) / 2, "R": width - self.width(line)}
            self.pdf.text(x + max(offset.get(align, 0.0), 0.0), y + i * height + baseline, line)
        return y + len(lines) * height
