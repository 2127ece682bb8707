"""Adding many participants at once from a CSV list (name,team,unit): refused whole, with every
bad line named, unless every line is good; missing teams are created."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from checkpoints.codes import new_secret
from quizengine.extensions import db
from quizengine.models import Event, Mode, Participant, Team
from quizengine.services import audit
from quizengine.services.people import create_team

CSV_HEADER = ("name", "team", "unit")
MAX_CSV_ROWS = 10_000


@dataclass(frozen=True)
class CsvProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)d: %(message)s", line=self.line, message=self.message)


class CsvRefused(ValueError):
    """A participant list refused whole; ``problems`` names every bad line."""

    def __init__(self, problems: list[CsvProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, [cell.strip() for cell in row]))
    except csv.Error as exc:
        raise CsvRefused(
            [CsvProblem(reader.line_num, _("not valid CSV: %(error)s", error=exc))]
        ) from None
    return rows


def import_participants(event: Event, text: str, *, actor: str) -> list[Participant]:
    """Add the participants of a CSV with the header ``name,team,unit`` (team and unit may be
    empty where allowed); missing teams are created. Every bad line is named; nothing is
    added unless every line is good."""
    rows = _csv_rows(text)
    if not rows:
        raise CsvRefused(
            [CsvProblem(1, _("the list is empty: the first line must be name,team,unit"))]
        )
    line, header = rows[0]
    header = [h.lower() for h in header]
    if (
        "name" not in header
        or any(h not in CSV_HEADER for h in header)
        or len(set(header)) < len(header)
    ):
        raise CsvRefused(
            [
                CsvProblem(
                    line,
                    _(
                        "the first line must be the header name,team,unit (got %(header)s)",
                        header=",".join(header),
                    ),
                )
            ]
        )
    if len(rows) - 1 > MAX_CSV_ROWS:
        raise CsvRefused(
            [CsvProblem(line, _("at most %(n)d participants at once", n=MAX_CSV_ROWS))]
        )
    existing = set(
        db.session.scalars(select(Participant.name).where(Participant.event_id == event.id))
    )
    teams = {t.name: t for t in db.session.scalars(select(Team).where(Team.event_id == event.id))}
    problems: list[CsvProblem] = []
    seen: dict[str, int] = {}
    good: list[tuple[str, str, str]] = []
    for line, cells in rows[1:]:
        if len(cells) != len(header):
            problems.append(
                CsvProblem(
                    line,
                    _(
                        "expected %(expected)d values, found %(found)d",
                        expected=len(header),
                        found=len(cells),
                    ),
                )
            )
            continue
        values = dict(zip(header, cells, strict=True))
        name, team, unit = values.get("name", ""), values.get("team", ""), values.get("unit", "")
        if not name:
            problems.append(CsvProblem(line, _("the name is empty")))
        elif len(name) > 200:
            problems.append(CsvProblem(line, _("the name is longer than 200 characters")))
        elif name in existing:
            problems.append(
                CsvProblem(line, _("'%(name)s' is already a participant of this event", name=name))
            )
        elif name in seen:
            problems.append(
                CsvProblem(
                    line, _("'%(name)s' is already on line %(line)d", name=name, line=seen[name])
                )
            )
        else:
            seen[name] = line
        if not team and event.mode == Mode.TEAM:
            problems.append(CsvProblem(line, _("the team is empty (a team event needs one)")))
        if len(team) > 200 or len(unit) > 200:
            problems.append(CsvProblem(line, _("team and unit must be at most 200 characters")))
        good.append((name, team, unit))
    if problems:
        raise CsvRefused(problems)
    added: list[Participant] = []
    for name, team_name, unit in good:
        team = teams.get(team_name) if team_name else None
        if team_name and team is None:
            team = teams[team_name] = create_team(event, team_name, actor=actor)
        p = Participant(
            event_id=event.id, name=name, unit=unit, team=team, login_token=new_secret()
        )
        db.session.add(p)
        added.append(p)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="participant.import",
        target=f"event:{event.id}",
        after={"added": [p.name for p in added]},
    )
    return added
