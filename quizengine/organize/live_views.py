"""Live dashboard: team x checkpoint grid, feed of check-ins and answers, polling endpoint."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, g, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.wrappers import Response

from checkpoints.timeutil import format_local, utc_now
from quizengine.models import Event, Role
from quizengine.organize.access import event_view
from quizengine.organize.correction_forms import FlagDecisionForm
from quizengine.organize.labels import LABELS, label, local_date
from quizengine.organize.paging import no_such_page, page_links, page_number
from quizengine.organize.views import bp
from quizengine.services import live, live_grid


def _no_blind_judges(event: Event) -> None:
    """The feed names who submitted what: hidden from the judges of a blind-judged event."""
    if event.blind_judging and g.get("role") == Role.JUDGE.value:
        abort(403, description=_("Judging is blind in this event: the live feed is hidden."))


def _words() -> dict[str, Any]:
    """What live.js writes into the feed, in the page's language."""

    def group(name: str) -> dict[str, str]:
        return {code: label(name, code) for code in LABELS[name]}

    return {
        "checkin": _("check-in"),
        "refused": _("refused check-in"),
        "flags": _("flags"),
        "answer": _("answer"),
        "submission": _("submission"),
        "late": label("attempt", "late"),
        "correct": _("correct"),
        "wrong": _("wrong"),
        "points": _("pts"),
        "updated": _("Updated"),
        "problem": _("Connection problem (%(error)s), retrying…"),
        "nobody": _("Nobody yet."),
        "verdicts": group("checkin"),
        "statuses": group("submission"),
        "flag_names": group("flag"),
    }


def _clock(event: Event) -> dict[str, Any]:
    now = utc_now()
    return {
        "now": format_local(now, event.timezone, "%H:%M:%S"),
        "starts": local_date(event.starts_at, event.timezone, "d MMM HH:mm"),
        "ends": local_date(event.ends_at, event.timezone, "d MMM HH:mm"),
        "open": event.is_open(now),
        "remaining_s": max(0, int((event.ends_at - now).total_seconds())),
    }


@bp.get("/e/<slug>/live")
@event_view(Role.JUDGE.value)
def live_dashboard(event: Event) -> str:
    """The dashboard. Its grid comes as the polls' JSON text (kept per change, shared with
    them) for live.js to draw, with its tag, so the first poll brings no grid while it is
    the same: as a table of 25,000 cells the page was 2 MB and 0.4-0.7 s of a worker's time,
    and the script drew the grid anew at its first poll anyway. ``?part=lists`` leaves the
    grid out: the script fetches the page so to refresh the flagged and refused check-ins.
    ``?page=`` is the page of the grid's rows (``live_grid.GRID_ROWS`` a page)."""
    _no_blind_judges(event)
    page = page_number()
    grid, pages = None, 1
    if request.args.get("part") != "lists":
        grid, pages = live_grid.grid_page(event, page)
        if page > pages:
            no_such_page()
    return render_template(
        "organize/live.html",
        event=event,
        grid=_script_json(grid.text) if grid is not None else None,
        grid_tag=grid.tag if grid is not None else "",
        grid_page=page,
        grid_pages=pages,
        page_href=page_links("organize.live_dashboard", slug=event.slug),
        clock=_clock(event),
        counts=live.counts(event),
        flagged=live.flagged(event),
        refused=live.refused(event),
        flag_form=FlagDecisionForm(),
        local=lambda dt: format_local(dt, event.timezone, "%H:%M:%S"),
        words=_words(),
    )


def _script_json(text: str) -> Markup:
    """JSON text safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` (only ever in its
    strings) written as escapes, as Jinja's ``tojson`` writes them."""
    safe = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(safe)  # noqa: S704 (JSON with every <, > and & escaped)


@bp.get("/e/<slug>/live.json")
@event_view(Role.JUDGE.value)
def live_poll(event: Event) -> Response:
    """What changed since ``?after=<cursor>``: new feed items (and, when a row committed
    late, the recent ones around it again: the page drops keys it has shown), ``more`` when a
    backlog is waiting, the counts, and the grid's page ``?page=`` (the last when the grid
    has fewer) with its tag; ``grid`` is null when ``?grid=`` names the tag of the grid the
    page shows and it has not changed."""
    _no_blind_judges(event)
    number = page_number()
    try:
        page = live.feed(event, request.args.get("after"))
    except live.LiveError as exc:
        abort(400, description=str(exc))
    rest = {
        "clock": _clock(event),
        "counts": live.counts(event),
        "items": page["items"],
        "cursor": page["cursor"],
        "more": page["more"],
    }
    # The grid comes as JSON text, serialised and tagged once per change: put it in as it is,
    # in front of the other keys, instead of parsing and serialising it again; none while the
    # page names its tag (most quiet polls).
    tagged, _pages = live_grid.grid_page(event, number)
    tag = tagged.tag
    grid = "null" if request.args.get("grid") == tag else tagged.text
    body = current_app.json.dumps(rest, separators=(",", ":"))
    return current_app.response_class(
        f'{{"grid":{grid},"grid_tag":"{tag}",{body[1:]}\n', mimetype=current_app.json.mimetype
    )
