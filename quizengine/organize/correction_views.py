"""Corrections: manual check-in, points adjustments, re-scoring, disqualification (all audited)."""

from __future__ import annotations

import secrets
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from checkpoints.timeutil import utc_now
from quizengine.extensions import db
from quizengine.models import AuditEntry, Event, Role
from quizengine.organize.access import actor, event_view
from quizengine.organize.correction_forms import (
    PARTICIPANT_NAMES,
    TEAM_NAMES,
    AdjustmentForm,
    DisqualifyForm,
    FlagDecisionForm,
    ManualCheckinForm,
    RescoreForm,
)
from quizengine.organize.labels import label, local_date
from quizengine.organize.views import bp
from quizengine.services import corrections as fixes
from quizengine.services import live, people

AUDIT_SHOWN = 100


def _fill(event: Event, **forms: Any) -> dict[str, Any]:
    """All forms of the page, with their choices from the event and the event the name boxes
    look their names up in. The forms not given are empty: built from the request, they would
    show what was posted to another form of the page (its names, its reason)."""
    checkin = forms.get("checkin") or ManualCheckinForm(formdata=None)
    checkin.checkpoint_id.choices = [
        SelectChoice(c.id, f"{c.name} [{c.code}]") for c in event.checkpoints
    ]
    adjust = forms.get("adjust") or AdjustmentForm(formdata=None, key=secrets.token_urlsafe(16))
    checkin.event = adjust.event = event
    rescore = forms.get("rescore") or RescoreForm(formdata=None)
    rescore.task_id.choices = [
        SelectChoice(t.id, f"{t.title or t.prompt[:60]} ({label('kind', t.kind)})")
        for t in event.tasks
        if not t.is_creative
    ]
    disqualify = forms.get("disqualify") or DisqualifyForm(formdata=None)
    return {"checkin": checkin, "adjust": adjust, "rescore": rescore, "disqualify": disqualify}


def _page(event: Event, status: int = 200, **forms: Any) -> tuple[str, int]:
    audit_log = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.event_id == event.id)
        .order_by(AuditEntry.id.desc())
        .limit(AUDIT_SHOWN)
    ).all()
    team_names, participant_names = people.name_lists(event)
    html = render_template(
        "organize/corrections.html",
        event=event,
        audit_log=audit_log,
        team_names=team_names,
        participant_names=participant_names,
        TEAM_NAMES=TEAM_NAMES,
        PARTICIPANT_NAMES=PARTICIPANT_NAMES,
        local=lambda dt: local_date(dt, event.timezone, "d MMM HH:mm:ss"),
        **_fill(event, **forms),
    )
    return html, status


def _done(event: Event, message: str) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("organize.corrections", slug=event.slug))


def _refused(event: Event, exc: Exception, **forms: Any) -> tuple[str, int]:
    db.session.rollback()
    flash(str(exc), "error")
    return _page(event, 422, **forms)


@bp.get("/e/<slug>/corrections")
@event_view(Role.ORGANIZER.value)
def corrections(event: Event) -> tuple[str, int]:
    return _page(event)


@bp.post("/e/<slug>/corrections/checkin")
@event_view(Role.ORGANIZER.value)
def correction_checkin(event: Event) -> Response | tuple[str, int]:
    form = _fill(event, checkin=ManualCheckinForm())["checkin"]
    if not form.validate_on_submit():
        return _page(event, 422, checkin=form)
    try:
        fixes.manual_checkin(
            event,
            checkpoint_id=form.checkpoint_id.data,
            team_id=form.team_id,
            participant_id=form.participant_id,
            reason=form.reason.data,
            organizer=current_user,
            now=utc_now(),
            actor=actor(),
        )
    except fixes.CorrectionError as exc:
        return _refused(event, exc, checkin=form)
    return _done(event, _("Checked in by hand."))


@bp.post("/e/<slug>/corrections/adjust")
@event_view(Role.ORGANIZER.value)
def correction_adjust(event: Event) -> Response | tuple[str, int]:
    form = _fill(event, adjust=AdjustmentForm())["adjust"]
    if not form.validate_on_submit():
        return _page(event, 422, adjust=form)
    try:
        _adjustment, created = fixes.adjust(
            event,
            team_id=form.team_id,
            participant_id=form.participant_id,
            points=form.points.data,
            reason=form.reason.data,
            key=form.key.data,
            organizer=current_user,
            now=utc_now(),
            actor=actor(),
        )
    except fixes.CorrectionError as exc:
        return _refused(event, exc, adjust=form)
    return _done(
        event, _("Points adjusted.") if created else _("That adjustment was already made.")
    )


@bp.post("/e/<slug>/corrections/rescore")
@event_view(Role.ORGANIZER.value)
def correction_rescore(event: Event) -> Response | tuple[str, int]:
    form = _fill(event, rescore=RescoreForm())["rescore"]
    if not form.validate_on_submit():
        return _page(event, 422, rescore=form)
    task = next(t for t in event.tasks if t.id == form.task_id.data)
    try:
        changed = fixes.rescore_task(
            event,
            task.id,
            fixes.parse_answer_input(task, form.answer.data),
            reason=form.reason.data,
            now=utc_now(),
            actor=actor(),
        )
    except fixes.CorrectionError as exc:
        return _refused(event, exc, rescore=form)
    return _done(
        event,
        ngettext(
            "Answer fixed; %(num)d attempt re-scored.",
            "Answer fixed; %(num)d attempts re-scored.",
            len(changed),
        ),
    )


@bp.post("/e/<slug>/corrections/disqualify")
@event_view(Role.ORGANIZER.value)
def correction_disqualify(event: Event) -> Response | tuple[str, int]:
    form = DisqualifyForm()
    if not form.validate_on_submit():
        return _page(event, 422, disqualify=form)
    try:
        fixes.disqualify(
            event, form.submission_id.data, reason=form.reason.data, now=utc_now(), actor=actor()
        )
    except fixes.CorrectionError as exc:
        return _refused(event, exc, disqualify=form)
    return _done(event, _("Submission disqualified."))


@bp.post("/e/<slug>/checkins/<int:checkin_id>/flags")
@event_view(Role.ORGANIZER.value)
def correction_flag(event: Event, checkin_id: int) -> Response:
    form = FlagDecisionForm()
    if not form.validate_on_submit():
        abort(400, description=_("Choose clear or uphold and say why."))
    try:
        live.decide_flag(event, checkin_id, form.decision.data, form.reason.data, actor=actor())
    except live.LiveError as exc:
        db.session.rollback()
        abort(404, description=str(exc))
    db.session.commit()
    flash(_("Decision recorded."), "success")
    return redirect(url_for("organize.live_dashboard", slug=event.slug))
