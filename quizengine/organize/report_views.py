"""Reports and exports: results and check-in CSVs, attendance, printable report, IOF XML."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from flask import Response, abort, g, render_template
from flask_babel import gettext as _
from markupsafe import escape

from checkpoints.timeutil import format_local, utc_now
from quizengine.models import Event, Role
from quizengine.organize.access import event_view
from quizengine.organize.labels import local_date
from quizengine.organize.views import bp
from quizengine.services import leaderboard, reports


def no_blind_judges(event: Event) -> None:
    """Judges of a blind-judged event see no names next to results: 403 for them."""
    if event.blind_judging and g.get("role") == Role.JUDGE.value:
        abort(
            403,
            description=_("Judging is blind in this event: results are hidden from judges."),
        )


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/e/<slug>/reports")
@event_view(Role.JUDGE.value)
def reports_index(event: Event) -> str:
    no_blind_judges(event)
    people = reports.attendance(event)
    return render_template(
        "organize/reports.html",
        event=event,
        people=people,
        absent=[p for p in people if not p.took_part],
        fmt=lambda dt: format_local(dt, event.timezone, "%H:%M") if dt else "",
    )


@bp.get("/e/<slug>/reports/results.csv")
@event_view(Role.JUDGE.value)
def report_results_csv(event: Event) -> Response:
    no_blind_judges(event)
    return _download(reports.results_csv(event), "text/csv", f"{event.slug}-results.csv")


@bp.get("/e/<slug>/reports/checkins.csv")
@event_view(Role.JUDGE.value)
def report_checkins_csv(event: Event) -> Response:
    no_blind_judges(event)
    return _download(reports.checkins_csv(event), "text/csv", f"{event.slug}-checkins.csv")


@bp.get("/e/<slug>/reports/results.xml")
@event_view(Role.JUDGE.value)
def report_iof_xml(event: Event) -> Response:
    no_blind_judges(event)
    body = reports.iof_result_list(event, utc_now())
    return _download(body, "application/xml", f"{event.slug}-results-iof.xml")


@bp.get("/e/<slug>/reports/print")
@event_view(Role.JUDGE.value)
def report_print(event: Event) -> str:
    no_blind_judges(event)
    now = utc_now()
    return render_template(
        "organize/report_print.html",
        event=event,
        teams=leaderboard.team_standings(event) if event.mode == "team" else [],
        people=leaderboard.participant_standings(event),
        answers=_answer_rows(reports.results_rows(event)),
        printed=local_date(now, event.timezone, "d MMM y HH:mm"),
        window=(
            local_date(event.starts_at, event.timezone, "d MMM y HH:mm"),
            format_local(event.ends_at, event.timezone, "%H:%M"),
        ),
    )


class _Html(NamedTuple):
    """HTML built here, every value escaped: in a template, ``{{ it }}`` is ``html``."""

    html: str

    def __html__(self) -> str:
        return self.html


def _answer_rows(rows: Iterable[list[Any]]) -> _Html:
    """The printed report's rows of every answer (team, participant, task, time, answer,
    points) as one piece of HTML. A Jinja loop over a city-wide race's 117,900 rows cost a
    second and 100 MB of a worker more than this, in fragments it joined at the end."""

    def cell(value: Any) -> str:
        return "" if value is None else str(escape(value))

    return _Html(
        "".join(
            [
                f"<tr><td>{cell(r[0])}</td><td>{cell(r[1])}</td><td>{cell(r[2])}</td>"
                f"<td>{cell(r[6])}</td><td>{cell(r[8])}</td>"
                f'<td class="num">{cell(r[10])}</td></tr>'
                for r in rows
            ]
        )
    )
