"""The organizer's pages send as many statements for a small event as for a larger one: no
page reads its rows one query per team, participant, checkpoint or task. (At 500 teams and 50
checkpoints the team page sent 501 statements, the event file 557, the checkpoint and task
lists 57 each: relations loaded one object at a time, or "preloaded" into objects nothing
kept, which left the session at once.)"""

from __future__ import annotations

from itertools import count
from typing import Any

from sqlalchemy import event as sa_event

from quizengine.extensions import db
from quizengine.models import Event
from tests.app.test_live_support import attempt, checkin, judge, review, submission
from tests.app.test_organize_access import login_as, quick_organizer
from tests.builders import (
    at,
    grant,
    make_checkpoint,
    make_event,
    make_participant,
    make_task,
    make_team,
)

PAGES = [
    "/", "/checkpoints", "/tasks", "/teams", "/event.yaml", "/people", "/settings", "/print",
    "/corrections", "/live", "/live.json", "/reviews", "/reports", "/reports/results.csv",
    "/reports/checkins.csv", "/reports/results.xml", "/reports/print", "/reviews?status=approved",
    "/print/badges?force=1", "/print/badges.pdf?force=1", "/print/sheets?force=1",
    "/print/sheets.pdf?force=1",
]  # fmt: skip

_names = count(1)


def _grow(event: Event, teams: int, places: int) -> None:
    """More teams of two (one of them playing), checkpoints with a question and a creative
    task, participants without a team, check-ins, answers and a judged photo (pending or
    approved in turn: both review queues list some)."""
    for _ in range(places):
        cp = make_checkpoint(event, name=f"Pos {next(_names)}")
        make_task(event, cp, title=f"Soal {next(_names)}")
        make_task(event, cp, kind="creative", choices=None, answer=None, title="Foto")
    make_participant(event, None, f"Tanpa tim {next(_names)}")
    pairs = list(zip(event.tasks[::2], event.tasks[1::2], strict=True))  # (question, photo)
    for n in range(teams):
        team = make_team(event, f"Tim {next(_names)}")
        who = make_participant(event, team, f"Ana {next(_names)}")
        make_participant(event, team, f"Budi {next(_names)}")
        question, photo = pairs[n % len(pairs)]
        checkin(event, question.checkpoint, at(event, 1 + n), who)
        attempt(question, who, at(event, 2 + n), at(event, 3 + n), correct=True, points=90)
        playing = attempt(photo, who, at(event, 4 + n))
        sub = submission(playing, who, at(event, 5 + n), status="approved" if n % 2 else "pending")
        review(sub, judge(event), 40, at(event, 6 + n))
    db.session.commit()


def _statements(client: Any, engine: Any, path: str) -> int:
    """Statements of the second request of ``path`` (the first fills per-process caches)."""
    assert client.get(path).status_code == 200, path
    seen: list[str] = []

    def keep(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    sa_event.listen(engine, "before_cursor_execute", keep)
    try:
        assert client.get(path).status_code == 200, path
    finally:
        sa_event.remove(engine, "before_cursor_execute", keep)
    return len(seen)


def test_no_organizer_page_reads_row_by_row(app, client):
    # No application context around the requests: each has a session of its own, as when
    # serving (a shared one would keep the rows the set-up loaded).
    with app.app_context():
        event = make_event(title="Latihan")
        owner = quick_organizer("owner@example.org")
        grant(owner, event, "owner")
        _grow(event, teams=2, places=2)
        event_id, base, owner_id = event.id, f"/organize/e/{event.slug}", owner.id
        engine = db.engine
        db.session.remove()
    login_as(client, owner_id)
    small = {page: _statements(client, engine, base + page) for page in PAGES}
    with app.app_context():
        event = db.session.get(Event, event_id)
        _grow(event, teams=6, places=4)
        db.session.remove()
    large = {page: _statements(client, engine, base + page) for page in PAGES}
    assert {p: (small[p], large[p]) for p in PAGES if small[p] != large[p]} == {}
