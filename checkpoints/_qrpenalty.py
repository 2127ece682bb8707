"""QR mask penalty (ISO 18004 rules as qrcode.util.lost_point scores them), computed fast."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

_TO_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_FINDER_LIKE = ("10111010000", "00001011101")  # neither overlaps itself, so str.count is exact


def _runs_score(line: int, inner: int) -> int:
    """Rule 1 for one line given as bits: each run of L >= 5 equal modules costs L - 2."""
    equal = ~(line ^ (line >> 1)) & inner  # bit k: module k equals module k + 1
    four = equal & (equal >> 1) & (equal >> 2) & (equal >> 3)  # a run of >= 5 starts at k..
    # A run of L modules leaves L - 4 set bits in `four`, contiguous: L - 2 = that + 2 per run.
    return four.bit_count() + 2 * (four & ~(four << 1)).bit_count()


def penalty_rows(rows_bits: Sequence[int], count: int) -> int:
    """Penalty of a count x count symbol given as one int per row (bit set = dark module)."""
    inner = (1 << (count - 1)) - 1
    rows = [format(bits, f"0{count}b") for bits in rows_bits]
    columns = ["".join(column) for column in zip(*rows, strict=True)]
    score = 0
    lines = zip(rows + columns, [*rows_bits, *(int(c, 2) for c in columns)], strict=True)
    for text, bits in lines:
        score += _runs_score(bits, inner)  # rule 1: runs of one colour
        score += 40 * (text.count(_FINDER_LIKE[0]) + text.count(_FINDER_LIKE[1]))  # rule 3
    for upper, lower in pairwise(rows_bits):  # rule 2: 2x2 blocks
        same_v = ~(upper ^ lower)
        same_h = ~(upper ^ (upper >> 1))
        score += 3 * (same_v & (same_v >> 1) & same_h & inner).bit_count()
    dark = sum(bits.bit_count() for bits in rows_bits)  # rule 4: balance of dark and light
    return score + int(abs(dark / count**2 * 100 - 50) / 5) * 10


def row_bits(modules: Sequence[Sequence[bool]]) -> list[int]:
    """Each row of a finished symbol as an int, first column the most significant bit."""
    return [int(bytes(row).translate(_TO_DIGITS), 2) for row in modules]


def penalty(modules: Sequence[Sequence[bool]]) -> int:
    """Same value as ``qrcode.util.lost_point(modules)``, several times faster (bit operations
    and str.count on whole rows and columns instead of a Python loop per module)."""
    return penalty_rows(row_bits(modules), len(modules))
