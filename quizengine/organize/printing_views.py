"""Printing pages: checkpoint sheets and login badges as PDF downloads and print-styled HTML."""

from __future__ import annotations

from flask import Response, current_app, render_template, request
from markupsafe import Markup

from checkpoints.qr import qr_svg
from quizengine.models import Event, Role
from quizengine.organize import access
from quizengine.organize.views import bp
from quizengine.services import events, printing

ORGANIZER = Role.ORGANIZER.value


def _force() -> bool:
    return request.args.get("force") in ("1", "on", "yes", "true")


def _refused(event: Event, exc: printing.LocalUrlRefused) -> tuple[str, int]:
    """409: the print page again, saying why nothing was printed and how to force it."""
    page = render_template(
        "organize/print.html",
        event=event,
        sizes=events.sizes(event),
        refusal=str(exc),
        local=True,
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
    )


def _download(event: Event, what: str) -> Response | tuple[str, int]:
    """The sheets or badges PDF as a download, or the refusal page for a local PUBLIC_URL."""
    make = printing.sheets_pdf if what == "sheets" else printing.badge_pdf
    try:
        data = make(event, current_app.config["PUBLIC_URL"], force=_force())
    except printing.LocalUrlRefused as exc:
        return _refused(event, exc)
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-{what}.pdf"'},
    )


def _svg(url: str) -> Markup:
    return Markup(qr_svg(url, "M", module_px=6))  # noqa: S704 (our own SVG, no user markup)


def _page(event: Event, what: str) -> str | tuple[str, int]:
    """The print-styled HTML page of the sheets or the badges (or the refusal page)."""
    try:
        job = printing.print_job(
            event,
            current_app.config["PUBLIC_URL"],
            force=_force(),
            sheets=what == "sheets",
            badges=what == "badges",
        )
    except printing.LocalUrlRefused as exc:
        return _refused(event, exc)
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
