"""Pages of the long lists (the team page, the review queue, the live dashboard's grid): how
many pages a number of rows makes, and the refusal of a page past the last."""

from __future__ import annotations


class NoSuchPage(LookupError):
    """A page number past a list's last page."""


def page_count(rows: int, size: int) -> int:
    """Pages of ``size`` rows that ``rows`` fill; 1 for none (an empty list has its page)."""
    return max(1, -(-rows // size))
