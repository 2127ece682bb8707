"""Printing pages: checkpoint sheets and login badges as PDF downloads and print-styled HTML."""

from __future__ import annotations

from flask import Response, current_app, render_template, request
from markupsafe import Markup

from checkpoints.qr import qr_svg
from quizengine.models import Event, Role
from quizengine.organize import access
from quizengine.organize.views import bp
from quizengine.services import printing

ORGANIZER = Role.ORGANIZER.value


def _force() -> bool:
    return request.args.get("force") in ("1", "on", "yes", "true")


def _refused(event: Event, exc: printing.LocalUrlRefused) -> tuple[str, int]:
    """409: the print page again, saying why nothing was printed and how to force it."""
    return render_template("organize/print.html", event=event, refusal=str(exc), local=True), 409


@bp.get("/e/<slug>/print")
@access.event_view(ORGANIZER)
def print_home(event: Event) -> str:
    public_url = current_app.config["PUBLIC_URL"]
    return render_template(
        "organize/print.html",
        event=event,
        refusal=None,
        local=printing.local_host(public_url) is not None,
        public_url=public_url,
    )


def _pdf(event: Event, data: bytes, name: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-{name}.pdf"'},
    )


@bp.get("/e/<slug>/print/sheets.pdf")
@access.event_view(ORGANIZER)
def print_sheets_pdf(event: Event) -> Response | tuple[str, int]:
    try:
        data = printing.sheets_pdf(event, current_app.config["PUBLIC_URL"], force=_force())
    except printing.LocalUrlRefused as exc:
        return _refused(event, exc)
    return _pdf(event, data, "sheets")


@bp.get("/e/<slug>/print/badges.pdf")
@access.event_view(ORGANIZER)
def print_badges_pdf(event: Event) -> Response | tuple[str, int]:
    try:
        data = printing.badge_pdf(event, current_app.config["PUBLIC_URL"], force=_force())
    except printing.LocalUrlRefused as exc:
        return _refused(event, exc)
    return _pdf(event, data, "badges")


def _svg(url: str) -> Markup:
    return Markup(qr_svg(url, "M", module_px=6))  # noqa: S704 (our own SVG, no user markup)


@bp.get("/e/<slug>/print/sheets")
@access.event_view(ORGANIZER)
def print_sheets(event: Event) -> str | tuple[str, int]:
    try:
        job = printing.print_job(event, current_app.config["PUBLIC_URL"], force=_force())
    except printing.LocalUrlRefused as exc:
        return _refused(event, exc)
    return render_template("organize/print_sheets.html", event=event, job=job, svg=_svg)


@bp.get("/e/<slug>/print/badges")
@access.event_view(ORGANIZER)
def print_badges(event: Event) -> str | tuple[str, int]:
    try:
        job = printing.print_job(event, current_app.config["PUBLIC_URL"], force=_force())
    except printing.LocalUrlRefused as exc:
        return _refused(event, exc)
    return render_template("organize/print_badges.html", event=event, job=job, svg=_svg)
