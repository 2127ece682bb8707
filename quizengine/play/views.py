"""Participant views (thin: validate, call a service, commit once, render): log-in, home,
checkpoint scan and check-in. Task pages are in task_views.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask import abort, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select

from checkpoints.answers import normalize_text
from checkpoints.codes import is_well_formed_code, is_well_formed_secret, normalize_code
from checkpoints.geofence import Fix, GeoError
from checkpoints.timeutil import format_duration, format_local, utc_now
from quizengine.auth import current_participant, log_in_participant, log_out_participant
from quizengine.extensions import db
from quizengine.models import Checkpoint, Mode, Participant, Team
from quizengine.play import task_views  # noqa: F401  (registers the task routes)
from quizengine.play.blueprint import bp
from quizengine.play.common import (
    ms_left,
    participant_or_abort,
    refuse,
    safe_next,
    wants_json,
)
from quizengine.play.forms import CheckInForm, ConfirmForm, JoinForm, first_error
from quizengine.play.tasklist import TaskRows, task_list
from quizengine.services import leaderboard
from quizengine.services.checkins import (
    Refused,
    Visited,
    check_in,
    checkpoint_with_access,
    open_problem,
    visited_checkpoints,
    window_problem,
)
from quizengine.services.events import event_by_slug
from quizengine.web import url_filler

SESSION_GRACE = timedelta(hours=4)
AFTER_LOGIN = "after_login"  # where a personal link leads once a scan found no session

__all__ = ["bp"]


@bp.get("/")
def index() -> ResponseReturnValue:
    if current_participant() is not None:
        return redirect(url_for("play.home"))
    return render_template("play/index.html")


def _participant_by_token(token: str) -> Participant:
    if not is_well_formed_secret(token):
        abort(404)
    participant = db.session.scalar(select(Participant).where(Participant.login_token == token))
    if participant is None:
        abort(404)
    g.event_language = participant.event.language
    return participant


def _log_in(participant: Participant) -> ResponseReturnValue:
    target = safe_next(request.values.get("next")) or safe_next(session.get(AFTER_LOGIN))
    log_in_participant(participant, until=participant.event.ends_at + SESSION_GRACE)
    return redirect(target or url_for("play.home"))


@bp.route("/in/<token>", methods=["GET", "POST"])
def login(token: str) -> ResponseReturnValue:
    participant = _participant_by_token(token)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return refuse(first_error(form), 400)
        return _log_in(participant)
    return render_template(
        "play/login.html",
        participant=participant,
        form=form,
        next=safe_next(request.args.get("next")),
    )


@bp.route("/join/<slug>", methods=["GET", "POST"])
def join(slug: str) -> ResponseReturnValue:
    event = event_by_slug(slug)
    if event is None or not event.team_code_login:
        abort(404)
    g.event_language = event.language
    form = JoinForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            return refuse(first_error(form), 400)
        code = normalize_code(form.code.data or "")
        team = db.session.scalar(
            select(Team).where(Team.event_id == event.id, Team.join_code == code)
        )
        wanted = normalize_text(form.name.data or "")
        match = [m for m in (team.members if team else []) if normalize_text(m.name) == wanted]
        if len(match) == 1:
            return _log_in(match[0])
        error = _("That team code and name do not match. Check the spelling or ask the organizers.")
    status = 400 if error else 200
    return render_template(
        "play/join.html",
        event=event,
        form=form,
        error=error,
        next=safe_next(request.values.get("next")),
    ), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    form = ConfirmForm()
    if not form.validate_on_submit():
        return refuse(first_error(form), 400)
    log_out_participant()
    return redirect(url_for("play.index"))


def _score(participant: Participant) -> int:
    event = participant.event
    if event.mode == Mode.TEAM and participant.team_id is not None:
        return leaderboard.team_points(event, participant.team_id)
    return leaderboard.participant_points(event, participant.id)


@dataclass(frozen=True)
class CheckpointLink:
    name: str
    href: str


def _visited_links(visited: list[Visited]) -> list[CheckpointLink]:
    """Name and link of each visited checkpoint (the URL pattern is built once, not once per
    row)."""
    if not visited:
        return []
    href_of = url_filler("play.checkpoint", "code", "CODEMARK")
    return [CheckpointLink(cp.name, href_of(cp.code)) for cp in visited]


@cache
def _team_name() -> Select[tuple[str]]:
    return select(Team.name).where(Team.id == bindparam("team_id"))


@bp.get("/home")
def home() -> ResponseReturnValue:
    participant = current_participant()
    if participant is None:
        return render_template("play/login_needed.html", next=request.path), 401
    event = participant.event
    now = utc_now()
    visited = visited_checkpoints(participant)
    visited_ids = {cp.id for cp in visited}
    rows = task_list(participant, now, open_at=visited_ids)
    # What is still to do first; what is done folded below it (by the end of the day most
    # of up to 300 rows, a long scroll on a phone).
    at_checkpoints = [t for t in rows if t.checkpoint_id in visited_ids]
    anywhere = [t for t in rows if t.checkpoint_id is None]
    checkpoints = _visited_links(visited)
    team_name = None
    if participant.team_id is not None:  # one column, not the team's object (a lazy load)
        team_name = db.session.connection().scalar(_team_name(), {"team_id": participant.team_id})
    return render_template(
        "play/home.html",
        participant=participant,
        team_name=team_name,
        event=event,
        score=_score(participant),
        now_local=format_local(now, event.timezone),
        ends_local=format_local(event.ends_at, event.timezone),
        time_left=format_duration(event.ends_at - now) if event.is_open(now) else None,
        remaining_ms=ms_left(event.ends_at, now),
        window=window_problem(event, now),
        visited=checkpoints,
        open_tasks=TaskRows([t for t in at_checkpoints if t.to_do]),
        open_done=TaskRows([t for t in at_checkpoints if not t.to_do]),
        free_tasks=TaskRows([t for t in anywhere if t.to_do]),
        free_done=TaskRows([t for t in anywhere if not t.to_do]),
    )


@bp.get("/c")
def typed_code() -> ResponseReturnValue:
    raw = request.args.get("code")
    if raw is not None:
        code = normalize_code(raw[:64])
        if is_well_formed_code(code):
            return redirect(url_for("play.checkpoint", code=code))
        return render_template(
            "play/typed_code.html", error=_("That is not a checkpoint code.")
        ), 400
    return render_template("play/typed_code.html", error=None)


@cache
def _checkpoint_by_code() -> Select[tuple[Checkpoint]]:
    return select(Checkpoint).where(Checkpoint.code == bindparam("code"))


def _checkpoint(code: str, participant: Participant | None) -> Checkpoint:
    """The checkpoint of this code in the participant's event; one 404 for all the rest."""
    return _checkpoint_and_access(code, participant, access=False)[0]


def _checkpoint_and_access(
    code: str, participant: Participant | None, *, access: bool = True
) -> tuple[Checkpoint, bool]:
    """``_checkpoint`` and, with ``access`` and a participant, whether its tasks are open to
    them (``has_access``), read in the same statement."""
    canonical = normalize_code(code[:64])
    found, unlocked = None, False
    if is_well_formed_code(canonical):
        if access and participant is not None:
            found, unlocked = checkpoint_with_access(canonical, participant) or (None, False)
        else:
            found = db.session.scalars(_checkpoint_by_code(), {"code": canonical}).first()
    if found is None or (participant is not None and found.event_id != participant.event_id):
        abort(404, description=_("Unknown checkpoint. Check the code on the sheet and try again."))
    return found, unlocked


@bp.get("/c/<code>")
def checkpoint(code: str) -> ResponseReturnValue:
    participant = current_participant()
    cp, access = _checkpoint_and_access(code, participant)
    if participant is None:
        g.event_language = cp.event.language
        # Remembered in the cookie only (no server state): the personal link brings them back.
        session[AFTER_LOGIN] = url_for("play.checkpoint", code=cp.code)
        return render_template(
            "play/login_needed.html", next=url_for("play.checkpoint", code=cp.code), event=cp.event
        ), 401
    if code != cp.code:
        return redirect(url_for("play.checkpoint", code=cp.code))
    now = utc_now()
    return render_template(
        "play/checkpoint.html",
        cp=cp,
        event=cp.event,
        problem=open_problem(cp.event, cp, now),
        access=access,
        tasks=task_list(participant, now, cp.id) if access else [],
    )


@bp.post("/c/<code>/checkin")
def checkin(code: str) -> ResponseReturnValue:
    participant = participant_or_abort()
    cp = _checkpoint(code, participant)
    form = CheckInForm()
    if not form.validate_on_submit():
        return refuse(first_error(form), 400)
    fix = Fix(form.lat_value, form.lon_value, form.accuracy_value, form.fix_at)
    try:
        result = check_in(participant, cp, fix, now=utc_now())
    except Refused as err:
        return refuse(err.message, err.status)
    except GeoError:
        return refuse(_("The position sent is not valid."), 400)
    checkin_id, code = result.checkin.id, cp.code  # before the commit expires them
    db.session.commit()
    if wants_json():
        return jsonify(
            accepted=result.accepted,
            verdict=result.verdict,
            message=result.message,
            distance_m=round(result.distance_m, 1),
            direction=result.direction,
            checkin_id=checkin_id,
        )
    flash(result.message, "success" if result.accepted else "error")
    return redirect(url_for("play.checkpoint", code=code))
