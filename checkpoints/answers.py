"""Checking answers to questions: multiple choice, free text with variants, numbers."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

_SPACES = re.compile(r"\s+")
_NUMBER_CHARS = re.compile(r"[0-9.,' ]*")
_THIN_SPACES = str.maketrans({"\u00a0": " ", "\u2009": " ", "\u202f": " ", "−": "-"})


def _is_edge_junk(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch)[0] in "PS"


def normalize_text(s: str) -> str:
    """Comparable form of a text: NFKD, diacritics dropped, casefolded, whitespace collapsed,
    punctuation and symbols stripped at both ends ('  «Tugu  Malang!» ' -> 'tugu malang')."""
    # NFKD before casefold too: compatibility forms ("𝓐", "Ⓐ") only get a case after it.
    folded = unicodedata.normalize("NFKD", s).casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = _SPACES.sub(" ", text)
    start, end = 0, len(text)
    while start < end and _is_edge_junk(text[start]):
        start += 1
    while end > start and _is_edge_junk(text[end - 1]):
        end -= 1
    return text[start:end]


def check_choice(given: str, correct: str, choices: Sequence[str]) -> bool:
    """True when ``given`` is the correct choice (compared after normalize_text).

    An answer that is not one of the choices is wrong. Raises ValueError when ``correct``
    itself is not among ``choices`` (a broken question, not a wrong answer).
    """
    normalized = {normalize_text(c) for c in choices}
    wanted = normalize_text(correct)
    if wanted not in normalized:
        raise ValueError(f"correct answer {correct!r} is not one of the choices {list(choices)!r}")
    return normalize_text(given) == wanted


def check_text(given: str, accepted: Sequence[str]) -> bool:
    """True when ``given`` matches any accepted variant after normalize_text; blank never does."""
    answer = normalize_text(given)
    return bool(answer) and any(answer == normalize_text(a) for a in accepted)


def _ungroup(part: str, sep: str, original: str) -> str:
    """Digits of an integer part written with thousands separator ``sep`` (groups of 3)."""
    groups = part.split(sep)
    if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        raise ValueError(
            f"{original!r} is not a number: separators must split the digits in groups of three"
        )
    return "".join(groups)


def _split_number(body: str, original: str) -> tuple[str, str]:
    """Split ``body`` (digits and separators, no sign) into integer and fraction digits."""
    marks = [ch for ch in body if ch in ".,"]
    if " " in body and "'" in body:
        raise ValueError(f"{original!r} is not a number: mixed digit group separators")
    group = "'" if "'" in body else " "
    if not marks:
        return _ungroup(body, group, original) if group in body else body, ""
    kinds = set(marks)
    if len(kinds) == 2:
        decimal = body[max(body.rfind("."), body.rfind(","))]
        group = "," if decimal == "." else "."
    elif len(marks) > 1:
        return _ungroup(body, marks[0], original), ""
    else:
        decimal = marks[0]
    if body.count(decimal) != 1:
        raise ValueError(f"{original!r} is not a number: more than one decimal separator")
    whole, fraction = body.split(decimal)
    if not fraction.isdigit() and fraction:
        raise ValueError(f"{original!r} is not a number: bad digits after {decimal!r}")
    looks_grouped = whole.isdigit() and len(whole) <= 3 and not whole.startswith("0")
    if len(kinds) == 1 and len(fraction) == 3 and looks_grouped:
        raise ValueError(
            f"{original!r} is ambiguous ({whole}.{fraction} or {whole}{fraction}?): "
            "type it without a thousands separator"
        )
    return (_ungroup(whole, group, original) if group in whole else whole), fraction


def parse_number(s: str) -> float:
    """Parse a typed number: "1953", " 1.5 ", "1,5" (decimal comma), "-2", "1.234,5" and
    "1,234.5" (thousands separators, groups of three), "1 234 567".

    A single separator followed by exactly three digits after one to three digits ("1.234",
    "1,234") could be either a decimal or a thousands mark and is refused as ambiguous.
    Raises ValueError with a message for the participant; never returns NaN or infinity.
    """
    text = _SPACES.sub(" ", s.translate(_THIN_SPACES).strip())
    sign = -1.0 if text.startswith("-") else 1.0
    body = text[1:].lstrip() if text[:1] in "+-" else text
    if not body or not _NUMBER_CHARS.fullmatch(body) or not any(ch.isdigit() for ch in body):
        raise ValueError(f"{s!r} is not a number")
    whole, fraction = _split_number(body, s)
    if not (whole or fraction) or not (whole + fraction).isdigit():
        raise ValueError(f"{s!r} is not a number")
    value = sign * float(f"{whole or '0'}.{fraction or '0'}")
    if not math.isfinite(value):
        raise ValueError(f"{s!r} is too large")
    return value


def check_number(given: str, value: float, tolerance: float) -> bool:
    """True when the typed number is within ``tolerance`` of ``value`` (|x - value| <= tolerance).

    A relative slack of 1e-9 absorbs binary rounding (1.1 vs 1.0 +- 0.1 counts). Text that is
    not a number is simply wrong (False); use parse_number first to tell the participant why.
    """
    if not (math.isfinite(tolerance) and tolerance >= 0):
        raise ValueError(f"tolerance must be a finite number >= 0, got {tolerance!r}")
    try:
        number = parse_number(given)
    except ValueError:
        return False
    return abs(number - value) <= tolerance + 1e-9 * max(1.0, abs(value))
