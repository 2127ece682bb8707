"""Events as code: create an event from an event file (EventSpec) and export it back."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from checkpoints.codes import new_join_code, new_public_code, new_secret, slugify
from checkpoints.eventfile import (
    CheckpointSpec,
    EventFileError,
    EventSpec,
    ParticipantSpec,
    Problem,
    TaskSpec,
    TeamSpec,
)
from checkpoints.timeutil import local_to_utc, to_local
from quizengine.extensions import db
from quizengine.models import Checkpoint, Event, Participant, Task, Team
from quizengine.services import audit, people, places
from quizengine.services.authoring import first_free


def unique_slug(wanted: str) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``... whichever no event uses yet."""
    taken = set(db.session.scalars(select(Event.slug).where(Event.slug.like(f"{wanted}%"))))
    return first_free(wanted, taken)


def _fresh_codes(
    count: int, taken: set[str], make: Callable[[], str] = new_public_code
) -> list[str]:
    codes: list[str] = []
    while len(codes) < count:
        code = make()
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def _task(spec: TaskSpec, position: int) -> Task:
    return Task(
        kind=spec.kind,
        title=spec.title,
        prompt=spec.prompt,
        choices=list(spec.choices) if spec.choices is not None else None,
        answer=spec.answer,
        rubric=spec.rubric,
        submit=spec.submit,
        time_limit_s=spec.time_limit_s,
        points=spec.points,
        position=position,
    )


def import_event(spec: EventSpec, *, actor: str = "cli") -> Event:
    """Add the event described by ``spec`` to the session (the caller commits).

    Conflicts with the database (a slug or a checkpoint code already used by another event)
    raise EventFileError naming the field, before anything is added.
    """
    problems: list[Problem] = []
    if spec.slug:
        if db.session.scalar(select(Event.id).where(Event.slug == spec.slug)):
            problems.append(
                Problem(None, "slug", _("an event with slug '%(slug)s' exists", slug=spec.slug))
            )
        slug = spec.slug
    else:
        slug = unique_slug(slugify(spec.title))
    wanted_codes = [cp.code for cp in spec.checkpoints if cp.code]
    if wanted_codes:
        used = db.session.scalars(select(Checkpoint.code).where(Checkpoint.code.in_(wanted_codes)))
        for code in used:
            problems.append(
                Problem(
                    None,
                    "checkpoints.code",
                    _("checkpoint code '%(code)s' is used by another event", code=code),
                )
            )
    if problems:
        raise EventFileError(problems)

    event = Event(
        slug=slug,
        title=spec.title,
        timezone=spec.timezone,
        starts_at=local_to_utc(spec.starts, spec.timezone),
        ends_at=local_to_utc(spec.ends, spec.timezone),
        language=spec.language,
        mode=spec.mode,
        radius_m=spec.radius_m,
        speed_weight=spec.speed_weight,
        accuracy_cap_m=spec.accuracy_cap_m,
        max_speed_kmh=spec.max_speed_kmh,
        freeze_at=local_to_utc(spec.freeze, spec.timezone) if spec.freeze else None,
        team_code_login=spec.team_code_login,
        blind_judging=spec.blind_judging,
        review_policy=spec.review_policy,
    )
    join_taken = {t.code for t in spec.teams if t.code}
    join_codes = iter(_fresh_codes(len(spec.teams), join_taken, new_join_code))
    for team_spec in spec.teams:
        team = Team(name=team_spec.name, join_code=team_spec.code or next(join_codes))
        event.teams.append(team)
        for p in team_spec.participants:
            event.participants.append(
                Participant(name=p.name, unit=p.unit, team=team, login_token=new_secret())
            )
    code_taken = set(db.session.scalars(select(Checkpoint.code)).all()) | set(wanted_codes)
    new_codes = iter(_fresh_codes(len(spec.checkpoints), code_taken))
    position = 0
    for i, cp in enumerate(spec.checkpoints):
        checkpoint = Checkpoint(
            key=cp.key,
            code=cp.code or next(new_codes),
            name=cp.name,
            instructions=cp.instructions,
            lat=cp.lat,
            lon=cp.lon,
            radius_m=cp.radius_m,
            opens=cp.opens,
            closes=cp.closes,
            position=i,
        )
        event.checkpoints.append(checkpoint)
        for task_spec in cp.tasks:
            task = _task(task_spec, position)
            position += 1
            checkpoint.tasks.append(task)
            event.tasks.append(task)
    for task_spec in spec.tasks:
        event.tasks.append(_task(task_spec, position))
        position += 1
    db.session.add(event)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="event.import",
        target=f"event:{event.id}",
        after={"slug": event.slug, "teams": len(spec.teams), "checkpoints": len(spec.checkpoints)},
    )
    return event


def _task_spec(task: Task) -> TaskSpec:
    return TaskSpec(
        type="creative" if task.kind == "creative" else "question",
        kind=task.kind,
        prompt=task.prompt,
        points=task.points,
        time_limit_s=task.time_limit_s,
        choices=list(task.choices) if task.choices is not None else None,
        answer=task.answer,
        rubric=task.rubric,
        submit=task.submit,
        title=task.title,
    )


def _naive_local(event: Event, value: object) -> object:
    return to_local(value, event.timezone).replace(tzinfo=None)  # type: ignore[arg-type]


def export_event(event: Event) -> EventSpec:
    """The event file for ``event``: importing it gives an equal event (codes included)."""
    people.preload_teams(event)  # in a few queries, not one per team and per checkpoint
    places.preload_checkpoints(event)
    teams: list[TeamSpec] = []
    for team in event.teams:
        teams.append(
            TeamSpec(
                name=team.name,
                code=team.join_code,
                participants=[ParticipantSpec(name=p.name, unit=p.unit) for p in team.members],
            )
        )
    checkpoints: list[CheckpointSpec] = []
    for cp in event.checkpoints:
        checkpoints.append(
            CheckpointSpec(
                key=cp.key,
                name=cp.name,
                lat=cp.lat,
                lon=cp.lon,
                radius_m=cp.radius_m,
                instructions=cp.instructions,
                code=cp.code,
                opens=cp.opens,
                closes=cp.closes,
                tasks=[_task_spec(t) for t in cp.tasks],
            )
        )
    return EventSpec(
        title=event.title,
        timezone=event.timezone,
        starts=_naive_local(event, event.starts_at),  # type: ignore[arg-type]
        ends=_naive_local(event, event.ends_at),  # type: ignore[arg-type]
        language=event.language,
        mode=event.mode,
        radius_m=event.radius_m,
        speed_weight=event.speed_weight,
        accuracy_cap_m=event.accuracy_cap_m,
        max_speed_kmh=event.max_speed_kmh,
        freeze=_naive_local(event, event.freeze_at) if event.freeze_at else None,  # type: ignore[arg-type]
        slug=event.slug,
        team_code_login=event.team_code_login,
        blind_judging=event.blind_judging,
        review_policy=event.review_policy,
        teams=teams,
        checkpoints=checkpoints,
        tasks=[_task_spec(t) for t in event.tasks if t.checkpoint_id is None],
    )


class Sizes(NamedTuple):
    teams: int
    participants: int
    checkpoints: int
    tasks: int


def sizes(event: Event) -> Sizes:
    """How many teams, participants, checkpoints and tasks the event has, in one statement.
    (The overview and the print page took ``len()`` of each relationship, which loaded the
    event's 5,000 participants to count them: 0.13 s a page.)"""
    counts = [
        select(func.count(model.id)).where(model.event_id == event.id).scalar_subquery()
        for model in (Team, Participant, Checkpoint, Task)
    ]
    return Sizes(*db.session.execute(select(*counts)).one())


def event_by_slug(slug: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.slug == slug))


def login_url(public_url: str, participant: Participant) -> str:
    return f"{public_url}/in/{participant.login_token}"


def checkpoint_url(public_url: str, checkpoint: Checkpoint) -> str:
    return f"{public_url}/c/{checkpoint.code}"


def roster(
    event: Event, *, team_id: int | None = None, participant_id: int | None = None
) -> Iterable[Participant]:
    """The event's participants with their teams (one statement: the badges read each one's
    team, one query per team before), by team name, then name; only one team's or one
    participant's when ``team_id`` or ``participant_id`` is given."""
    query = (
        select(Participant)
        .where(Participant.event_id == event.id)
        .options(joinedload(Participant.team))
        .order_by(Participant.id)
    )
    if team_id is not None:
        query = query.where(Participant.team_id == team_id)
    if participant_id is not None:
        query = query.where(Participant.id == participant_id)
    everyone = db.session.scalars(query)
    return sorted(everyone, key=lambda p: ((p.team.name if p.team else ""), p.name.casefold()))
