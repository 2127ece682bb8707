"""The command line on a real database: event import/export round trip, bad files refused whole,
links, organizer accounts, and the printed sheets and badges (decoded back)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import func, select

from quizengine.extensions import db
from quizengine.models import AuditEntry, Checkpoint, Event, Organizer, Participant, Task, Team
from quizengine.services import events as event_service
from tests.unit.test_sheets import decoded, needs_poppler, page_count, rasterize

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.yaml"
TABLES = (Event, Team, Participant, Checkpoint, Task, AuditEntry)

GOOD = """title: Capacity Building - Kota Malang
timezone: Asia/Jakarta
starts: 2023-10-06 07:00
ends: 2023-10-06 17:00
language: id
teams:
  - name: Kelompok 1
    participants: [{name: Kepala Dinas Pendidikan, unit: Dinas}, {name: Camat Talang Ubi}]
checkpoints:
  - key: balaikota
    name: Balai Kota Malang
    lat: -7.97713
    lon: 112.63400
    radius_m: 60
    tasks:
      - type: question
        prompt: In which year was the Tugu monument inaugurated?
        choices: ["1946", "1953", "1962"]
        answer: "1953"
        time_limit_s: 90
        points: 100
      - type: creative
        prompt: A team photo.
        points: 200
        time_limit_s: 900
tasks: []
"""


def counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) or 0
            for m in TABLES}  # fmt: skip


def import_file(runner, tmp_path: Path, text: str, name: str = "event.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return runner.invoke(args=["event", "import", str(path)])


def test_import_prints_the_slug_last(app, runner, tmp_path):
    result = import_file(runner, tmp_path, GOOD)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "capacity-building-kota-malang"
    assert "1 teams, 2 participants, 1 checkpoints, 2 tasks" in result.output


def test_export_then_import_gives_an_equal_event(app, runner, tmp_path):
    """Round trip through the database: import, export, delete, import the export, export."""
    slug = runner.invoke(args=["event", "import", str(DEMO)]).output.splitlines()[-1]
    first = runner.invoke(args=["event", "export", slug])
    assert first.exit_code == 0, first.output
    with app.app_context():
        event = event_service.event_by_slug(slug)
        rows_before = snapshot(event)
        db.session.delete(event)
        db.session.commit()
    again = import_file(runner, tmp_path, first.output)
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[-1] == slug  # the export carries the slug
    second = runner.invoke(args=["event", "export", slug, "-o", str(tmp_path / "out.yaml")])
    assert second.exit_code == 0
    assert (tmp_path / "out.yaml").read_text(encoding="utf-8") == first.output
    with app.app_context():
        assert snapshot(event_service.event_by_slug(slug)) == rows_before


def snapshot(event: Event) -> dict:
    return {
        "event": (event.title, event.timezone, event.starts_at, event.ends_at, event.language,
                  event.mode, event.radius_m, event.speed_weight),
        "teams": [(t.name, t.join_code, [(p.name, p.unit) for p in t.members])
                  for t in event.teams],
        "checkpoints": [(c.key, c.code, c.name, c.lat, c.lon, c.radius_m, c.instructions,
                         c.opens, c.closes) for c in event.checkpoints],
        "tasks": [(t.checkpoint.key if t.checkpoint else None, t.kind, t.prompt, t.choices,
                   t.answer, t.points, t.time_limit_s, t.rubric) for t in event.tasks],
    }  # fmt: skip


def test_importing_an_export_next_to_its_original_is_refused(app, runner, tmp_path):
    slug = import_file(runner, tmp_path, GOOD).output.splitlines()[-1]
    exported = runner.invoke(args=["event", "export", slug]).output
    with app.app_context():
        before = counts()
    result = import_file(runner, tmp_path, exported, "copy.yaml")
    assert result.exit_code == 1
    assert f"an event with slug '{slug}' exists" in result.output
    assert "is used by another event" in result.output
    with app.app_context():
        assert counts() == before


BAD_INPUTS = {
    "bad time zone": (GOOD.replace("Asia/Jakarta", "Asia/Atlantis"),
                      ["line 2: timezone: unknown time zone 'Asia/Atlantis'"]),
    "end before start": (GOOD.replace("ends: 2023-10-06 17:00", "ends: 2023-10-06 06:00"),
                         ["line 4: ends:"]),
    "latitude 95": (GOOD.replace("-7.97713", "95"),
                    ["line 12: checkpoints[0].lat: latitude must be between -90 and 90"]),
    "answer not among the choices": (GOOD.replace('answer: "1953"', 'answer: "1999"'),
                                     ["checkpoints[0].tasks[0].answer: the answer '1999' is not "
                                      "one of the choices"]),
    "duplicate keys": (GOOD.replace("language: id\n", "language: id\nlanguage: en\n"),
                       ["line 6: language: duplicate field 'language'"]),
    "duplicate checkpoint keys": (
        GOOD.replace("tasks: []\n", "") + "  - {key: balaikota, name: Again, lat: 1, lon: 1}\n",
        ["checkpoints[1].key"]),
    "negative radius": (GOOD.replace("radius_m: 60", "radius_m: -60"),
                        ["line 14: checkpoints[0].radius_m"]),
    "unknown task type": (GOOD.replace("type: creative", "type: riddle"),
                          ["line 22: checkpoints[0].tasks[1].type"]),
    "empty file": ("", ["the file is empty"]),
    "not YAML": ("title: [unclosed\n  - x: {", ["line 2: this is not valid YAML"]),
    "huge file": ("title: x\n" + "#" * 1_000_001, ["the limit is 1 MB"]),
    "not UTF-8": (None, ["UTF-8"]),
    "a list, not a mapping": ("- title: x\n", ["line 1"]),
}  # fmt: skip


def test_a_bad_file_is_refused_whole(app, runner, tmp_path):
    """Each kind of bad input: exit status 1, its problem named, nothing written."""
    path = tmp_path / "bad.yaml"
    for kind, (text, expected) in BAD_INPUTS.items():
        if text is None:
            path.write_bytes(GOOD.replace("Kota Malang", "Kota M\xe1lang").encode("latin-1"))
        else:
            path.write_text(text, encoding="utf-8")
        result = runner.invoke(args=["event", "import", str(path)])
        assert result.exit_code == 1, (kind, result.output)
        assert "refused, nothing was imported" in result.output, kind
        for fragment in expected:
            assert fragment in result.output, (kind, result.output)
    with app.app_context():
        assert counts() == dict.fromkeys(counts(), 0)


def test_every_problem_is_listed_at_once(app, runner, tmp_path):
    bad = (
        GOOD.replace("Asia/Jakarta", "Asia/Atlantis")
        .replace("-7.97713", "95")
        .replace('answer: "1953"', 'answer: "1999"')
        .replace("type: creative", "type: riddle")
    )
    result = import_file(runner, tmp_path, bad)
    assert result.exit_code == 1
    assert "(4 problems)" in result.output
    problem_lines = [line for line in result.output.splitlines() if line.startswith("  line ")]
    assert [line.split(":")[0].strip() for line in problem_lines] == [
        "line 2",
        "line 12",
        "line 19",
        "line 22",
    ]


def test_missing_file_and_unknown_slug(runner, tmp_path):
    missing = runner.invoke(args=["event", "import", str(tmp_path / "nope.yaml")])
    assert missing.exit_code != 0 and "cannot read" in missing.output
    for command in (
        ["export", "nope"],
        ["links", "nope"],
        ["sheets", "nope", "-o", "x.pdf"],
        ["badges", "nope", "-o", "x.pdf"],
    ):
        result = runner.invoke(args=["event", *command])
        assert result.exit_code == 1 and "no event with slug 'nope'" in result.output, command


def test_links_csv_uses_public_url(app, runner, tmp_path):
    slug = import_file(runner, tmp_path, GOOD).output.splitlines()[-1]
    result = runner.invoke(args=["event", "links", slug])
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["team", "name", "login_url"]
    with app.app_context():
        tokens = {p.name: p.login_token for p in db.session.scalars(select(Participant))}
    assert rows[1:] == [
        ["Kelompok 1", "Camat Talang Ubi",
         f"https://quiz.example.org/in/{tokens['Camat Talang Ubi']}"],
        ["Kelompok 1", "Kepala Dinas Pendidikan",
         f"https://quiz.example.org/in/{tokens['Kepala Dinas Pendidikan']}"],
    ]  # fmt: skip


def test_organizer_create_and_reset(app, runner, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("long enough secret\n")
    created = runner.invoke(
        args=[
            "organizer",
            "create",
            "Ana@Example.org",
            "--password-file",
            str(secret),
            "--no-admin",
        ]
    )
    assert created.exit_code == 0 and "created organizer ana@example.org" in created.output
    prompted = runner.invoke(
        args=["organizer", "create", "ana@example.org"], input="another secret\nanother secret\n"
    )
    assert prompted.exit_code == 0 and "updated organizer" in prompted.output
    with app.app_context():
        organizer = db.session.scalar(select(Organizer))
        assert organizer.check_password("another secret") and not organizer.is_admin
    short = runner.invoke(
        args=["organizer", "create", "b@example.org", "--password-file", "-"], input="short\n"
    )
    assert short.exit_code != 0 and "at least 8 characters" in short.output
    not_email = runner.invoke(
        args=["organizer", "create", "nobody", "--password-file", "-"], input="long enough secret\n"
    )
    assert not_email.exit_code != 0 and "not an e-mail address" in not_email.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Organizer.id))) == 1


@needs_poppler
def test_sheets_and_badges_commands_decode(app, runner, tmp_path):
    slug = runner.invoke(args=["event", "import", str(DEMO)]).output.splitlines()[-1]
    out = tmp_path / "sheets.pdf"
    result = runner.invoke(args=["event", "sheets", slug, "-o", str(out)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        event = event_service.event_by_slug(slug)
        urls = [f"https://quiz.example.org/c/{cp.code}" for cp in event.checkpoints]
        logins = sorted(f"https://quiz.example.org/in/{p.login_token}" for p in event.participants)
    pdf = out.read_bytes()
    assert page_count(pdf) == len(urls) >= 3
    (tmp_path / "s").mkdir()
    pages = rasterize(pdf, tmp_path / "s")
    assert [decoded(page) for page in pages] == [[url] for url in urls]
    badges = tmp_path / "badges.pdf"
    assert runner.invoke(args=["event", "badges", slug, "-o", str(badges)]).exit_code == 0
    (tmp_path / "b").mkdir()
    found = [
        url for page in rasterize(badges.read_bytes(), tmp_path / "b") for url in decoded(page)
    ]
    assert sorted(found) == logins


def test_sheets_command_refuses_localhost_unless_forced(app, runner, tmp_path):
    slug = import_file(runner, tmp_path, GOOD).output.splitlines()[-1]
    app.config["PUBLIC_URL"] = "http://127.0.0.1:5000"
    out = tmp_path / "sheets.pdf"
    for command in ("sheets", "badges"):
        refused = runner.invoke(args=["event", command, slug, "-o", str(out)])
        assert refused.exit_code == 1
        assert "phones that scan the printed codes cannot open them" in refused.output
        assert "--force" in refused.output
        assert not out.exists()
    forced = runner.invoke(args=["event", "sheets", slug, "-o", str(out), "--force"])
    assert forced.exit_code == 0 and out.read_bytes().startswith(b"%PDF-")


@needs_poppler
def test_badges_of_one_team_or_one_participant(app, runner, tmp_path):
    """``--team`` and ``--participant`` name whose badges to print (as written or apart from
    capitals); an unknown name fails with nothing written."""
    slug = runner.invoke(args=["event", "import", str(DEMO)]).output.splitlines()[-1]
    with app.app_context():
        event = event_service.event_by_slug(slug)
        team = event.teams[0]
        members = sorted(f"https://quiz.example.org/in/{p.login_token}" for p in team.members)
        one = event.participants[-1]
        one_name, one_url = one.name, f"https://quiz.example.org/in/{one.login_token}"
        team_name, everyone = team.name, len(event.participants)
    out = tmp_path / "team.pdf"
    shouted = team_name.upper()
    result = runner.invoke(args=["event", "badges", slug, "-o", str(out), "--team", shouted])
    assert result.exit_code == 0, result.output
    (tmp_path / "t").mkdir()
    found = [u for page in rasterize(out.read_bytes(), tmp_path / "t") for u in decoded(page)]
    assert sorted(found) == members and 1 <= len(members) < everyone
    solo = tmp_path / "one.pdf"
    args = ["event", "badges", slug, "-o", str(solo), "--participant", one_name]
    assert runner.invoke(args=args).exit_code == 0
    (tmp_path / "p").mkdir()
    assert [decoded(p) for p in rasterize(solo.read_bytes(), tmp_path / "p")] == [[one_url]]
    missing = tmp_path / "missing.pdf"
    bad = runner.invoke(args=["event", "badges", slug, "-o", str(missing), "--team", "Nobody"])
    assert bad.exit_code == 1 and "No team of this event is called “Nobody”." in bad.output
    assert not missing.exists()
