"""The task lists of the home and checkpoint pages: each task's state (time is up, points,
judges), the clock block, the photo button, and a query count that does not grow with the
number of tasks and checkpoints."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from flask_babel import refresh
from sqlalchemy import event as sa_event
from sqlalchemy import select

from quizengine.extensions import db
from quizengine.models import Attempt, CheckIn, Submission
from tests.app.test_play_support import START, check_in_near, jpeg_bytes, log_in, world
from tests.builders import make_checkpoint, make_task

T0 = START + timedelta(hours=2)  # 09:00 WIB
JSON = {"Accept": "application/json"}
ROW = re.compile(
    r'<a class="task-link" href="/t/(\d+)">\s*<span>[^<]*</span>\s*'
    r'<span class="state(?: (\w+))?">([^<]*)</span>'
)


def states(page: str) -> dict[int, tuple[str, str]]:
    """task id -> (state text, tone) as the list shows it."""
    return {int(i): (text.strip(), tone or "") for i, tone, text in ROW.findall(page)}


def get(client: Any, path: str, at: Any) -> str:
    refresh()  # Flask-Babel caches the locale in the app context the ``ctx`` fixture shares
    with time_machine.travel(at, tick=False):
        resp = client.get(path)
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def post(client: Any, path: str, at: Any, **data: Any) -> Any:
    with time_machine.travel(at, tick=False):
        return client.post(path, data=data, headers=JSON)


@pytest.fixture
def w(ctx: Any, client: Any) -> Any:
    with time_machine.travel(T0, tick=False):
        w = world()
        w.wrong = make_task(w.event, w.cp, title="Wrong one", time_limit_s=100)
        w.late = make_task(w.event, w.cp, title="Late one", time_limit_s=100)
        db.session.commit()
        log_in(client, w.alice)
        check_in_near(client, w.cp.code)
        yield w


def test_each_state_on_home_and_checkpoint(w: Any, client: Any) -> None:
    for task in (w.question, w.wrong, w.late, w.free, w.creative):
        assert post(client, f"/t/{task.id}/start", T0).status_code == 200
    steps = [  # in time order (a session cookie signed "later" does not count earlier)
        (w.free, "balai kota", 6),  # right after 6 s of 60: 48 points
        (w.wrong, "1946", 10),
        (w.creative, None, 20),
    ]
    for task, text, after in steps:
        at = T0 + timedelta(seconds=after)
        if text is None:
            photo = {"photos": (io.BytesIO(jpeg_bytes()), "p.jpg"), "key": "sub-key-0001"}
            with time_machine.travel(at, tick=False):
                resp = client.post(f"/t/{task.id}/submit", data=photo, headers=JSON)
        else:
            resp = post(client, f"/t/{task.id}/answer", at, answer=text, key="k" * 8)
        assert resp.status_code == 200, (task.title, resp.json)

    at = T0 + timedelta(seconds=99)  # the question still runs
    home = states(get(client, "/home", at))
    assert home[w.question.id] == ("running", "run")
    assert home[w.free.id] == ("48 points ✓", "ok")
    assert home[w.wrong.id] == ("wrong, 0 points", "bad")
    assert home[w.late.id] == ("running", "run")
    assert home[w.creative.id] == ("waiting for the judges", "wait")

    at = T0 + timedelta(seconds=101)  # the deadlines have passed
    resp = post(client, f"/t/{w.late.id}/answer", at, answer="1953", key="k" * 8)
    assert resp.status_code == 200 and resp.json["status"] == "late"
    assert states(get(client, "/home", at))[w.late.id] == ("late, 0 points", "bad")
    for path in ("/home", f"/c/{w.cp.code}"):
        assert states(get(client, path, at))[w.question.id] == ("time is up", "bad")
    assert states(get(client, "/home?lang=id", at))[w.question.id] == ("waktu habis", "bad")

    sub = db.session.scalars(select(Submission)).one()
    sub.status = "rejected"
    db.session.commit()
    assert states(get(client, "/home?lang=en", at))[w.creative.id] == ("not accepted", "bad")
    sub.status = "approved"
    db.session.commit()
    assert states(get(client, f"/c/{w.cp.code}", at))[w.creative.id] == ("approved ✓", "ok")


def test_not_started_shows_points_to_win_and_other_teams_do_not_count(w: Any, client: Any) -> None:
    page = get(client, f"/c/{w.cp.code}", T0)
    assert states(page) == {
        w.question.id: ("100 points", ""),
        w.creative.id: ("200 points", ""),
        w.wrong.id: ("100 points", ""),
        w.late.id: ("100 points", ""),
    }
    other = world(slug="other-event")  # its attempts are not ours
    db.session.add(
        Attempt(
            event_id=other.event.id,
            task_id=other.question.id,
            owner=f"t{other.team.id}",
            team_id=other.team.id,
            participant_id=other.alice.id,
            started_at=T0,
            deadline=T0 + timedelta(seconds=100),
        )
    )
    db.session.commit()
    assert states(get(client, "/home", T0))[w.free.id] == ("50 points", "")


def test_home_clock_block(w: Any, client: Any) -> None:
    page = get(client, "/home", T0 + timedelta(minutes=1))
    block = page[page.index('<dl class="stats">') : page.index("</dl>")]
    pairs = re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", block)
    values = {k: re.sub(r"<[^>]+>", "", v) for k, v in pairs}
    assert values == {"Score": "0", "Time left": "7:59:00", "Now": "09:01 WIB", "Ends": "17:00 WIB"}
    after = get(client, "/home?lang=id", START + timedelta(hours=10, minutes=5))
    assert "Sisa waktu" not in after and "Acara sudah selesai" in after


def test_photo_button_is_translated_and_the_plain_input_stays(w: Any, client: Any) -> None:
    post(client, f"/t/{w.creative.id}/start", T0)
    page = get(client, f"/t/{w.creative.id}?lang=id", T0 + timedelta(seconds=5))
    # Server HTML: the plain input, not hidden (photos.js adds "enhanced" which hides it).
    assert '<div class="photo-pick" id="photo-pick">' in page
    assert '<label for="photos" class="pick">Ambil atau pilih foto</label>' in page
    assert re.search(r'<input id="photos" name="photos" type="file"[^>]* data-max-count="6"', page)
    assert 'data-msg-many="{n} foto dipilih."' in page and "photos.js" in page
    assert "<script>" not in page  # no inline script (CSP)


def test_photos_script_and_css_work_together(app: Any) -> None:
    """The class photos.js adds is the one the stylesheet hides the native input with."""
    root = app.static_folder
    script = Path(root, "play", "photos.js").read_text(encoding="utf-8")
    css = Path(root, "app.css").read_text(encoding="utf-8")
    assert '" enhanced"' in script and "photo-pick" in script
    assert re.search(r"\.photo-pick\.enhanced input\[type=file\] \{[^}]*clip-path", css)
    assert re.search(r"\.photo-pick\.enhanced \.pick \{[^}]*min-height: (4[4-9]|5\d)px", css)


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)


def _queries(client: Any, path: str) -> list[str]:
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        assert client.get(path).status_code == 200  # warm any per-score cache
        with counting() as statements:
            assert client.get(path).status_code == 200
    return statements


def test_query_count_does_not_grow_with_tasks_and_checkpoints(w: Any, client: Any) -> None:
    post(client, f"/t/{w.question.id}/start", T0)
    small = {p: len(_queries(client, p)) for p in ("/home", f"/c/{w.cp.code}")}
    for n in range(12):  # 12 more visited checkpoints with 3 tasks each, most of them started
        cp = make_checkpoint(w.event, name=f"Extra {n}")
        db.session.add(
            CheckIn(
                event_id=w.event.id,
                checkpoint_id=cp.id,
                participant_id=w.alice.id,
                team_id=w.team.id,
                created_at=T0,
                verdict="on_site",
                accepted=True,
            )
        )
        for k in range(3):
            task = make_task(w.event, cp if k else w.cp, title=f"Extra {n}.{k}")
            if k < 2:
                db.session.add(
                    Attempt(
                        event_id=w.event.id,
                        task_id=task.id,
                        owner=f"t{w.team.id}",
                        team_id=w.team.id,
                        participant_id=w.alice.id,
                        started_at=T0,
                        deadline=T0 + timedelta(seconds=90),
                    )
                )
        make_task(w.event, None, kind="creative", title=f"Anywhere {n}", choices=None, answer=None)
    db.session.commit()
    big = {p: _queries(client, p) for p in ("/home", f"/c/{w.cp.code}")}
    assert {p: len(q) for p, q in big.items()} == small, big
    home = get(client, "/home", T0 + timedelta(minutes=5))
    assert len(states(home)) == 5 + 12 * 3 + 12 and "time is up" in home


def test_home_time_left_ticks_from_the_server_s_remaining_time(w: Any, client: Any) -> None:
    """The page carries the milliseconds left (countdown.js counts them down with the phone's
    elapsed time); after the end there is no clock and no script."""
    with time_machine.travel(T0, tick=False):
        page = client.get("/home").get_data(as_text=True)
    left_ms = int((w.event.ends_at - T0).total_seconds() * 1000)
    assert f'id="countdown" data-remaining-ms="{left_ms}"' in page
    assert "8:00:00" in page and "play/countdown.js" in page
    with time_machine.travel(w.event.ends_at + timedelta(minutes=1), tick=False):
        closed = client.get("/home").get_data(as_text=True)
    assert 'id="countdown"' not in closed and "play/countdown.js" not in closed


def test_home_links_each_visited_checkpoint_to_its_page(w: Any, client: Any) -> None:
    with time_machine.travel(T0, tick=False):
        page = client.get("/home").get_data(as_text=True)
    assert f'<a class="task-link" href="/c/{w.cp.code}">{w.cp.name}</a>' in page


def _home_lists(page: str) -> list[tuple[list[int], list[int]]]:
    """Per list of the home page (at the checkpoints, anywhere): the task ids still to do,
    then those done, folded below them."""
    at_checkpoints = page[page.index("Tasks at your checkpoints") : page.index("anywhere")]
    anywhere = page[page.index("anywhere") : page.index('class="logout"')]
    lists = []
    for part in (at_checkpoints, anywhere):
        to_do, _, done = part.partition('<details class="done-tasks">')
        lists.append((list(states(to_do)), list(states(done))))
    return lists


def test_home_lists_what_is_still_to_do_first_and_folds_what_is_done(w: Any, client: Any) -> None:
    order = list(states(get(client, f"/c/{w.cp.code}", T0)))  # the tasks' order
    for task in (w.question, w.wrong, w.late, w.free, w.creative):
        assert post(client, f"/t/{task.id}/start", T0).status_code == 200
    post(
        client,
        f"/t/{w.free.id}/answer",
        T0 + timedelta(seconds=6),
        answer="balai kota",
        key="k" * 8,
    )
    post(client, f"/t/{w.wrong.id}/answer", T0 + timedelta(seconds=10), answer="1946", key="k" * 8)
    photo = {"photos": (io.BytesIO(jpeg_bytes()), "p.jpg"), "key": "sub-key-0001"}
    with time_machine.travel(T0 + timedelta(seconds=20), tick=False):
        assert (
            client.post(f"/t/{w.creative.id}/submit", data=photo, headers=JSON).status_code == 200
        )
    page = get(client, "/home", T0 + timedelta(seconds=30))
    (to_do, done), (free_to_do, free_done) = _home_lists(page)
    assert to_do == [t for t in order if t in (w.question.id, w.late.id)]  # running
    assert done == [t for t in order if t in (w.wrong.id, w.creative.id)]
    assert (free_to_do, free_done) == ([], [w.free.id])
    assert "Done (2)" in page and "Done (1)" in page and "All done here." in page
    sub = db.session.scalars(select(Submission)).one()
    sub.status = "rejected"  # it may be sent again: to do once more
    db.session.commit()
    (to_do, done), _anywhere = _home_lists(get(client, "/home", T0 + timedelta(seconds=30)))
    assert w.creative.id in to_do and done == [w.wrong.id]
    indonesian = get(client, "/home?lang=id", T0 + timedelta(seconds=30))
    assert "Selesai (1)" in indonesian and "Semua sudah selesai di sini." in indonesian
