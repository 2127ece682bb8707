"""Page numbers of the organizer's long lists (the team page, the review queue, the live
dashboard's grid): read from ``?page=``, with the refusals in the request's language."""

from __future__ import annotations

from typing import NoReturn

from flask import abort, request
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
