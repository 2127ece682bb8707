"""The team page at a city-wide race's size: cut into pages of at most ``PAGE_ROWS`` names,
every participant on exactly one page in the list's order, a team longer than a page cut with
its place shown, a search over team, participant and unit names, bad page numbers refused,
and an organizer brought back to the page of what they saved."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizengine.extensions import db
from quizengine.models import Participant, Team
from quizengine.services.roster import PAGE_ROWS
from tests.app.test_organize_access import login_as, quick_organizer
from tests.builders import grant, make_event, make_participant, make_team

URL = "/organize/e/kota/teams"
PERSON = re.compile(r'href="/organize/e/kota/participants/(\d+)"')
NEXT = re.compile(r'rel="next" href="([^"]+)"')


@pytest.fixture
def race(app: Flask, client: FlaskClient) -> dict:
    """30 teams of 15 (one of them called "Dinas Pendidikan"), a team of 2 * PAGE_ROWS + 50,
    a team with no one yet, and 250 participants in no team, in that order of creation."""
    with app.app_context():
        event = make_event(slug="kota", mode="team")
        owner = quick_organizer("owner@example.org", is_admin=True)
        grant(owner, event)
        order: list[int] = []
        for n in range(30):
            team = make_team(event, "Dinas Pendidikan" if n == 7 else f"Kelompok {n:02d}")
            for m in range(15):
                unit = "Kecamatan Klojen" if (n, m) == (3, 4) else "Kelurahan"
                order.append(make_participant(event, team, f"Peserta {n}-{m}", unit=unit).id)
        big = make_team(event, "Panitia")
        order += [
            make_participant(event, big, f"Panitia {m}").id for m in range(2 * PAGE_ROWS + 50)
        ]
        empty = make_team(event, "Belum Ada")
        order += [make_participant(event, None, f"Sendiri {m}").id for m in range(250)]
        db.session.commit()
        ids = {"order": order, "big": big.id, "empty": empty.id, "owner": owner.id}
    login_as(client, ids["owner"])
    return ids


def _walk(client: FlaskClient, url: str) -> list[str]:
    """Every page's HTML, following the "next" links from ``url``."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.get_data(as_text=True))
        found = NEXT.search(pages[-1])
        url = found.group(1).replace("&amp;", "&") if found else ""
    return pages


def test_every_participant_once_in_order_on_pages_of_at_most_page_rows(client, race):
    pages = _walk(client, URL)
    listed = [[int(i) for i in PERSON.findall(page)] for page in pages]
    assert [i for page in listed for i in page] == race["order"]
    assert all(0 < len(page) <= PAGE_ROWS for page in listed)
    # 450 in teams of 15 fill two pages and a quarter: whole teams, so 195 and 195 names
    assert [len(page) for page in listed[:2]] == [195, 195]
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert 'rel="prev"' not in pages[0] and 'rel="next"' not in pages[-1]
    assert "Teams: 32 · participants: 1150" in pages[0]
    indonesian = client.get(URL, query_string={"lang": "id", "page": 2}).get_data(as_text=True)
    assert "Halaman 2 dari 8" in indonesian and "Tim: 32 · peserta: 1150" in indonesian
    assert "Berikutnya" in indonesian and "Sebelumnya" in indonesian


def test_a_team_longer_than_a_page_is_cut_and_says_which_part(client, race):
    pages = _walk(client, URL)
    # 13 teams of 15 a page (195, 195, then 60), the big team's 200, 200, 50 with the empty
    # team, then the 250 in no team as 200 and 50
    assert [len(PERSON.findall(p)) for p in pages] == [195, 195, 60, 200, 200, 50, 200, 50]
    parts = [m for p in pages for m in re.findall(r"(\d+)–(\d+) of (\d+)", p)]
    assert parts == [
        ("1", "200", "450"), ("201", "400", "450"), ("401", "450", "450"),
        ("1", "200", "250"), ("201", "250", "250"),
    ]  # fmt: skip
    anchors = [p.count(f'id="team-{race["big"]}"') for p in pages]
    assert anchors == [0, 0, 0, 1, 0, 0, 0, 0]  # on the team's first part only
    assert [p.count('id="no-team"') for p in pages] == [0, 0, 0, 0, 0, 0, 1, 0]
    assert f'id="team-{race["empty"]}"' in pages[5] and "No members yet." in pages[5]


def test_search_finds_team_participant_and_unit_names(client, race):
    by_team = client.get(URL, query_string={"q": "  dinas   PENDIDIKAN "}).get_data(as_text=True)
    assert len(PERSON.findall(by_team)) == 15  # the whole team, its name found
    assert "Found — teams: 1 · participants: 15" in by_team
    assert 'value="dinas PENDIDIKAN"' in by_team  # kept, spaces tidied
    by_unit = client.get(URL, query_string={"q": "klojen"}).get_data(as_text=True)
    assert len(PERSON.findall(by_unit)) == 1 and "Peserta 3-4" in by_unit
    by_name = client.get(URL, query_string={"q": "sendiri 24"}).get_data(as_text=True)
    names = re.findall(r">(Sendiri \d+)<", by_name)
    assert names == ["Sendiri 24"] + [f"Sendiri {n}" for n in range(240, 250)]
    assert 'id="no-team"' in by_name
    nothing = client.get(URL, query_string={"q": "zzz"}).get_data(as_text=True)
    assert not PERSON.findall(nothing) and "“zzz”" in nothing


def test_search_results_are_paged_and_keep_the_search(client, race):
    pages = _walk(client, URL + "?q=panitia")
    assert len(pages) == 3
    assert all(
        "q=panitia" in m for p in pages for m in re.findall(r'rel="(?:next|prev)" href="[^"]+"', p)
    )
    assert sum(len(PERSON.findall(p)) for p in pages) == 2 * PAGE_ROWS + 50
    # the language switch keeps the search and the page (a bare ?lang= dropped them)
    assert 'href="?page=2&amp;q=panitia&amp;lang=id"' in pages[1]


@pytest.mark.parametrize(("page", "status"), [("abc", 400), ("0", 400), ("-1", 400), ("99", 404)])
def test_bad_page_numbers_are_refused(client, race, page, status):
    response = client.get(URL, query_string={"page": page})
    assert response.status_code == status


def test_saving_returns_to_the_page_and_place_of_what_was_saved(client, app, race):
    last = race["order"][899]  # "Panitia 449", the big team's last, on page 6
    response = client.post(
        f"/organize/e/kota/participants/{last}",
        data={"name": "Panitia Akhir", "team": race["big"]},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.endswith(f"?page=6#p-{last}")
    assert f'<li id="p-{last}">' in client.get(location).get_data(as_text=True)
    renamed = client.post(f"/organize/e/kota/teams/{race['big']}", data={"name": "Panitia Inti"})
    target = renamed.headers["Location"]
    assert target.endswith(f"#team-{race['big']}")
    assert f'id="team-{race["big"]}"' in client.get(target).get_data(as_text=True)
    added = client.post(URL, data={"name": "Tim Baru"})
    with app.app_context():
        new_id = db.session.scalar(select(Team.id).where(Team.name == "Tim Baru"))
    assert added.headers["Location"].endswith(f"#team-{new_id}")
    assert f'id="team-{new_id}"' in client.get(added.headers["Location"]).get_data(as_text=True)
    joined = client.post(
        "/organize/e/kota/participants/new", data={"name": "Anggota Baru", "team": new_id}
    )
    with app.app_context():
        pid = db.session.scalar(select(Participant.id).where(Participant.name == "Anggota Baru"))
    assert joined.headers["Location"].endswith(f"#p-{pid}")
    assert f'<li id="p-{pid}">' in client.get(joined.headers["Location"]).get_data(as_text=True)


def test_the_new_team_form_opens_when_refused_and_keeps_the_list(client, race):
    assert '<details class="new-team">' in client.get(URL).get_data(as_text=True)
    refused = client.post(URL, data={"name": "Panitia"})  # taken
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert '<details class="new-team" open>' in page and "already a team called" in page
    assert len(PERSON.findall(page)) == 195  # the first page of the list, as a GET shows it


def test_page_links_keep_a_search_of_any_text(client, race):
    """The page links were made by putting the page number in place of a placeholder number
    in one URL: a search for that number had it replaced too ("?q=2&page=2")."""
    renamed = client.post(f"/organize/e/kota/teams/{race['big']}", data={"name": "Panitia 999999"})
    assert renamed.status_code == 302
    pages = _walk(client, URL + "?q=999999")
    assert len(pages) == 3  # the big team's 450 members
    links = [m for p in pages for m in re.findall(r'rel="(?:next|prev)" href="([^"]+)"', p)]
    assert links and all("q=999999" in link for link in links), links
