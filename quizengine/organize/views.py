"""Organizer views (thin: validate, call a service, commit once, render)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from quizengine.extensions import db
from quizengine.models import Event, EventRole, Organizer
from quizengine.organize.forms import LoginForm

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
        flash("Wrong e-mail or password.", "error")
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


# The other organizer pages register their routes on ``bp`` when imported.
from quizengine.organize import (  # noqa: E402
    correction_views,  # noqa: F401
    live_views,  # noqa: F401
    report_views,  # noqa: F401
    review_views,  # noqa: F401
)
