"""The team page's list at any size: the event's teams with their members, then the
participants in no team, cut into pages of about ``PAGE_ROWS`` names and narrowed to what a
search names.

A city-wide race has 500 teams and 5,000 participants: listed whole, with every personal
link, the page was 1.25 MB and took half a second to make. Here the page is cut from the
participants' ids and team ids alone (their names and units too when searching), and only
its own rows are read whole. The search runs in Python, so capitals compare the same way on
SQLite and PostgreSQL (SQLite's ``lower`` knows only ASCII).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from quizengine.extensions import db
from quizengine.models import Event, Participant, Team
from quizengine.services.pages import NoSuchPage

# Names on a page: a few screens on a phone, about 50 kB with the personal links.
PAGE_ROWS = 200


@dataclass(frozen=True)
class Block:
    """One team (``team`` None: the participants in no team) or the part of it on a page."""

    team: Any | None  # a row with id, name, join_code
    members: list[Any]  # rows with id, name, unit, login_token
    size: int  # the team's members the search finds, on all pages
    first: int  # how many of them come on earlier pages (a team cut across pages)


@dataclass(frozen=True)
class Roster:
    blocks: list[Block]
    page: int  # 1-based
    pages: int
    teams: int  # teams shown on all pages (all of them, or the ones the search finds)
    participants: int  # participants shown on all pages
    query: str


def _found(query: str, *texts: str) -> bool:
    return any(query in text.casefold() for text in texts)


Group = tuple[Any | None, list[int]]  # a team row (None: no team) and its members' ids
Part = tuple[Any | None, list[int], int, int]  # a group's ids on one page: team, ids, size, first


def _groups(event: Event, query: str) -> list[Group]:
    """Each team with the ids of the members the search finds, then (team None) the
    participants in no team; a team is kept when the search finds its name or a member."""
    teams = db.session.execute(
        select(Team.id, Team.name, Team.join_code)
        .where(Team.event_id == event.id)
        .order_by(Team.id)
    ).all()
    columns = [Participant.id, Participant.team_id]
    if query:
        columns += [Participant.name, Participant.unit]
    every: dict[int | None, list[int]] = {}
    found: dict[int | None, list[int]] = {}
    for row in db.session.execute(
        select(*columns).where(Participant.event_id == event.id).order_by(Participant.id)
    ):
        every.setdefault(row[1], []).append(row[0])
        if query and _found(query, row[2], row[3]):
            found.setdefault(row[1], []).append(row[0])
    groups: list[Group] = []
    for team in teams:
        if not query or _found(query, team.name):
            groups.append((team, every.get(team.id, [])))
        elif team.id in found:
            groups.append((team, found[team.id]))
    loners = (found if query else every).get(None)
    if loners:
        groups.append((None, loners))
    return groups


def _paged(groups: list[Group]) -> list[list[Part]]:
    """The parts of teams on each page, as (team, ids, size, first): whole teams while they
    fit in ``PAGE_ROWS`` names (a team with no members takes one row), a team longer than a
    page cut into pages of its own."""
    pages: list[list[Part]] = [[]]
    rows = 0
    for team, ids in groups:
        for first in range(0, max(len(ids), 1), PAGE_ROWS):
            part = ids[first : first + PAGE_ROWS]
            need = max(len(part), 1)
            if rows and rows + need > PAGE_ROWS:
                pages.append([])
                rows = 0
            pages[-1].append((team, part, len(ids), first))
            rows += need
    return pages


def roster(event: Event, *, query: str = "", page: int = 1) -> Roster:
    """Page ``page`` of the list; ``NoSuchPage`` past the last (page 1 always exists, empty
    when the search finds no one)."""
    tidy = " ".join(query.split())
    groups = _groups(event, tidy.casefold())
    pages = _paged(groups)
    if not 1 <= page <= len(pages):
        raise NoSuchPage(page)
    parts = pages[page - 1]
    shown = [pid for _team, ids, _size, _first in parts for pid in ids]  # PAGE_ROWS at most
    rows = {
        row.id: row
        for row in db.session.execute(
            select(
                Participant.id, Participant.name, Participant.unit, Participant.login_token
            ).where(Participant.id.in_(shown))
        )
    }
    return Roster(
        blocks=[
            Block(team, [rows[pid] for pid in ids if pid in rows], size, first)
            for team, ids, size, first in parts
        ],
        page=page,
        pages=len(pages),
        teams=sum(1 for team, _ids in groups if team is not None),
        participants=sum(len(ids) for _team, ids in groups),
        query=tidy,
    )


def page_of(event: Event, team_id: int | None, participant_id: int | None = None) -> int:
    """The page of the whole list where team ``team_id`` (None: the participants in no team)
    starts, or where participant ``participant_id`` of it is when given: where an organizer
    returns after editing one. Page 1 when it is gone."""
    for number, parts in enumerate(_paged(_groups(event, "")), start=1):
        for team, ids, _size, _first in parts:
            if (team.id if team is not None else None) != team_id:
                continue
            if participant_id is None or participant_id in ids:
                return number
    return 1
