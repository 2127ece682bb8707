"""Authoring teams and participants: add, rename, move, delete (refused once they played) and
new personal log-in links; every change audited."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from checkpoints.codes import new_join_code, new_secret
from quizengine.extensions import db
from quizengine.models import (
    Adjustment,
    Attempt,
    CheckIn,
    Event,
    Mode,
    Participant,
    Submission,
    Team,
)
from quizengine.services import audit
from quizengine.services.authoring import AuthoringError, InUse, any_row


def _team_state(team: Team) -> dict[str, Any]:
    return {"name": team.name, "join_code": team.join_code}


def _check_team_name(event: Event, name: str, team_id: int | None = None) -> None:
    clash = db.session.scalar(
        select(Team.id).where(Team.event_id == event.id, Team.name == name, Team.id != team_id)
    )
    if clash is not None:
        raise AuthoringError("name", _("there is already a team called '%(name)s'", name=name))


def create_team(event: Event, name: str, *, actor: str) -> Team:
    _check_team_name(event, name)
    team = Team(event_id=event.id, name=name, join_code=new_join_code())
    db.session.add(team)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="team.create",
        target=f"team:{team.id}",
        after=_team_state(team),
    )
    return team


def rename_team(event: Event, team: Team, name: str, *, actor: str) -> None:
    _check_team_name(event, name, team.id)
    before = _team_state(team)
    team.name = name
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="team.update",
        target=f"team:{team.id}",
        before=before,
        after=_team_state(team),
    )


def team_played(team: Team) -> bool:
    """Has the team or one of its members checked in, answered or had points adjusted?"""
    member_ids = select(Participant.id).where(Participant.team_id == team.id)
    return any_row(
        Attempt.team_id == team.id,
        CheckIn.team_id == team.id,
        Adjustment.team_id == team.id,
        Attempt.participant_id.in_(member_ids),
        CheckIn.participant_id.in_(member_ids),
        Adjustment.participant_id.in_(member_ids),
    )


def delete_team(event: Event, team: Team, *, actor: str) -> None:
    """Delete a team and its members, unless the team already played."""
    if team_played(team):
        raise InUse(
            _(
                "team '%(name)s' has check-ins, answers or point adjustments: deleting it would "
                "erase play data. Rename it instead, or correct points with an adjustment.",
                name=team.name,
            )
        )
    before = {**_team_state(team), "members": [p.name for p in team.members]}
    for member in list(team.members):
        db.session.delete(member)
    db.session.delete(team)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="team.delete",
        target=f"team:{team.id}",
        before=before,
    )


def _participant_state(p: Participant) -> dict[str, Any]:
    return {"name": p.name, "unit": p.unit, "team": p.team.name if p.team else None}


def _check_participant(event: Event, name: str, team: Team | None, pid: int | None) -> None:
    clash = db.session.scalar(
        select(Participant.id).where(
            Participant.event_id == event.id, Participant.name == name, Participant.id != pid
        )
    )
    if clash is not None:
        raise AuthoringError(
            "name", _("there is already a participant called '%(name)s'", name=name)
        )
    if team is None and event.mode == Mode.TEAM:
        raise AuthoringError("team", _("in a team event every participant needs a team"))
    if team is not None and team.event_id != event.id:
        raise AuthoringError("team", _("that team belongs to another event"))


def create_participant(
    event: Event, name: str, unit: str, team: Team | None, *, actor: str
) -> Participant:
    _check_participant(event, name, team, None)
    p = Participant(event_id=event.id, name=name, unit=unit, team=team, login_token=new_secret())
    db.session.add(p)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="participant.create",
        target=f"participant:{p.id}",
        after=_participant_state(p),
    )
    return p


def update_participant(
    event: Event, p: Participant, name: str, unit: str, team: Team | None, *, actor: str
) -> None:
    _check_participant(event, name, team, p.id)
    if team is not p.team and participant_played(p) and event.mode == Mode.TEAM:
        raise AuthoringError("team", _("this participant already played for their team"))
    before = _participant_state(p)
    p.name, p.unit, p.team = name, unit, team
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="participant.update",
        target=f"participant:{p.id}",
        before=before,
        after=_participant_state(p),
    )


def participant_played(p: Participant) -> bool:
    """Has the participant checked in, started or answered a task (a teammate's too), sent
    something or had points adjusted?"""
    return any_row(
        Attempt.participant_id == p.id,
        Attempt.answered_by_id == p.id,  # deleting them would credit the answer to the starter
        CheckIn.participant_id == p.id,
        Submission.participant_id == p.id,
        Adjustment.participant_id == p.id,
    )


def delete_participant(event: Event, p: Participant, *, actor: str) -> None:
    if participant_played(p):
        raise InUse(
            _(
                "'%(name)s' has check-ins, answers or point adjustments: deleting them would "
                "erase play data.",
                name=p.name,
            )
        )
    before = _participant_state(p)
    db.session.delete(p)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="participant.delete",
        target=f"participant:{p.id}",
        before=before,
    )


def new_login_link(event: Event, p: Participant, *, actor: str) -> None:
    """A fresh login token: the old personal link and badge stop working."""
    p.login_token = new_secret()
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="participant.new_link",
        target=f"participant:{p.id}",
        reason="old link or badge lost",
    )


def preload_teams(event: Event) -> None:
    """Load the event's teams and their members onto ``event`` in two queries, for the pages
    that list them all. Loaded through the event, so they stay in the session as long as it
    does: loaded on their own and dropped, they left the session's identity map at once, and
    the team page loaded each team's members again, 500 queries for a city-wide race."""
    db.session.scalars(
        select(Event)
        .where(Event.id == event.id)
        .options(selectinload(Event.teams).selectinload(Team.members))
    ).all()


def _loose(name: str) -> str:
    return " ".join(name.split()).casefold()


class UnknownName(LookupError):
    """A name that stands for no team or participant of the event, or for several; the
    message says which, in the request's language."""


def one_named(event: Event, model: type[Team] | type[Participant], text: str) -> int:
    """The id of the event's team (or participant) that ``text`` names, as an organizer types
    a name: the one whose name is ``text`` (names are unique in an event), else the only one
    whose name equals it apart from capitals and spaces. ``UnknownName`` when none or several
    do (the corrections page's name boxes, ``flask event badges --team``)."""
    name = text.strip()
    exact = db.session.scalar(
        select(model.id).where(model.event_id == event.id, model.name == name)
    )
    if exact is not None:
        return exact
    wanted = _loose(text)
    rows = db.session.execute(select(model.id, model.name).where(model.event_id == event.id))
    found = [ident for ident, other in rows if _loose(other) == wanted]
    if len(found) == 1:
        return found[0]
    team = model is Team
    if not found:
        raise UnknownName(
            _("No team of this event is called “%(name)s”.", name=name)
            if team
            else _("No participant of this event is called “%(name)s”.", name=name)
        )
    raise UnknownName(
        _(
            "%(count)d teams are called “%(name)s” apart from capitals: write it exactly.",
            count=len(found),
            name=name,
        )
        if team
        else _(
            "%(count)d participants are called “%(name)s” apart from capitals: write it exactly.",
            count=len(found),
            name=name,
        )
    )


def name_lists(event: Event) -> tuple[list[str], list[tuple[str, str | None]]]:
    """The names of the event's teams, and of its participants each with their team's name
    (None: no team), both in alphabetical order: the corrections page offers them as its
    name boxes' suggestions. Two columns read, no objects."""
    teams = [name for _id, name in team_choices(event)]
    people = db.session.execute(
        select(Participant.name, Team.name)
        .outerjoin(Team, Participant.team_id == Team.id)
        .where(Participant.event_id == event.id)
        .order_by(Participant.name)
    )
    return teams, [(name, team) for name, team in people]


def team_choices(event: Event) -> list[tuple[int, str]]:
    """The event's teams as (id, name), by name: the print page's choice of one team's
    badges."""
    query = select(Team.id, Team.name).where(Team.event_id == event.id).order_by(Team.name)
    return [(team_id, name) for team_id, name in db.session.execute(query)]
