"""Reports: results and check-ins CSV, attendance (who never took part), the printable report,
and the IOF XML 3.0 ResultList (namespace, version, one SplitTime per checkpoint)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest

from quizengine.extensions import db
from quizengine.services import reports
from tests.app.test_live_support import (
    attempt,
    checkin,
    judge,
    log_in_organizer,
    review,
    submission,
)
from tests.builders import at, make_checkpoint, make_event, make_participant, make_task, make_team

NS = {"iof": "http://www.orienteering.org/datastandard/3.0"}


@pytest.fixture
def world(ctx):
    event = make_event(timezone="Asia/Jakarta", title="Latihan Malang")
    red, blue = make_team(event, "Merah"), make_team(event, "Biru")
    ana = make_participant(event, red, "Ana Rahma")
    make_participant(event, red, "Citra Absen")
    budi = make_participant(event, blue, "Budi Santoso")
    cp1, cp2 = make_checkpoint(event, name="Balai Kota"), make_checkpoint(event, name="Alun")
    q = make_task(event, cp1, title="Tahun Tugu", points=100)
    c = make_task(event, cp2, kind="creative", choices=None, answer=None, points=50, title="Foto")
    org = judge(event, "organizer")
    checkin(event, cp1, at(event, 10), ana)
    checkin(event, cp1, at(event, 12), ana)  # a second accepted check-in: not the split
    checkin(event, cp2, at(event, 25), team_id=red.id, verdict="manual")
    checkin(event, cp1, at(event, 15), budi, accepted=False)
    attempt(q, ana, at(event, 10), at(event, 11), answer="1953", correct=True, points=92)
    attempt(
        q, budi, at(event, 16), at(event, 17), answer="=cmd|' /C calc'!A0", points=0, correct=False
    )
    sub = submission(
        attempt(c, ana, at(event, 25)),
        ana,
        at(event, 26),
        status="approved",
        text="Kami di alun-alun",
    )
    review(sub, org, 40, at(event, 30))
    db.session.commit()
    return {"event": event, "org": org, "cp1": cp1, "cp2": cp2, "red": red, "blue": blue}


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_results_csv(ctx, world):
    rows = _rows(reports.results_csv(world["event"]))
    by = {(r["team"], r["task"]): r for r in rows}
    ana_q = by[("Merah", "Tahun Tugu")]
    assert ana_q["participant"] == "Ana Rahma" and ana_q["answer"] == "1953"
    assert ana_q["points"] == "92" and ana_q["correct"] == "yes"
    assert ana_q["answered"].endswith("WIB") and ana_q["elapsed_s"] == "60.0"
    assert by[("Merah", "Foto")]["points"] == "40"
    assert by[("Merah", "Foto")]["answer"].startswith("Kami di alun-alun")
    # A formula-looking answer is neutralised for spreadsheets.
    assert by[("Biru", "Tahun Tugu")]["answer"].startswith("'=")


def test_checkins_csv(ctx, world):
    rows = _rows(reports.checkins_csv(world["event"]))
    assert len(rows) == 4
    assert [r["accepted"] for r in rows] == ["yes", "yes", "no", "yes"]
    assert rows[-1]["verdict"] == "manual" and rows[-1]["team"] == "Merah"
    assert rows[0]["code"] == world["cp1"].code


def test_attendance_puts_who_never_took_part_first(client, world):
    people = reports.attendance(world["event"])
    assert [p.name for p in people if not p.took_part] == ["Citra Absen"]
    assert people[0].name == "Citra Absen"
    log_in_organizer(client, world["org"])
    page = client.get(f"/organize/e/{world['event'].slug}/reports").get_data(as_text=True)
    assert '<span class="big">1</span> / 3' in page and "Citra Absen" in page


def test_downloads_and_print_page(client, world):
    log_in_organizer(client, world["org"])
    base = f"/organize/e/{world['event'].slug}/reports"
    r = client.get(f"{base}/results.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    assert client.get(f"{base}/checkins.csv").status_code == 200
    page = client.get(f"{base}/print").get_data(as_text=True)
    assert "Latihan Malang" in page and "organize/print.css" in page
    assert page.index("Merah") < page.index("Biru")  # ranked
    # Every answer, escaped (the rows are built in Python, not by the template).
    assert "<td>Ana Rahma</td><td>Tahun Tugu</td>" in page and "<td>1953</td>" in page
    assert "<td>=cmd|&#39; /C calc&#39;!A0</td>" in page and "calc'" not in page


def test_iof_xml_result_list(client, world):
    log_in_organizer(client, world["org"])
    r = client.get(f"/organize/e/{world['event'].slug}/reports/results.xml")
    assert r.status_code == 200 and r.mimetype == "application/xml"
    root = ET.fromstring(r.data)
    assert root.tag == "{http://www.orienteering.org/datastandard/3.0}ResultList"
    assert root.get("iofVersion") == "3.0"
    assert datetime.fromisoformat(root.get("createTime")).utcoffset() is not None
    assert root.find("iof:Event/iof:Name", NS).text == "Latihan Malang"
    teams = root.findall("iof:ClassResult/iof:TeamResult", NS)
    assert [t.find("iof:Name", NS).text for t in teams] == ["Merah", "Biru"]
    red = teams[0]
    members = red.findall("iof:TeamMemberResult", NS)
    assert len(members) == 2
    result = members[0].find("iof:Result", NS)
    assert result.find("iof:Score", NS).text == "132"
    assert result.find("iof:Status", NS).text == "OK"
    splits = result.findall("iof:SplitTime", NS)
    assert [s.find("iof:ControlCode", NS).text for s in splits] == [
        world["cp1"].code,
        world["cp2"].code,
    ]
    assert [s.find("iof:Time", NS).text for s in splits] == ["600", "1500"]
    blue_splits = teams[1].find("iof:TeamMemberResult/iof:Result", NS).findall("iof:SplitTime", NS)
    assert len(blue_splits) == 2 and all(s.get("status") == "Missing" for s in blue_splits)
    assert teams[1].find(".//iof:Status", NS).text == "DidNotStart"


def test_iof_xml_individual_mode(ctx):
    event = make_event(mode="individual")
    team = make_team(event, "Unit A")
    p = make_participant(event, team, "Dewi Lestari")
    make_participant(event, team, "Eko")
    cp = make_checkpoint(event)
    checkin(event, cp, at(event, 2), p)
    db.session.commit()
    root = ET.fromstring(reports.iof_result_list(event, at(event, 30)))
    people = root.findall("iof:ClassResult/iof:PersonResult", NS)
    assert len(people) == 2
    dewi = next(x for x in people if x.find("iof:Person/iof:Name/iof:Family", NS).text == "Lestari")
    assert dewi.find("iof:Person/iof:Name/iof:Given", NS).text == "Dewi"
    assert dewi.find("iof:Organisation/iof:Name", NS).text == "Unit A"
    assert dewi.find("iof:Result/iof:SplitTime/iof:Time", NS).text == "120"
    assert root.get("status") == "Snapshot"


def test_exports_read_columns_not_objects(ctx, world):
    """The results and check-ins exports read plain columns: at 117,900 attempts, loading them
    as ORM objects took 9 s and 440 MB of a worker for a 14 MB file (2.3 s and 140 MB now)."""
    from sqlalchemy import event as sa_event

    from quizengine.models import Attempt, CheckIn, Task

    loaded: list[str] = []

    def seen(target, _context) -> None:
        loaded.append(type(target).__name__)

    event_model, event_id = type(world["event"]), world["event"].id
    db.session.expunge_all()  # nothing already in the session: every object would be loaded
    event = db.session.get(event_model, event_id)
    for model in (Attempt, CheckIn, Task):
        sa_event.listen(model, "load", seen)
    try:
        rows = list(reports.results_rows(event))
        text = reports.checkins_csv(event)
    finally:
        for model in (Attempt, CheckIn, Task):
            sa_event.remove(model, "load", seen)
    assert len(rows) == 3 and len(_rows(text)) == 4
    assert loaded == []


@pytest.mark.parametrize("mode", ["team", "individual"])
def test_iof_xml_written_result_by_result_is_the_whole_tree_s_serialisation(ctx, mode):
    """The ResultList is serialised one result at a time (the whole tree of a city-wide race
    took 350 MB of a worker): the bytes are those of the whole document built as one tree,
    indented by ElementTree and serialised with its declaration."""
    event = make_event(mode=mode, title="Latihan <Malang> & Batu")
    people = []
    for t in range(3):
        team = make_team(event, f"Tim {t}")
        people += [make_participant(event, team, f"Anggota {t}{n}") for n in range(2)]
    cps = [make_checkpoint(event, name=f"Pos {n}") for n in range(3)]
    checkin(event, cps[0], at(event, 2), people[0])
    checkin(event, cps[1], at(event, 4), people[0])
    checkin(event, cps[2], at(event, 6), people[3])
    db.session.commit()
    body = reports.iof_result_list(event, at(event, 30))
    root = ET.fromstring(body)
    results = root.findall("iof:ClassResult/*", NS)
    assert len(results) == (4 if mode == "team" else 7)  # the Class, then the results
    ET.register_namespace("", NS["iof"])
    ET.indent(root)
    assert body == ET.tostring(root, encoding="utf-8", xml_declaration=True)
