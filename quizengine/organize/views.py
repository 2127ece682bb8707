"""Organizer views (thin: validate, call a service, commit once, render)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from checkpoints.eventfile import EventFileError, parse_event_file
from quizengine.extensions import db
from quizengine.models import Event, EventRole, Organizer, Role
from quizengine.organize import access, labels
from quizengine.organize.forms import ActionForm, EventForm, ImportForm, LoginForm, RoleForm
from quizengine.services import authoring, event_settings, printing, roles
from quizengine.services import events as event_service

bp = Blueprint("organize", __name__, url_prefix="/organize")


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("organize.events")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        organizer = db.session.scalar(select(Organizer).where(Organizer.email == email))
        if organizer is not None and organizer.check_password(form.password.data or ""):
            login_user(organizer)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong e-mail or password."), "error")
    return render_template("organize/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    logout_user()
    return redirect(url_for("organize.login"))


@bp.get("/")
@login_required
def events() -> str:
    rows = db.session.execute(
        select(Event, EventRole.role)
        .join(EventRole, EventRole.event_id == Event.id)
        .where(EventRole.organizer_id == current_user.id)
        .order_by(Event.starts_at.desc())
    ).all()
    return render_template("organize/events.html", rows=rows)


@bp.context_processor
def _organizer_helpers() -> dict[str, Any]:
    """For the organizer templates: role checks and links only to pages that exist."""
    return {
        "can": access.can,
        "has_page": lambda endpoint: endpoint in current_app.view_functions,
        "action_form": ActionForm,
        "window": printing.format_window,
        "label": labels.label,
    }


def _require_admin() -> None:
    if not current_user.is_admin:
        abort(403, description=_("Only admin organizers create events."))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def event_new() -> tuple[str, int] | Response:
    """Create an event (admins only); its creator becomes its owner."""
    _require_admin()
    form = EventForm()
    if form.validate_on_submit():
        try:
            event = event_settings.create_event(
                form.data_for_service(), creator=current_user, actor=access.actor()
            )
        except authoring.AuthoringError as exc:
            form[exc.field].errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Event created: now add teams, checkpoints and tasks."), "success")
            return redirect(url_for("organize.event", slug=event.slug))
    status = 422 if request.method == "POST" else 200
    return render_template("organize/event_form.html", form=form, event=None), status


@bp.route("/import", methods=["GET", "POST"])
@login_required
def event_import() -> tuple[str, int] | Response:
    """Create an event from a YAML event file (upload or paste): refused whole when bad."""
    _require_admin()
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        raw = form.raw()
        try:
            if not raw.strip():
                raise EventFileError([])
            event = event_service.import_event(parse_event_file(raw), actor=access.actor())
            roles.grant(event, current_user, Role.OWNER.value, actor=access.actor())
        except EventFileError as exc:
            db.session.rollback()
            problems = [str(p) for p in exc.problems] or [_("Choose a file or paste one.")]
        else:
            db.session.commit()
            flash(_("Event imported."), "success")
            return redirect(url_for("organize.event", slug=event.slug))
    status = 422 if problems or form.errors else 200
    return render_template("organize/import.html", form=form, problems=problems), status


@bp.get("/e/<slug>/")
@access.event_view(Role.JUDGE.value)
def event(event: Event) -> str:
    """The event's overview: settings at a glance, counts, links to every area."""
    return render_template("organize/event.html", event=event, sizes=event_service.sizes(event))


@bp.get("/e/<slug>/people")
@access.event_view(Role.ORGANIZER.value)
def event_roles(event: Event) -> str:
    form = RoleForm()
    return render_template("organize/roles.html", event=event, form=form, rows=roles.team_of(event))


@bp.post("/e/<slug>/people")
@access.event_view(Role.OWNER.value)
def event_role_add(event: Event) -> tuple[str, int] | Response:
    form = RoleForm()
    if form.validate_on_submit():
        try:
            roles.grant_by_email(
                event, form.email.data or "", form.role.data or "", actor=access.actor()
            )
        except roles.RoleError as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Role given."), "success")
            return redirect(url_for("organize.event_roles", slug=event.slug))
    return render_template(
        "organize/roles.html", event=event, form=form, rows=roles.team_of(event)
    ), 422


@bp.post("/e/<slug>/people/<int:role_id>/delete")
@access.event_view(Role.OWNER.value)
def event_role_remove(event: Event, role_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        roles.revoke(event, role_id, actor=access.actor())
    except LookupError:
        abort(404)
    except roles.RoleError as exc:
        db.session.rollback()
        abort(409, description=str(exc))
    db.session.commit()
    flash(_("Role removed."), "success")
    return redirect(url_for("organize.event_roles", slug=event.slug))


# The other organizer pages register their routes on ``bp`` when imported.
from quizengine.organize import (  # noqa: E402
    authoring_views,  # noqa: F401
    correction_views,  # noqa: F401
    live_views,  # noqa: F401
    printing_views,  # noqa: F401
    report_views,  # noqa: F401
    review_views,  # noqa: F401
)
