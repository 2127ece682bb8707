"""Printing pages: checkpoint sheets and login badges as PDF downloads and print-styled HTML."""

from __future__ import annotations

from typing import NamedTuple

from flask import Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from checkpoints.qr import qr_svg
from quizengine.extensions import db
from quizengine.models import Event, Participant, Role, Team
from quizengine.organize import access
from quizengine.organize.views import bp
from quizengine.services import events, people, printing

ORGANIZER = Role.ORGANIZER.value


class Only(NamedTuple):
    """Whose badges to print: one team's, one participant's, or (both None) everyone's."""

    team_id: int | None = None
    participant_id: int | None = None

    @property
    def suffix(self) -> str:
        if self.participant_id is not None:
            return f"-participant-{self.participant_id}"
        return f"-team-{self.team_id}" if self.team_id is not None else ""


def _only(event: Event) -> Only:
    """``?team=`` and ``?participant=``: ids of this event's team or participant (empty:
    everyone); any other value is a 404, as an unknown id in a path is."""
    found: dict[str, int | None] = {}
    for name, model in (("team", Team), ("participant", Participant)):
        raw = request.args.get(name, "")
        if raw == "":
            found[name] = None
            continue
        ident = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None
        thing = db.session.get(model, ident) if ident is not None else None
        if thing is None or thing.event_id != event.id:
            abort(404, description=_("No such team or participant in this event."))
        found[name] = thing.id
    return Only(found["team"], found["participant"])


def _force() -> bool:
    return request.args.get("force") in ("1", "on", "yes", "true")


def _refused(event: Event, exc: printing.LocalUrlRefused, only: Only) -> tuple[str, int]:
    """409: the print page again, saying why nothing was printed and how to force it (for
    the same team or participant)."""
    page = render_template(
        "organize/print.html",
        event=event,
        sizes=events.sizes(event),
        refusal=str(exc),
        local=True,
        teams=people.team_choices(event),
        only=only,
    )
    return page, 409


@bp.get("/e/<slug>/print")
@access.event_view(ORGANIZER)
def print_home(event: Event) -> str:
    public_url = current_app.config["PUBLIC_URL"]
    return render_template(
        "organize/print.html",
        event=event,
        sizes=events.sizes(event),
        refusal=None,
        local=printing.local_host(public_url) is not None,
        public_url=public_url,
        teams=people.team_choices(event),
        only=Only(),
    )


def _download(event: Event, what: str) -> Response | tuple[str, int]:
    """The sheets or badges PDF as a download, or the refusal page for a local PUBLIC_URL."""
    only = _only(event) if what == "badges" else Only()
    public_url = current_app.config["PUBLIC_URL"]
    try:
        if what == "sheets":
            data = printing.sheets_pdf(event, public_url, force=_force())
        else:
            data = printing.badge_pdf(event, public_url, force=_force(), **only._asdict())
    except printing.LocalUrlRefused as exc:
        return _refused(event, exc, only)
    name = f"{event.slug}-{what}{only.suffix}.pdf"
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _svg(url: str) -> Markup:
    return Markup(qr_svg(url, "M", module_px=6))  # noqa: S704 (our own SVG, no user markup)


def _page(event: Event, what: str) -> str | tuple[str, int]:
    """The print-styled HTML page of the sheets or the badges (or the refusal page)."""
    only = _only(event) if what == "badges" else Only()
    try:
        job = printing.print_job(
            event,
            current_app.config["PUBLIC_URL"],
            force=_force(),
            sheets=what == "sheets",
            badges=what == "badges",
            **only._asdict(),
        )
    except printing.LocalUrlRefused as exc:
        return _refused(event, exc, only)
    return render_template(f"organize/print_{what}.html", event=event, job=job, svg=_svg)


@bp.get("/e/<slug>/print/sheets.pdf")
@access.event_view(ORGANIZER)
def print_sheets_pdf(event: Event) -> Response | tuple[str, int]:
    return _download(event, "sheets")


@bp.get("/e/<slug>/print/badges.pdf")
@access.event_view(ORGANIZER)
def print_badges_pdf(event: Event) -> Response | tuple[str, int]:
    return _download(event, "badges")


@bp.get("/e/<slug>/print/sheets")
@access.event_view(ORGANIZER)
def print_sheets(event: Event) -> str | tuple[str, int]:
    return _page(event, "sheets")


@bp.get("/e/<slug>/print/badges")
@access.event_view(ORGANIZER)
def print_badges(event: Event) -> str | tuple[str, int]:
    return _page(event, "badges")
