"""Transliteration of text to ASCII (accents dropped, some letters spelled out); internal."""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into an ASCII base letter plus accents.
_SPELLED: dict[str, str] = {
    "ß": "ss",
    "ẞ": "SS",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "Ð": "D",
    "þ": "th",
    "Þ": "Th",
    "ı": "i",
    "ħ": "h",
    "Ħ": "H",
    "ŧ": "t",
    "Ŧ": "T",
    "ŋ": "ng",
    "Ŋ": "NG",
    "ĸ": "k",
    "ſ": "s",
    "‘": "'",
    "’": "'",
    "‚": ",",
    "“": '"',
    "”": '"',
    "„": '"',
    "–": "-",
    "—": "-",
    "‐": "-",
    "‑": "-",
    "−": "-",
    "…": "...",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}


def ascii_char(ch: str) -> str:
    """Return an ASCII spelling of one character, or "" when there is none."""
    if ch.isascii():
        return ch
    if ch in _SPELLED:
        return _SPELLED[ch]
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if c.isascii())


def to_ascii(text: str) -> str:
    """Transliterate ``text`` to ASCII, dropping what has no ASCII spelling."""
    return "".join(ascii_char(ch) for ch in text)
