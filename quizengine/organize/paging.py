"""Page numbers of the organizer's long lists (the team page, the review queue, the live
dashboard's grid): read from ``?page=``, with the refusals in the request's language, and
the pager's links. How the lists count and refuse their pages: ``services/pages.py``."""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from flask import abort, request, url_for
from flask_babel import gettext as _


def page_number() -> int:
    """``?page=`` (1 when absent); a 400 when it is not a whole number from 1 up."""
    text = request.args.get("page", "1").strip()
    if not text.isdecimal() or int(text) < 1:
        abort(400, description=_("The page number must be a whole number from 1 up."))
    return int(text)


def no_such_page() -> NoReturn:
    """A 404 for a page past a list's last (the list got shorter, or a typed address)."""
    abort(404, description=_("There is no such page of the list: go back to its first page."))


def page_links(endpoint: str, **values: object) -> Callable[[int], str]:
    """The URL of page n of a list (``endpoint`` with ``values``, a search kept): for the two
    links of a pager, ``url_for`` each (a filled-in pattern would also replace the page's
    placeholder where a search holds it)."""
    return lambda number: url_for(endpoint, page=number, **values)
