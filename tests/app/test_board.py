"""Leaderboard pages: who may see them, the freeze (participants and the projector see the
frozen board, organizers the live one), the projector page and its JSON."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from flask_babel import refresh

from quizengine.extensions import db
from tests.app.test_live_support import attempt, judge, log_in_organizer, log_in_player
from tests.builders import at, make_event, make_participant, make_task, make_team


@pytest.fixture
def world(ctx):
    event = make_event(title="Lomba Kota")
    red, blue = make_team(event, "Merah"), make_team(event, "Biru")
    ana, budi = make_participant(event, red, "Ana"), make_participant(event, blue, "Budi")
    q1, q2 = make_task(event), make_task(event)
    attempt(q1, ana, at(event, 1), at(event, 10), points=50)
    attempt(q1, budi, at(event, 1), at(event, 20), points=40)
    attempt(q2, budi, at(event, 30), at(event, 40), points=30)  # after the freeze
    event.freeze_at = at(event, 30)
    org = judge(event, "judge")
    db.session.commit()
    return {"event": event, "ana": ana, "org": org}


def _json(client, event):
    return client.get(f"/board/{event.slug}/standings.json").get_json()


def test_participant_sees_the_frozen_board_after_freeze(client, world):
    event = world["event"]
    with time_machine.travel(at(event, 45), tick=False):
        log_in_player(client, world["ana"], event.ends_at)
        page = client.get(f"/board/{event.slug}/").get_data(as_text=True)
        data = _json(client, event)
    assert [(t["name"], t["points"]) for t in data["teams"]] == [("Merah", 50), ("Biru", 40)]
    assert data["frozen"] is True and data["frozen_at"].endswith("WIB")
    assert page.index("Merah") < page.index("Biru")
    assert 'class="me"' in page


def test_before_the_freeze_everyone_sees_live(client, world):
    event = world["event"]
    with time_machine.travel(at(event, 25), tick=False):
        log_in_player(client, world["ana"], event.ends_at)
        data = _json(client, event)
    assert data["frozen"] is False
    assert [(t["name"], t["points"]) for t in data["teams"]] == [("Biru", 70), ("Merah", 50)]


def test_organizer_sees_live_board_but_projector_is_frozen(client, world):
    event = world["event"]
    with time_machine.travel(at(event, 45), tick=False):
        log_in_organizer(client, world["org"])
        live = client.get(f"/board/{event.slug}/").get_data(as_text=True)
        public = client.get(f"/board/{event.slug}/?view=public").get_data(as_text=True)
        projector = client.get(f"/board/{event.slug}/projector")
        data = _json(client, event)
    assert live.index("Biru") < live.index("Merah")  # 70 beats 50 on the live board
    assert public.index("Merah") < public.index("Biru")
    assert data["frozen"] is True and data["teams"][0]["name"] == "Merah"
    html = projector.get_data(as_text=True)
    assert projector.status_code == 200 and "board/projector.js" in html
    assert "<script>" not in html and html.index("Merah") < html.index("Biru")


def test_individual_ranking_and_progress(client, world):
    event = world["event"]
    with time_machine.travel(at(event, 45), tick=False):
        log_in_organizer(client, world["org"])
        page = client.get(f"/board/{event.slug}/").get_data(as_text=True)
    assert 'value="2"' in page  # Biru: 2 of 2 tasks done
    assert page.count("<tr") >= 5


def test_outsiders_get_404(client, world):
    event = world["event"]
    other = make_event()
    stranger = make_participant(other, make_team(other))
    outsider = judge(other, "owner")
    db.session.commit()
    for path in ("/", "/projector", "/standings.json"):
        assert client.get(f"/board/{event.slug}{path}").status_code == 404
    log_in_player(client, stranger, event.ends_at + timedelta(hours=1))
    assert client.get(f"/board/{event.slug}/").status_code == 404
    client2 = client.application.test_client()
    log_in_organizer(client2, outsider)
    assert client2.get(f"/board/{event.slug}/projector").status_code == 404
    assert client2.get("/board/no-such-event/").status_code == 404


def test_standings_json_sends_what_the_projector_shows_for_each_mode(client, ctx):
    team_event = make_event(mode="team")
    red = make_team(team_event, "Merah")
    ana = make_participant(team_event, red, "Ana")
    solo_event = make_event(mode="individual")
    budi = make_participant(solo_event, None, "Budi")
    task = make_task(solo_event)
    attempt(task, budi, at(solo_event, 1), at(solo_event, 2), points=30)
    db.session.commit()
    log_in_player(client, ana, team_event.ends_at)
    team_board = _json(client, team_event)
    assert [t["name"] for t in team_board["teams"]] == ["Merah"] and team_board["people"] == []
    log_in_player(client, budi, solo_event.ends_at)
    solo_board = _json(client, solo_event)
    assert solo_board["teams"] == []
    assert [(p["name"], p["points"]) for p in solo_board["people"]] == [("Budi", 30)]


def test_standings_json_writes_every_field_of_every_row_and_escapes_names(client, ctx):
    """The body is written row by row (not through the encoder): each field, the order of the
    rows and names that need escaping must come out as the encoder would write them."""
    event = make_event(mode="individual")
    red = make_team(event, 'Tim "Merah" \\ </script>')
    names = ['Budi "B"', "Çiçek\u00a0Ñ 🚀", "Ana\nBaris"]
    people = [make_participant(event, red if i else None, name) for i, name in enumerate(names)]
    q1, q2 = make_task(event), make_task(event)
    attempt(q1, people[0], at(event, 1), at(event, 2), points=10)
    attempt(q1, people[1], at(event, 1), at(event, 3), points=40)
    attempt(q2, people[1], at(event, 4), at(event, 5), points=5)
    db.session.commit()
    log_in_player(client, people[0], event.ends_at)
    raw = client.get(f"/board/{event.slug}/standings.json").get_data()
    raw.decode("ascii")  # non-ASCII names escaped, as the encoder's ensure_ascii writes them
    rows = json.loads(raw)["people"]
    team = 'Tim "Merah" \\ </script>'
    assert rows == [
        {"name": names[1], "points": 45, "rank": 1, "tasks_done": 2, "team": team},
        {"name": names[0], "points": 10, "rank": 2, "tasks_done": 1, "team": ""},
        {"name": names[2], "points": 0, "rank": 3, "tasks_done": 0, "team": team},
    ]
    assert json.loads(raw)["tasks_total"] == 2


def test_a_long_board_shows_the_top_and_the_viewer_s_own_row_and_all_on_request(client, ctx):
    """A phone gets the top rows of each list and its own row (team and person) below them,
    with a way to every row; a short list is shown whole."""
    from quizengine.board.views import SHOWN

    event = make_event(mode="team")
    teams = [make_team(event, f"Regu {i:03d}") for i in range(SHOWN + 3)]
    people = [make_participant(event, t, f"Peserta {i:03d}") for i, t in enumerate(teams)]
    task = make_task(event)
    for i, p in enumerate(people):  # Peserta 000 leads, the last one trails
        attempt(task, p, at(event, 1), at(event, 2), points=1000 - i)
    db.session.commit()
    last = people[-1]
    log_in_player(client, last, event.ends_at)
    page = client.get(f"/board/{event.slug}/?lang=en").get_data(as_text=True)
    assert page.count("<tr") == 2 + 2 * (SHOWN + 2)  # heads, top rows, a gap and mine each
    assert f"Regu {SHOWN - 1:03d}" in page and f"Regu {SHOWN:03d}" not in page
    assert page.count('class="me"') == 2 and page.count('class="gap"') == 2
    mine = page.split('class="gap"')[1]
    assert f"<td>{SHOWN + 3}</td><td>Regu {SHOWN + 2:03d}</td>" in mine  # its rank kept
    assert f"The top {SHOWN} of {SHOWN + 3} are shown." in page
    everything = client.get(f"/board/{event.slug}/?all=1").get_data(as_text=True)
    assert everything.count("<tr") == 2 + 2 * (SHOWN + 3) and 'class="gap"' not in everything
    assert "Show all" not in everything
    refresh()  # the test's app context holds the locale the first request chose
    indonesian = client.get(f"/board/{event.slug}/?lang=id").get_data(as_text=True)
    assert f"Menampilkan {SHOWN} teratas dari {SHOWN + 3}." in indonesian
    assert "Tampilkan semua" in indonesian
    log_in_player(client, people[0], event.ends_at)  # the leader: among the top rows
    lead = client.get(f"/board/{event.slug}/").get_data(as_text=True)
    assert lead.count('class="me"') == 2 and 'class="gap"' not in lead


def test_an_organizer_s_show_all_link_keeps_the_public_view(client, ctx):
    from quizengine.board.views import SHOWN

    event = make_event(mode="individual")
    for i in range(SHOWN + 1):
        make_participant(event, None, f"Peserta {i:03d}")
    org = judge(event, "owner")
    db.session.commit()
    log_in_organizer(client, org)
    page = client.get(f"/board/{event.slug}/?view=public").get_data(as_text=True)
    link = page.split('<p class="more">')[1].split('href="')[1].split('"')[0]
    assert "view=public" in link and "all=1" in link
    everything = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert everything.count("<tr") == 1 + SHOWN + 1  # no team list in an individual race
    assert 'href="?view=public"' not in everything  # still the public view


def test_a_poll_naming_the_tag_of_its_lists_gets_them_only_once_they_changed(client, world):
    """The projector names the tag of the lists it shows: while they are the same the answer
    says ``unchanged`` (with the fields of the moment), the lists come once they changed."""
    event = world["event"]
    url = f"/board/{event.slug}/standings.json"
    with time_machine.travel(at(event, 25), tick=False):
        log_in_organizer(client, world["org"])
        first = client.get(url).get_json()
        same = client.get(url, query_string={"tag": first["tag"]}).get_json()
        wrong = client.get(url, query_string={"tag": "x" * 24}).get_json()
        attempt(make_task(event), world["ana"], at(event, 20), at(event, 21), points=25)
        db.session.commit()
        changed = client.get(url, query_string={"tag": first["tag"]}).get_json()
    assert [(t["name"], t["points"]) for t in first["teams"]] == [("Biru", 70), ("Merah", 50)]
    assert len(first["tag"]) == 24 and "unchanged" not in first
    assert same == {
        "frozen": False,
        "frozen_at": None,
        "tag": first["tag"],
        "title": "Lomba Kota",
        "unchanged": True,
        "updated": first["updated"],
    }
    assert wrong == first
    assert changed["tag"] != first["tag"] and "unchanged" not in changed
    assert [(t["name"], t["points"]) for t in changed["teams"]] == [("Merah", 75), ("Biru", 70)]


def test_the_projector_shows_the_top_rows_and_polls_for_them_alone(client, ctx):
    """A projector fits about a dozen rows: the page and its poll (``?top=``) carry the top
    ``SHOWN`` of a long list, in the same order as the whole list; a bad ``top`` is refused."""
    from quizengine.board.views import SHOWN

    event = make_event(mode="individual")
    task = make_task(event)
    people = [make_participant(event, None, f"P{i:03d}") for i in range(SHOWN + 5)]
    for i, p in enumerate(people):
        attempt(task, p, at(event, 1), at(event, 2), points=i)
    db.session.commit()
    log_in_player(client, people[0], event.ends_at)
    whole = _json(client, event)["people"]
    page = client.get(f"/board/{event.slug}/projector").get_data(as_text=True)
    assert f'data-poll="/board/{event.slug}/standings.json?top={SHOWN}"' in page
    assert page.count('<span class="rank">') == SHOWN
    assert "P054" in page and "P004" not in page  # the top scorers; the last five left out
    top = client.get(f"/board/{event.slug}/standings.json?top={SHOWN}").get_json()
    assert top["people"] == whole[:SHOWN] and len(whole) == SHOWN + 5
    assert top["tag"] != _json(client, event)["tag"]
    again = client.get(f"/board/{event.slug}/standings.json?top={SHOWN}&tag={top['tag']}")
    assert again.get_json()["unchanged"] is True
    for bad in ("0", "-1", "abc", "1.5", "٣", "100001", ""):
        r = client.get(f"/board/{event.slug}/standings.json", query_string={"top": bad})
        assert r.status_code == 400, bad
