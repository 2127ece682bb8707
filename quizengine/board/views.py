"""Leaderboard views: the board (teams and individuals), the projector page and its JSON.

Who sees what: organizers with a role in the event see the live board; participants of the
event, and the projector (whoever opens it), see the frozen board once ``event.freeze_at`` has
passed. Anyone else gets 404, as if the event did not exist.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from checkpoints.timeutil import format_local, utc_now
from quizengine.auth import current_participant
from quizengine.extensions import db
from quizengine.models import Event, EventRole, Task
from quizengine.services.leaderboard import (
    Standing,
    board_until,
    memo,
    participant_standings,
    team_standings,
)
from quizengine.services.newest import Tagged

bp = Blueprint("board", __name__, url_prefix="/board")


def _event_for_viewer(slug: str) -> tuple[Event, bool]:
    """The event and whether the viewer is one of its organizers; 404 for outsiders."""
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    if current_user.is_authenticated:
        role = db.session.scalar(
            select(EventRole.role).where(
                EventRole.event_id == event.id, EventRole.organizer_id == current_user.id
            )
        )
        if role is not None:
            return event, True
    participant = current_participant()
    if participant is not None and participant.event_id == event.id:
        return event, False
    abort(404)


def _tasks_total(event: Event) -> int:
    return db.session.scalar(select(func.count(Task.id)).where(Task.event_id == event.id)) or 0


def _board(event: Event, live: bool) -> dict[str, Any]:
    now = utc_now()
    until = board_until(event, now, live)
    teams = team_standings(event, until) if event.mode == "team" else []
    people = participant_standings(event, until)
    return {
        "event": event,
        "teams": teams,
        "people": people,
        "tasks_total": _tasks_total(event),
        "frozen": until is not None,
        "frozen_at": format_local(until, event.timezone) if until else None,
        "freeze_pending": (
            format_local(event.freeze_at, event.timezone)
            if event.freeze_at is not None and until is None and now < event.freeze_at
            else None
        ),
        "updated": format_local(now, event.timezone, "%H:%M:%S"),
    }


@lru_cache(maxsize=32768)
def _json_text(text: str) -> str:
    """A name as a JSON string, encoded as Flask's provider does (ASCII only), once per
    process: a body lists 5,000 names, and a new version re-encodes only the new ones."""
    return json.dumps(text)


def _standings_json(standings: Sequence[Standing]) -> str:
    """A ranked list as a JSON array of objects (rank, name, team, points, tasks done), keys
    sorted as Flask's provider sorts them. Written row by row with the names encoded once: a
    dict per row through the encoder took 6.7 ms for 5,000 participants, this takes about 2."""
    rows = [
        f'{{"name": {_json_text(s.name)}, "points": {s.points:d}, "rank": {s.rank:d}, '
        f'"tasks_done": {s.tasks_done:d}, "team": {_json_text(s.team_name)}}}'
        for s in standings
    ]
    return "[" + ", ".join(rows) + "]"


# Rows of each list a board page shows: at the finale every phone opens the board, and a
# city race's 500 team and 5,000 individual rows are of no use on one (535 kB of HTML and
# 26-29 ms of server time with the standings cached; 12 kB and 3 ms shown so, measured with
# the benchmark's event). The viewer's own row is added below the top; ``?all=1`` shows all.
SHOWN = 50


class Shown(NamedTuple):
    """What a board page shows of a ranked list: the top rows, the viewer's row when it is
    not among them, and how many rows the list has."""

    rows: Sequence[Standing]
    mine: Standing | None
    total: int


def _shown(standings: Sequence[Standing], mine: int | None, everything: bool) -> Shown:
    """The top ``SHOWN`` rows of ``standings`` and the row of id ``mine`` below them, or
    every row when ``everything``."""
    if everything:
        return Shown(standings, None, len(standings))
    below = next((s for s in standings[SHOWN:] if s.id == mine), None) if mine is not None else None
    return Shown(standings[:SHOWN], below, len(standings))


@bp.get("/<slug>/")
def board(slug: str) -> str:
    event, organizer = _event_for_viewer(slug)
    live = organizer and request.args.get("view") != "public"
    me = current_participant()
    if me is not None and me.event_id != event.id:
        me = None
    everything = request.args.get("all") == "1"
    data = _board(event, live)
    my_team = me.team_id if me is not None else None
    return render_template(
        "board/board.html",
        organizer=organizer,
        live=live,
        me=me,
        shown_teams=_shown(data["teams"], my_team, everything),
        shown_people=_shown(data["people"], me.id if me is not None else None, everything),
        all_url=url_for("board.board", slug=slug, view=request.args.get("view"), all=1),
        **data,
    )


@bp.get("/<slug>/projector")
def projector(slug: str) -> str:
    """The big screen: the top ``SHOWN`` rows of the public board (about a dozen fit on a
    projector; a city race's 5,000 rows were drawn below the screen's edge on every poll),
    polled with ``?top=``."""
    event, _ = _event_for_viewer(slug)
    data = _board(event, live=False)
    return render_template(
        "board/projector.html",
        **data,
        rows=(data["teams"] or data["people"])[:SHOWN],
        poll_url=url_for("board.standings_json", slug=event.slug, top=SHOWN),
    )


@bp.get("/<slug>/standings.json")
def standings_json(slug: str) -> Response:
    """The board as JSON for the projector's polling: always the public (frozen) view; only
    the top ``?top=N`` rows of each list when given.

    Every projector polls it every few seconds, so the ranked lists' JSON is built once per
    score version (``leaderboard.memo``); only the few fields of the moment are added. The
    lists come with a tag; a poll naming it (``?tag=``) gets ``"unchanged": true`` instead
    of them while they are the same (an individual race's are 458 kB)."""
    event, _ = _event_for_viewer(slug)
    top = _top(request.args.get("top"))
    now = utc_now()
    until = board_until(event, now, live=False)
    body = memo(
        event,
        until,
        f"standings.json top {top}",
        lambda: Tagged.of(_standings_body(event, until, top)),
    )
    head = current_app.json.dumps(
        {
            "title": event.title,
            "frozen": until is not None,
            "frozen_at": format_local(until, event.timezone) if until else None,
            "updated": format_local(now, event.timezone, "%H:%M:%S"),
            "tag": body.tag,
        }
    )
    rest = '"unchanged": true}' if request.args.get("tag") == body.tag else body.text[1:]
    return current_app.response_class(head[:-1] + ", " + rest, mimetype=current_app.json.mimetype)


def _top(raw: str | None) -> int | None:
    """``?top=``: a whole number of rows from 1 (None: every row)."""
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        abort(400, description=gettext("top must be a whole number of rows from 1 to 100000"))
    return int(raw)


def _standings_body(event: Event, until: datetime | None, top: int | None) -> str:
    """The ranked part of standings.json, as a JSON object: what the projector shows, the
    teams of a team event or the participants of an individual one (a team race's 5,000
    individual rows would cost every poll ranking and a few hundred kB for nothing), the
    first ``top`` of them when given."""
    team_mode = event.mode == "team"
    teams = team_standings(event, until)[:top] if team_mode else []
    people = [] if team_mode else participant_standings(event, until)[:top]
    return (
        f'{{"people": {_standings_json(people)}, "tasks_total": {_tasks_total(event):d}, '
        f'"teams": {_standings_json(teams)}}}'
    )
