"""Authoring pages: event settings, teams, participants (also CSV), checkpoints, tasks, task
preview, and the event file download."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from checkpoints.eventfile import dump_event_file
from quizengine import kinds
from quizengine.extensions import db
from quizengine.models import Checkpoint, Event, Participant, Role, Task, Team
from quizengine.organize import access
from quizengine.organize.forms import (
    ActionForm,
    CheckpointForm,
    EventForm,
    ParticipantCsvForm,
    ParticipantForm,
    TaskForm,
    TeamForm,
)
from quizengine.organize.paging import no_such_page, page_links, page_number
from quizengine.organize.views import bp
from quizengine.services import (
    authoring,
    participant_import,
    people,
    places,
    roster,
    submissions,
)
from quizengine.services import event_settings as settings_service
from quizengine.services import events as event_service
from quizengine.services import tasks as task_service
from quizengine.services.pages import NoSuchPage
from quizengine.web import url_filler

ORGANIZER, JUDGE = Role.ORGANIZER.value, Role.JUDGE.value
M = TypeVar("M", Team, Participant, Checkpoint, Task)
Page = str | Response | tuple[str, int]


def _owned(model: type[M], event: Event, item_id: int) -> M:
    """The row ``item_id`` of ``model`` if it belongs to ``event``; 404 otherwise."""
    item = db.session.get(model, item_id)
    if item is None or item.event_id != event.id:
        abort(404)
    return item


def _saved(form: FlaskForm, call: Any, *args: Any, **kw: Any) -> bool:
    """Run a service call; commit on success, put its complaint on the form's field else."""
    try:
        call(*args, actor=access.actor(), **kw)
    except authoring.AuthoringError as exc:
        db.session.rollback()
        (form[exc.field].errors if exc.field in form else form.form_errors).append(exc.message)
        return False
    db.session.commit()
    return True


def _form_page(template: str, form: FlaskForm, **context: Any) -> tuple[str, int]:
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status


def _deleted(event: Event, call: Any, item: Any, back: str) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400, description=_("The form expired: reload the page and try again."))
    try:
        call(event, item, actor=access.actor())
    except authoring.InUse as exc:
        db.session.rollback()
        abort(409, description=str(exc))
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for(back, slug=event.slug))


# -------------------------------------------------------------------------------------------
# Event settings and the event file


@bp.route("/e/<slug>/settings", methods=["GET", "POST"])
@access.event_view(ORGANIZER)
def event_settings(event: Event) -> Page:
    form = EventForm(obj=event)
    if request.method == "GET":
        form.starts.data = settings_service.local_naive(event, event.starts_at)
        form.ends.data = settings_service.local_naive(event, event.ends_at)
        if event.freeze_at:
            form.freeze.data = settings_service.local_naive(event, event.freeze_at)
    if form.validate_on_submit() and _saved(
        form, settings_service.update_event, event, form.data_for_service()
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("organize.event", slug=event.slug))
    return _form_page("organize/event_form.html", form, event=event)


@bp.get("/e/<slug>/event.yaml")
@access.event_view(ORGANIZER)
def event_export(event: Event) -> Response:
    text = dump_event_file(event_service.export_event(event))
    return Response(
        text,
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}.yaml"'},
    )


# -------------------------------------------------------------------------------------------
# Teams and participants


def _team_choices(event: Event) -> list[SelectChoice]:
    return [SelectChoice("0", _("(no team)"))] + [
        SelectChoice(str(t.id), t.name) for t in event.teams
    ]


def _to_roster(event: Event, team_id: int | None, participant_id: int | None = None) -> Response:
    """Back to the team page, at the page and place of the team (or participant) just saved:
    at 500 teams the list has 25 pages."""
    page = roster.page_of(event, team_id, participant_id)
    return redirect(
        url_for(
            "organize.teams",
            slug=event.slug,
            page=page if page > 1 else None,
            _anchor=(
                f"p-{participant_id}"
                if participant_id is not None
                else f"team-{team_id}"
                if team_id is not None
                else "no-team"
            ),
        )
    )


@bp.route("/e/<slug>/teams", methods=["GET", "POST"])
@access.event_view(ORGANIZER)
def teams(event: Event) -> Page:
    form = TeamForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        if _saved(form, people.create_team, event, name):
            flash(_("Team added."), "success")
            return _to_roster(event, people.one_named(event, Team, name))
    query = request.args.get("q", "")
    try:
        listed = roster.roster(event, query=query, page=page_number())
    except NoSuchPage:
        no_such_page()
    return _form_page(
        "organize/teams.html",
        form,
        event=event,
        roster=listed,
        public_url=current_app.config["PUBLIC_URL"],
        # url_for once, not once per row.
        team_href=url_filler("organize.team_edit", "team_id", slug=event.slug),
        participant_href=url_filler("organize.participant_edit", "pid", slug=event.slug),
        page_href=page_links("organize.teams", slug=event.slug, q=listed.query or None),
    )


@bp.route("/e/<slug>/teams/<int:team_id>", methods=["GET", "POST"])
@access.event_view(ORGANIZER)
def team_edit(event: Event, team_id: int) -> Page:
    team = _owned(Team, event, team_id)
    form = TeamForm(obj=team)
    if form.validate_on_submit() and _saved(
        form, people.rename_team, event, team, form.name.data.strip()
    ):
        flash(_("Saved."), "success")
        return _to_roster(event, team.id)
    return _form_page(
        "organize/team_form.html", form, event=event, team=team, played=people.team_played(team)
    )


@bp.post("/e/<slug>/teams/<int:team_id>/delete")
@access.event_view(ORGANIZER)
def team_delete(event: Event, team_id: int) -> Response:
    return _deleted(event, people.delete_team, _owned(Team, event, team_id), "organize.teams")


def _team_or_none(event: Event, team_id: int) -> Team | None:
    return _owned(Team, event, team_id) if team_id else None


@bp.route("/e/<slug>/participants/new", methods=["GET", "POST"])
@access.event_view(ORGANIZER)
def participant_new(event: Event) -> Page:
    form = ParticipantForm()
    form.team.choices = _team_choices(event)
    if form.validate_on_submit() and _saved(
        form,
        people.create_participant,
        event,
        form.name.data.strip(),
        (form.unit.data or "").strip(),
        _team_or_none(event, form.team.data),
    ):
        flash(_("Participant added."), "success")
        pid = people.one_named(event, Participant, form.name.data)
        return _to_roster(event, form.team.data or None, pid)
    return _form_page("organize/participant_form.html", form, event=event, participant=None)


@bp.route("/e/<slug>/participants/<int:pid>", methods=["GET", "POST"])
@access.event_view(ORGANIZER)
def participant_edit(event: Event, pid: int) -> Page:
    participant = _owned(Participant, event, pid)
    # not obj=: its .team (a Team row) would shadow the team id the select needs
    form = ParticipantForm(
        name=participant.name, unit=participant.unit, team=participant.team_id or 0
    )
    form.team.choices = _team_choices(event)
    if form.validate_on_submit() and _saved(
        form,
        people.update_participant,
        event,
        participant,
        form.name.data.strip(),
        (form.unit.data or "").strip(),
        _team_or_none(event, form.team.data),
    ):
        flash(_("Saved."), "success")
        return _to_roster(event, participant.team_id, participant.id)
    return _form_page("organize/participant_form.html", form, event=event, participant=participant)


@bp.post("/e/<slug>/participants/<int:pid>/delete")
@access.event_view(ORGANIZER)
def participant_delete(event: Event, pid: int) -> Response:
    participant = _owned(Participant, event, pid)
    return _deleted(event, people.delete_participant, participant, "organize.teams")


@bp.post("/e/<slug>/participants/<int:pid>/new-link")
@access.event_view(ORGANIZER)
def participant_new_link(event: Event, pid: int) -> Response:
    participant = _owned(Participant, event, pid)
    if not ActionForm().validate_on_submit():
        abort(400)
    people.new_login_link(event, participant, actor=access.actor())
    db.session.commit()
    flash(
        _(
            "New personal link made: the old link and badge no longer work. "
            "Print the new badge here."
        ),
        "success",
    )
    # Back to the participant, whose page links to the new badge (the next thing to do).
    return redirect(url_for("organize.participant_edit", slug=event.slug, pid=participant.id))


@bp.route("/e/<slug>/participants/import", methods=["GET", "POST"])
@access.event_view(ORGANIZER)
def participants_import(event: Event) -> Page:
    form = ParticipantCsvForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            added = participant_import.import_participants(
                event, form.csv_text(), actor=access.actor()
            )
        except participant_import.CsvRefused as exc:
            db.session.rollback()
            problems = [str(p) for p in exc.problems]
        else:
            db.session.commit()
            flash(_("%(n)d participants added.", n=len(added)), "success")
            return redirect(url_for("organize.teams", slug=event.slug))
    return _form_page("organize/participants_import.html", form, event=event, problems=problems)


# -------------------------------------------------------------------------------------------
# Checkpoints


@bp.get("/e/<slug>/checkpoints")
@access.event_view(JUDGE)
def checkpoints(event: Event) -> str:
    places.preload_checkpoints(event)
    return render_template("organize/checkpoints.html", event=event)


@bp.route("/e/<slug>/checkpoints/new", methods=["GET", "POST"])
@access.event_view(ORGANIZER)
def checkpoint_new(event: Event) -> Page:
    form = CheckpointForm()
    if form.validate_on_submit() and _saved(
        form, places.save_checkpoint, event, None, form.data_for_service()
    ):
        flash(_("Checkpoint added."), "success")
        return redirect(url_for("organize.checkpoints", slug=event.slug))
    return _form_page("organize/checkpoint_form.html", form, event=event, checkpoint=None)


@bp.route("/e/<slug>/checkpoints/<int:cp_id>", methods=["GET", "POST"])
@access.event_view(ORGANIZER)
def checkpoint_edit(event: Event, cp_id: int) -> Page:
    checkpoint = _owned(Checkpoint, event, cp_id)
    form = CheckpointForm(obj=checkpoint)
    if form.validate_on_submit() and _saved(
        form, places.save_checkpoint, event, checkpoint, form.data_for_service()
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("organize.checkpoints", slug=event.slug))
    return _form_page("organize/checkpoint_form.html", form, event=event, checkpoint=checkpoint)


@bp.post("/e/<slug>/checkpoints/<int:cp_id>/delete")
@access.event_view(ORGANIZER)
def checkpoint_delete(event: Event, cp_id: int) -> Response:
    checkpoint = _owned(Checkpoint, event, cp_id)
    return _deleted(event, places.delete_checkpoint, checkpoint, "organize.checkpoints")


# -------------------------------------------------------------------------------------------
# Tasks


def _task_form(event: Event, task: Task | None) -> TaskForm:
    if task is None:
        form = TaskForm(checkpoint=request.args.get("checkpoint", 0, type=int))
    else:
        form = TaskForm(data=TaskForm.data_of(task))
    form.checkpoint.choices = [SelectChoice("0", _("anywhere (no checkpoint)"))] + [
        SelectChoice(str(cp.id), cp.name) for cp in event.checkpoints
    ]
    return form


def _checkpoint_or_none(event: Event, cp_id: int) -> Checkpoint | None:
    return _owned(Checkpoint, event, cp_id) if cp_id else None


@bp.get("/e/<slug>/tasks")
@access.event_view(JUDGE)
def tasks(event: Event) -> str:
    places.preload_checkpoints(event)
    return render_template("organize/tasks.html", event=event)


@bp.route("/e/<slug>/tasks/new", methods=["GET", "POST"])
@access.event_view(ORGANIZER)
def task_new(event: Event) -> Page:
    form = _task_form(event, None)
    if form.validate_on_submit() and _saved(
        form,
        task_service.save_task,
        event,
        None,
        form.data_for_service(_checkpoint_or_none(event, form.checkpoint.data)),
    ):
        flash(_("Task added."), "success")
        return redirect(url_for("organize.tasks", slug=event.slug))
    return _form_page("organize/task_form.html", form, event=event, task=None)


@bp.route("/e/<slug>/tasks/<int:task_id>", methods=["GET", "POST"])
@access.event_view(ORGANIZER)
def task_edit(event: Event, task_id: int) -> Page:
    task = _owned(Task, event, task_id)
    form = _task_form(event, task)
    if form.validate_on_submit() and _saved(
        form,
        task_service.save_task,
        event,
        task,
        form.data_for_service(_checkpoint_or_none(event, form.checkpoint.data)),
    ):
        flash(_("Saved."), "success")
        if task_service.task_played(task):
            flash(_("Attempts already made are not re-scored here: use Corrections."), "info")
        return redirect(url_for("organize.tasks", slug=event.slug))
    return _form_page("organize/task_form.html", form, event=event, task=task)


@bp.post("/e/<slug>/tasks/<int:task_id>/delete")
@access.event_view(ORGANIZER)
def task_delete(event: Event, task_id: int) -> Response:
    return _deleted(event, task_service.delete_task, _owned(Task, event, task_id), "organize.tasks")


@bp.get("/e/<slug>/tasks/<int:task_id>/preview")
@access.event_view(JUDGE)
def task_preview(event: Event, task_id: int) -> str:
    """The task as a participant sees it once started (read-only: nothing can be sent)."""
    task = _owned(Task, event, task_id)
    return render_template(
        "organize/task_preview.html",
        event=event,
        task=task,
        kind_template=kinds.get(task.kind).template,
        max_photos=submissions.MAX_PHOTOS,  # the creative kind's markup shows the limit
    )
