"""The checkpoint page, the home page and starting a task read who may see a checkpoint's
tasks in their own statements (the checkpoint with its access, the visited checkpoints, the
attempt with the access): they must agree with ``has_access`` in every mode. The task rows are
HTML built in Python, so what the organizers typed must come out escaped; the checkpoint page
stays at three statements; template texts follow each request's language."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from flask_babel import refresh

from quizengine.extensions import db
from quizengine.models import CheckIn
from quizengine.services.checkins import has_access
from tests.app.test_play_lists import counting
from tests.app.test_play_support import START, World, check_in_near, log_in, world
from tests.builders import make_checkpoint, make_participant, make_task, make_team

NOON = START + timedelta(hours=5)
JSON = {"Accept": "application/json"}


def _pages(client: Any, w: World) -> tuple[str, str]:
    with time_machine.travel(NOON, tick=False):
        page = client.get(f"/c/{w.cp.code}")
        home = client.get("/home")
    assert page.status_code == 200 and home.status_code == 200
    return page.get_data(as_text=True), home.get_data(as_text=True)


def _unlocked(page: str, home: str, w: World) -> tuple[bool, bool]:
    """(the checkpoint page lists the tasks, home lists the checkpoint as visited)"""
    on_page = f'href="/t/{w.question.id}"' in page
    on_home = f'href="/c/{w.cp.code}"' in home
    return on_page, on_home


def _manual(w: World, *, team: bool, accepted: bool = True) -> None:
    db.session.add(
        CheckIn(
            event_id=w.event.id,
            checkpoint_id=w.cp.id,
            team_id=w.team.id if team else None,
            participant_id=None if team else w.alice.id,
            verdict="manual" if accepted else "too_far",
            accepted=accepted,
            created_at=NOON,
        )
    )
    db.session.commit()


@pytest.mark.parametrize(
    ("mode", "setup", "bob_sees"),
    [
        ("team", "alice_checks_in", True),  # a teammate's check-in unlocks for the team
        ("team", "manual_team", True),  # an organizer's check-in of the team
        ("team", "refused", False),  # a refused try unlocks nothing
        ("team", "nothing", False),
        ("individual", "alice_checks_in", False),  # per participant
        ("individual", "manual_alice", False),
    ],
)
def test_page_and_home_agree_with_has_access(
    ctx: Any, client: Any, mode: str, setup: str, bob_sees: bool
) -> None:
    with time_machine.travel(NOON, tick=False):
        w = world(mode=mode)
        if setup == "alice_checks_in":
            log_in(client, w.alice)
            check_in_near(client, w.cp.code)
        elif setup == "manual_team":
            _manual(w, team=True)
        elif setup == "manual_alice":
            _manual(w, team=False)
        elif setup == "refused":
            _manual(w, team=True, accepted=False)
        log_in(client, w.bob)
    assert has_access(w.bob, w.cp) is bob_sees
    assert _unlocked(*_pages(client, w), w) == (bob_sees, bob_sees)
    with time_machine.travel(NOON, tick=False):  # starting reads the access its own way too
        started = client.post(f"/t/{w.question.id}/start", headers=JSON)
    assert started.status_code == (200 if bob_sees else 403), started.json
    if not bob_sees:
        assert started.json["message"] == "Check in at Balai Kota first."
    if setup in ("alice_checks_in", "manual_alice"):  # alice herself always sees them
        with time_machine.travel(NOON, tick=False):
            log_in(client, w.alice)
        assert _unlocked(*_pages(client, w), w) == (True, True)


def test_another_team_s_check_in_unlocks_nothing(ctx: Any, client: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        w = world()
        rival = make_participant(w.event, make_team(w.event, "Rivals"), "Carol")
        db.session.commit()
        log_in(client, w.alice)
        check_in_near(client, w.cp.code)
        log_in(client, rival)
    assert not has_access(rival, w.cp)
    page, home = _pages(client, w)
    assert _unlocked(page, home, w) == (False, False)


def test_what_organizers_typed_is_escaped_in_the_rows(ctx: Any, client: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        w = world()
        nasty = make_task(w.event, w.cp, title='<b onclick="x()">Tugu & co</b>')
        w.cp.name = "<i>Balai</i> & Kota"
        db.session.commit()
        log_in(client, w.alice)
        check_in_near(client, w.cp.code)
    page, home = _pages(client, w)
    escaped = "&lt;b onclick=&#34;x()&#34;&gt;Tugu &amp; co&lt;/b&gt;"
    for html in (page, home):
        row = re.search(rf'<a class="task-link" href="/t/{nasty.id}">\s*<span>([^<]*)</span>', html)
        assert row is not None and row.group(1) == escaped, html
        assert "<b onclick" not in html
    assert f'href="/c/{w.cp.code}">&lt;i&gt;Balai&lt;/i&gt; &amp; Kota</a>' in home


def test_checkpoint_page_reads_three_statements(ctx: Any, client: Any) -> None:
    """The participant with the event, the checkpoint with the access, the tasks with the
    team's attempts (plus SQLite's BEGIN): not one more per task."""
    with time_machine.travel(NOON, tick=False):
        w = world()
        for n in range(5):
            make_task(w.event, w.cp, title=f"Extra {n}")
        db.session.commit()
        log_in(client, w.alice)
        check_in_near(client, w.cp.code)
        assert client.post(f"/t/{w.question.id}/start").status_code in (200, 302)
        path = f"/c/{w.cp.code}"  # read before counting (the test's own objects expired)
        with counting() as statements:
            page = client.get(path).get_data(as_text=True)
    assert "running" in page and page.count('class="task-link"') == 7
    reads = [s for s in statements if not s.strip().upper().startswith("BEGIN")]
    assert len(reads) == 3, "\n".join(r[:120] for r in reads)


def test_template_texts_follow_the_language_of_each_request(ctx: Any, client: Any) -> None:
    """Templates translate through a per-process table: it is keyed on the language, so the
    same page in another language (and back) is never served from the other's entries."""
    with time_machine.travel(NOON, tick=False):
        w = world()
        log_in(client, w.alice)
    texts = {
        "en": ("I am here: share my location", "Tasks you can do anywhere"),
        "id": ("Saya di sini: bagikan lokasi saya", "Tugas yang bisa dikerjakan di mana saja"),
    }
    for lang in ("en", "id", "en", "id"):
        refresh()  # Flask-Babel caches the locale in the app context the ``ctx`` fixture shares
        with time_machine.travel(NOON, tick=False):
            page = client.get(f"/c/{w.cp.code}?lang={lang}").get_data(as_text=True)
            refresh()
            home = client.get(f"/home?lang={lang}").get_data(as_text=True)
        mine, other = texts[lang], texts["id" if lang == "en" else "en"]
        assert mine[0] in page and other[0] not in page, lang
        assert mine[1] in home and other[1] not in home, lang


def test_start_reads_once_and_refuses_as_before(ctx: Any, client: Any) -> None:
    """Starting reads the task, the team's attempt and the access in one statement; an
    unknown task is still a 404, a participant without a team in a team event still a 403,
    and a second start returns the first attempt (same clock)."""
    with time_machine.travel(NOON, tick=False):
        w = world()
        loner = make_participant(w.event, None, "Loner")
        db.session.commit()
        log_in(client, w.alice)
        check_in_near(client, w.cp.code)
        path = f"/t/{w.question.id}/start"
        with counting() as statements:
            first = client.post(path, headers=JSON)
        assert first.status_code == 200, first.json
        reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(reads) == 2, "\n".join(r[:120] for r in reads)  # who, then task + attempt
        again = client.post(path, headers=JSON)
        assert again.json["attempt_id"] == first.json["attempt_id"]
        assert again.json["deadline"] == first.json["deadline"]
        assert client.post("/t/999999/start", headers=JSON).status_code == 404
        log_in(client, loner)
        refused = client.post(path, headers=JSON)
    assert refused.status_code == 403
    assert refused.json["message"] == "You are not in a team; ask the organizers."


def test_home_lists_the_tasks_of_visited_checkpoints_and_those_anywhere(
    ctx: Any, client: Any
) -> None:
    """Home reads only the rows it shows: none of an unvisited checkpoint's tasks, the
    location-free ones even before the first check-in (an empty list of visited places)."""
    with time_machine.travel(NOON, tick=False):
        w = world()
        far = make_checkpoint(w.event, name="Far away")
        hidden = make_task(w.event, far, title="Not yet")
        db.session.commit()
        log_in(client, w.alice)
    _page, before = _pages(client, w)
    assert f'href="/t/{w.free.id}"' in before
    assert f'href="/t/{hidden.id}"' not in before and f'href="/t/{w.question.id}"' not in before
    with time_machine.travel(NOON, tick=False):
        check_in_near(client, w.cp.code)
    _page, after = _pages(client, w)
    assert f'href="/t/{w.free.id}"' in after and f'href="/t/{w.question.id}"' in after
    assert f'href="/t/{hidden.id}"' not in after


def test_an_answer_reads_nothing_again_after_its_commit(ctx: Any, client: Any) -> None:
    """The answer's message is worded before the commit: the first translation picks the
    language from the participant's event, which after the commit (objects expired) would
    cost a new transaction that loads the participant again."""
    with time_machine.travel(NOON, tick=False):
        w = world()
        log_in(client, w.alice)
        check_in_near(client, w.cp.code)
        assert client.post(f"/t/{w.question.id}/start", headers=JSON).status_code == 200
        path = f"/t/{w.question.id}/answer"
        refresh()  # the app context the ``ctx`` fixture shares keeps the last request's language
        with counting() as statements:
            resp = client.post(path, data={"answer": "1953", "key": "k" * 8}, headers=JSON)
    assert resp.status_code == 200 and resp.json["message"].startswith("Correct!")
    loads = [s for s in statements if "FROM participant" in s]
    assert len(loads) == 1, "\n".join(s[:120] for s in statements)
