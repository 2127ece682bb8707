"""Check-ins: decide whether a phone is on site, store every try, and who may see a place's tasks.

Also the shared "is it open now?" rules (event window, checkpoint opening hours) that starting,
answering and submitting obey too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, union

from checkpoints.flags import PastFix, position_flags
from checkpoints.geofence import Fix, Place, Verdict, decide
from checkpoints.timeutil import format_local, local_to_utc, to_local
from quizengine.extensions import db
from quizengine.models import CheckIn, Checkpoint, Event, Mode, Participant, Status

PAST_FIXES = 20  # how many earlier positions feed the faked-position flags


class Refused(Exception):
    """An action the rules do not allow now; ``message`` is for the participant, ``status`` the
    HTTP code the page gets (400 bad input, 403 not allowed, 404 unknown, 409 conflict)."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class CheckInResult:
    checkin: CheckIn
    accepted: bool
    verdict: str
    message: str
    distance_m: float
    direction: str  # compass point N NE E ... towards the checkpoint


def _when(event: Event, moment: datetime, now: datetime) -> str:
    """A moment in the event's zone: "07:00 WIB", with the date when it is not today."""
    same_day = to_local(moment, event.timezone).date() == to_local(now, event.timezone).date()
    return format_local(moment, event.timezone, "%H:%M" if same_day else "%d.%m. %H:%M")


def window_problem(event: Event, now: datetime) -> str | None:
    """Why nothing can be done in this event now, or None while it is open."""
    if event.status == Status.CLOSED or now >= event.ends_at:
        return _("The event is over (it ended at %(when)s).", when=_when(event, event.ends_at, now))
    if event.status != Status.LIVE:
        return _("The event has not been opened yet.")
    if now < event.starts_at:
        return _("The event starts at %(when)s.", when=_when(event, event.starts_at, now))
    return None


def hours_problem(checkpoint: Checkpoint, now: datetime) -> str | None:
    """Why this checkpoint is closed now (opening hours, event's local time), or None.

    Hours may wrap past midnight (opens 20:00, closes 02:00: open when the local time is at or
    after 20:00 or before 02:00). Equal opening and closing times mean always open."""
    event = checkpoint.event
    opens, closes = checkpoint.opens, checkpoint.closes
    if (opens is None and closes is None) or opens == closes:
        return None
    local = to_local(now, event.timezone)
    clock = local.time()
    day = local.replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)

    def today(at: time) -> datetime:
        return local_to_utc(day + timedelta(hours=at.hour, minutes=at.minute), event.timezone)

    if opens is not None and closes is not None and closes < opens:  # wraps past midnight
        if clock >= opens or clock < closes:
            return None
        if today(opens) >= event.ends_at:  # it will not open again before the event ends
            return _("This checkpoint closed at %(when)s.", when=_when(event, today(closes), now))
        return _("This checkpoint opens at %(when)s.", when=_when(event, today(opens), now))
    if opens is not None and clock < opens:
        return _("This checkpoint opens at %(when)s.", when=_when(event, today(opens), now))
    if closes is not None and clock >= closes:
        return _(
            "This checkpoint closed at %(when)s for today.", when=_when(event, today(closes), now)
        )
    return None


def open_problem(event: Event, checkpoint: Checkpoint | None, now: datetime) -> str | None:
    """The event window first, then the checkpoint's hours (None for location-free tasks)."""
    return window_problem(event, now) or (
        hours_problem(checkpoint, now) if checkpoint is not None else None
    )


def compass_name(point: str) -> str:
    names = {
        "N": _("north"),
        "NE": _("north-east"),
        "E": _("east"),
        "SE": _("south-east"),
        "S": _("south"),
        "SW": _("south-west"),
        "W": _("west"),
        "NW": _("north-west"),
    }
    return names.get(point, point)


def format_distance(metres: float) -> str:
    return f"{metres:.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km"


@cache
def _previous_fixes_statement() -> Any:
    return (
        select(CheckIn.lat, CheckIn.lon, CheckIn.created_at, Checkpoint.name)
        .join(Checkpoint, Checkpoint.id == CheckIn.checkpoint_id)
        .where(
            CheckIn.participant_id == bindparam("participant_id"),
            CheckIn.lat.is_not(None),
            CheckIn.lon.is_not(None),
        )
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
        .limit(PAST_FIXES)
    )


def _previous_fixes(participant: Participant) -> list[PastFix]:
    rows = db.session.execute(_previous_fixes_statement(), {"participant_id": participant.id}).all()
    return [PastFix(lat, lon, at, name) for lat, lon, at, name in rows]


def _message(
    verdict: Verdict, checkpoint: Checkpoint, distance: float, accuracy: float, direction: str
) -> str:
    if verdict == Verdict.ON_SITE:
        return _("You are at %(name)s. Its tasks are open.", name=checkpoint.name)
    if verdict == Verdict.INACCURATE:
        return _(
            "Your GPS is ±%(accuracy)s: step outside, wait a moment, try again.",
            accuracy=format_distance(accuracy),
        )
    return _(
        "You are %(distance)s away (%(direction)s). Walk closer and try again.",
        distance=format_distance(distance),
        direction=compass_name(direction),
    )


def check_in(
    participant: Participant, checkpoint: Checkpoint, fix: Fix, *, now: datetime
) -> CheckInResult:
    """Decide a check-in and store it (every try, with distance, verdict and flags).

    Raises Refused (nothing stored) for a checkpoint of another event or outside the event
    window / the checkpoint's opening hours; GeoError for a fix that is no position."""
    event = participant.event
    if checkpoint.event_id != event.id:
        raise Refused(_("Unknown checkpoint."), 404)
    problem = open_problem(event, checkpoint, now)
    if problem:
        raise Refused(problem)
    place = Place(checkpoint.lat, checkpoint.lon, checkpoint.effective_radius_m)
    decision = decide(fix, place, event.accuracy_cap_m)
    flags = position_flags(
        fix, now, place, _previous_fixes(participant), max_speed_kmh=event.max_speed_kmh
    )
    accepted = decision.verdict == Verdict.ON_SITE
    checkin = CheckIn(
        event_id=event.id,
        checkpoint_id=checkpoint.id,
        participant_id=participant.id,
        team_id=participant.team_id,
        created_at=now,
        lat=fix.lat,
        lon=fix.lon,
        accuracy_m=fix.accuracy_m,
        fix_at=fix.taken_at,
        distance_m=decision.distance_m,
        verdict=decision.verdict.value,
        accepted=accepted,
        flags=[{"code": f.code, "detail": f.detail} for f in flags],
    )
    db.session.add(checkin)
    db.session.flush()
    message = _message(
        decision.verdict, checkpoint, decision.distance_m, fix.accuracy_m, decision.compass
    )
    return CheckInResult(
        checkin, accepted, decision.verdict.value, message, decision.distance_m, decision.compass
    )


def team_mode(participant: Participant) -> bool:
    """Do teammates' check-ins unlock for this participant (``unlocked_at``'s ``team``)?"""
    return participant.event.mode == Mode.TEAM and participant.team_id is not None


def who(participant: Participant) -> dict[str, Any]:
    """The bound parameters of the statements below (and ``unlocked_at``) for a participant."""
    if team_mode(participant):
        return {"participant_id": participant.id, "team_id": participant.team_id}
    return {"participant_id": participant.id}


def _unlocking_checkins(team: bool, *where: Any) -> Any:
    """Accepted check-ins that unlock tasks for this participant (bound parameter
    ``participant_id``): their own and, with ``team`` (team mode), any member's or a manual
    check-in of the team (``team_id``). A UNION of two lookups, each on its own index
    (participant, team), so neither scans the event's check-ins whatever the database's planner
    statistics say."""
    own = select(CheckIn.checkpoint_id).where(
        CheckIn.participant_id == bindparam("participant_id"), CheckIn.accepted.is_(True), *where
    )
    if team:
        mates = select(CheckIn.checkpoint_id).where(
            CheckIn.team_id == bindparam("team_id"), CheckIn.accepted.is_(True), *where
        )
        return union(own, mates)
    return own


def unlocked_at(team: bool, checkpoint_id: Any) -> Any:
    """``has_access`` as an EXISTS for another statement: is the checkpoint ``checkpoint_id``
    (a column of that statement) unlocked for the participant of ``who``'s parameters?"""
    return _unlocking_checkins(team, CheckIn.checkpoint_id == checkpoint_id).exists()


# The statements are built once per process (per mode), with bound parameters: building one
# costs about as much as running it.


@cache
def _access_statement(team: bool) -> Any:
    return _unlocking_checkins(team, CheckIn.checkpoint_id == bindparam("checkpoint_id")).limit(1)


@cache
def _checkpoint_with_access_statement(team: bool) -> Any:
    return select(Checkpoint, unlocked_at(team, Checkpoint.id)).where(
        Checkpoint.code == bindparam("code")
    )


@cache
def _visited_statement(team: bool) -> Any:
    return (
        select(Checkpoint.id, Checkpoint.code, Checkpoint.name)
        .where(
            Checkpoint.event_id == bindparam("event_id"),
            Checkpoint.id.in_(_unlocking_checkins(team)),
        )
        .order_by(Checkpoint.position, Checkpoint.id)
    )


def has_access(participant: Participant, checkpoint: Checkpoint) -> bool:
    """An accepted check-in at ``checkpoint`` by this participant or, in team mode, by any
    member of the team or an organizer's manual check-in of the team."""
    found = db.session.execute(
        _access_statement(team_mode(participant)),
        {**who(participant), "checkpoint_id": checkpoint.id},
    ).first()
    return found is not None


def checkpoint_with_access(code: str, participant: Participant) -> tuple[Checkpoint, bool] | None:
    """The checkpoint of this public code (of any event: the caller checks) and whether its
    tasks are open to the participant (``has_access``), read in one statement."""
    row = db.session.execute(
        _checkpoint_with_access_statement(team_mode(participant)),
        {**who(participant), "code": code},
    ).first()
    return None if row is None else (row[0], bool(row[1]))


@dataclass(frozen=True)
class Visited:
    id: int
    code: str
    name: str


def visited_checkpoints(participant: Participant) -> list[Visited]:
    """The checkpoints whose tasks this participant (or team) has unlocked, in the event's
    order: one statement."""
    rows = db.session.execute(
        _visited_statement(team_mode(participant)),
        {**who(participant), "event_id": participant.event_id},
    )
    return [Visited(*row) for row in rows]
