"""Event files: the DESIGN.md example, the demo, round trips and the refused files."""

import time as clock
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from checkpoints import eventfile
from checkpoints.eventfile import (
    MAX_FILE_BYTES,
    EventFileError,
    EventSpec,
    Problem,
    dump_event_file,
    parse_event_file,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "events"

# The example from DESIGN.md, "Contract: event files", verbatim.
DESIGN_EXAMPLE = """\
title: Capacity Building - Kota Malang
timezone: Asia/Jakarta
starts: 2023-10-06 07:00        # local to timezone
ends: 2023-10-06 17:00
language: id                    # id | en
mode: team                      # team | individual
radius_m: 50                    # default geofence radius
speed_weight: 0.5               # share of a question's points that decays to the deadline
teams:
  - name: Kelompok 1
    participants: [{name: Kepala Dinas Pendidikan}, {name: Camat Talang Ubi}]
checkpoints:
  - key: balaikota              # stable id inside the file
    name: Balai Kota Malang
    lat: -7.97713
    lon: 112.63400
    radius_m: 60                # optional
    instructions: Find the Tugu fountain in front of the city hall.
    tasks:
      - type: question
        prompt: In which year was the Tugu monument inaugurated?
        choices: ["1946", "1953", "1962"]     # omit for free text / number
        answer: "1953"          # text: a string or a list of accepted answers; number: {value, tolerance}
        time_limit_s: 90
        points: 100
      - type: creative
        prompt: A team photo that shows the spirit of public service.
        points: 200
        time_limit_s: 900
tasks: []                       # tasks that need no place
"""  # noqa: E501

# Lines 1-4 of most test files below.
HEAD = """\
title: T
timezone: Asia/Jakarta
starts: 2026-12-05 07:00
ends: 2026-12-05 17:00
"""
# Lines 5-9: one valid checkpoint.
CHECKPOINT = (
    HEAD
    + """\
checkpoints:
  - key: tugu
    name: Tugu
    lat: -7.78290
    lon: 110.36707
"""
)


@pytest.fixture(autouse=True, params=["libyaml", "pure-python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run every test with the libyaml fast path and with the strict pure-Python loader."""
    if request.param == "pure-python":
        monkeypatch.setattr(eventfile.loading, "_CLoader", None)
    return request.param


def refused(data: str | bytes) -> list[Problem]:
    with pytest.raises(EventFileError) as info:
        parse_event_file(data)
    assert info.value.problems, "an EventFileError always names its problems"
    return info.value.problems


def one(data: str | bytes) -> Problem:
    problems = refused(data)
    assert len(problems) == 1, problems
    return problems[0]


# --- valid files --------------------------------------------------------------------------


def test_design_example_parses():
    spec = parse_event_file(DESIGN_EXAMPLE)
    assert spec.title == "Capacity Building - Kota Malang"
    assert spec.timezone == "Asia/Jakarta"
    assert spec.starts == datetime(2023, 10, 6, 7, 0)
    assert spec.ends == datetime(2023, 10, 6, 17, 0)
    assert spec.starts.tzinfo is None
    assert (spec.language, spec.mode, spec.radius_m, spec.speed_weight) == ("id", "team", 50, 0.5)
    assert [t.name for t in spec.teams] == ["Kelompok 1"]
    assert [p.name for p in spec.teams[0].participants] == [
        "Kepala Dinas Pendidikan",
        "Camat Talang Ubi",
    ]
    (checkpoint,) = spec.checkpoints
    assert (checkpoint.key, checkpoint.name) == ("balaikota", "Balai Kota Malang")
    assert (checkpoint.lat, checkpoint.lon, checkpoint.radius_m) == (-7.97713, 112.634, 60)
    assert checkpoint.instructions == "Find the Tugu fountain in front of the city hall."
    question, creative = checkpoint.tasks
    assert (question.type, question.kind) == ("question", "choice")
    assert question.choices == ["1946", "1953", "1962"]
    assert question.answer == "1953"
    assert (question.time_limit_s, question.points) == (90, 100)
    assert (creative.type, creative.kind, creative.points) == ("creative", "creative", 200)
    assert creative.answer is None and creative.choices is None
    assert creative.submit == "photo_text"
    assert spec.tasks == []


def test_design_example_round_trips():
    spec = parse_event_file(DESIGN_EXAMPLE)
    text = dump_event_file(spec)
    assert parse_event_file(text) == spec
    assert dump_event_file(parse_event_file(text)) == text


def test_dump_keeps_the_design_layout():
    text = dump_event_file(parse_event_file(DESIGN_EXAMPLE))
    assert list(yaml.safe_load(text)) == [
        "title",
        "timezone",
        "starts",
        "ends",
        "language",
        "mode",
        "radius_m",
        "speed_weight",
        "teams",
        "checkpoints",
        "tasks",
    ]
    assert "\nstarts: 2023-10-06 07:00\n" in text
    assert "\nends: 2023-10-06 17:00\n" in text
    assert "\ntasks: []\n" in text
    task_keys = list(yaml.safe_load(text)["checkpoints"][0]["tasks"][0])
    assert task_keys == ["type", "prompt", "choices", "answer", "time_limit_s", "points"]
    checkpoint_keys = list(yaml.safe_load(text)["checkpoints"][0])
    assert checkpoint_keys == ["key", "name", "lat", "lon", "radius_m", "instructions", "tasks"]
    # defaults that would only add noise are left out
    for absent in (
        "accuracy_cap_m",
        "max_speed_kmh",
        "freeze",
        "slug",
        "team_code_login",
        "blind_judging",
        "review_policy",
        "rubric",
        "submit",
        "code",
        "opens",
    ):
        assert f"{absent}:" not in text


def test_dump_writes_unicode_and_multiline_text_readably():
    spec = parse_event_file(HEAD.replace("title: T", "title: Jelajah Kota — Café Ñ"))
    spec.tasks = parse_event_file(DESIGN_EXAMPLE).checkpoints[0].tasks
    spec.tasks[0].prompt = "First line.\nSecond line.\n"
    text = dump_event_file(spec)
    assert "title: Jelajah Kota — Café Ñ\n" in text
    assert "prompt: |\n      First line.\n      Second line.\n" in text
    assert parse_event_file(text) == spec


def test_demo_event():
    spec = parse_event_file((ROOT / "examples" / "demo.yaml").read_bytes())
    assert (spec.timezone, spec.language, spec.mode) == ("Asia/Jakarta", "id", "team")
    assert spec.starts == datetime(2026, 12, 5, 7, 0)
    assert spec.ends == datetime(2026, 12, 5, 17, 0)
    assert len(spec.teams) == 3
    assert all(3 <= len(team.participants) <= 4 for team in spec.teams)
    assert all(p.unit for team in spec.teams for p in team.participants)
    assert len(spec.checkpoints) == 5
    assert all(1 <= len(c.tasks) <= 2 for c in spec.checkpoints)
    for checkpoint in spec.checkpoints:  # Yogyakarta's old town
        assert -7.82 < checkpoint.lat < -7.77 and 110.35 < checkpoint.lon < 110.38
    kinds = {t.kind for c in spec.checkpoints for t in c.tasks}
    assert kinds == {"choice", "text", "number", "creative"}
    assert any(t.kind == "text" and len(t.answer) > 1 for c in spec.checkpoints for t in c.tasks)
    assert any(
        t.kind == "number" and t.answer["tolerance"] > 0 for c in spec.checkpoints for t in c.tasks
    )
    assert any(
        t.kind == "creative" and "photo" in t.submit for c in spec.checkpoints for t in c.tasks
    )
    assert len(spec.tasks) == 1
    assert parse_event_file(dump_event_file(spec)) == spec


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yaml")), ids=lambda p: p.name)
def test_fixture_files_parse_and_round_trip(path: Path):
    spec = parse_event_file(path.read_bytes())
    assert isinstance(spec, EventSpec)
    text = dump_event_file(spec)
    assert parse_event_file(text) == spec
    assert dump_event_file(parse_event_file(text)) == text


def test_fixture_files_exist():
    assert {p.name for p in FIXTURES.glob("*.yaml")} >= {
        "minimal.yaml",
        "individual.yaml",
        "english.yaml",
    }


# --- refused files: each problem has its exact line, field and a useful message ------------


def test_bad_time_zone():
    problem = one(HEAD.replace("Asia/Jakarta", "Asia/Jakarte"))
    assert (problem.line, problem.field) == (2, "timezone")
    assert problem.message == (
        "unknown time zone 'Asia/Jakarte'; use an IANA time zone name "
        "such as Asia/Jakarta (did you mean 'Asia/Jakarta'?)"
    )


def test_end_before_start():
    problem = one(HEAD.replace("ends: 2026-12-05 17:00", "ends: 2026-12-05 06:30"))
    assert (problem.line, problem.field) == (4, "ends")
    assert problem.message == (
        "the event must end after it starts: ends 2026-12-05 06:30 is "
        "not later than starts 2026-12-05 07:00"
    )


def test_latitude_out_of_range():
    problem = one(CHECKPOINT.replace("lat: -7.78290", "lat: 95"))
    assert str(problem) == "line 8: checkpoints[0].lat: latitude must be between -90 and 90, got 95"


def test_choice_answer_not_among_the_choices():
    problem = one(
        CHECKPOINT
        + """\
    tasks:
      - type: question
        prompt: In which year?
        choices: ["1946", "1953", "1962"]
        answer: "1935"
        time_limit_s: 60
        points: 100
"""
    )
    assert (problem.line, problem.field) == (14, "checkpoints[0].tasks[0].answer")
    assert problem.message == (
        "the answer '1935' is not one of the choices ('1946', '1953', '1962')"
    )


def test_duplicate_checkpoint_keys():
    problem = one(
        CHECKPOINT
        + """\
  - key: tugu
    name: Tugu again
    lat: -7.8
    lon: 110.4
"""
    )
    assert (problem.line, problem.field) == (10, "checkpoints[1].key")
    assert problem.message == (
        "checkpoint key 'tugu' is already used by checkpoints[0].key on "
        "line 6; each checkpoint key must be unique within the event"
    )


def test_duplicate_yaml_mapping_keys():
    problem = one(HEAD + "title: Another title\n")
    assert (problem.line, problem.field) == (5, "title")
    assert problem.message == (
        "duplicate field 'title': it is already given on line 1; give each field once"
    )


def test_duplicate_yaml_mapping_keys_deep_in_the_file():
    problem = one(CHECKPOINT + "    lat: -7.9\n")
    assert (problem.line, problem.field) == (10, "checkpoints[0].lat")
    assert "already given on line 8" in problem.message


def test_negative_radius():
    problem = one(CHECKPOINT + "    radius_m: -5\n")
    assert (problem.line, problem.field) == (10, "checkpoints[0].radius_m")
    assert problem.message == "the radius must be more than 0 and at most 50000 metres, got -5"


def test_unknown_task_type():
    problem = one(
        HEAD
        + """\
tasks:
  - type: quiz
    prompt: Anything?
    answer: yes
    time_limit_s: 60
    points: 10
"""
    )
    assert (problem.line, problem.field) == (6, "tasks[0].type")
    assert problem.message == "the task type must be 'question' or 'creative', got 'quiz'"


@pytest.mark.parametrize("data", ["", "   \n\t\n", b"", b"\n\n", "\ufeff", b"\xef\xbb\xbf  "])
def test_empty_file(data: str | bytes):
    assert one(data) == Problem(None, "", "the file is empty")
    assert str(one(data)) == "the file is empty"


def test_file_with_only_comments():
    assert one("# nothing here yet\n") == Problem(
        None, "", "the file is empty (it holds only comments)"
    )


def test_not_yaml():
    problem = one("title: T\ntimezone: Asia/Jakarta\n  starts: 2026-12-05 07:00\n")
    assert (problem.line, problem.field) == (3, "")
    assert problem.message.startswith("this is not valid YAML: mapping values are not allowed")
    assert "check the indentation" in problem.message


def test_not_yaml_unclosed_bracket():
    problem = one(HEAD + "teams: [{name: A}\ncheckpoints: []\n")
    assert problem.line == 6
    assert problem.message.startswith("this is not valid YAML")


def test_huge_file():
    problem = one("#" * 3_200_000)
    assert problem == Problem(None, "", "the file is 3.2 MB; the limit is 1 MB")


def test_file_just_over_the_limit():
    problem = one(b"#" * (MAX_FILE_BYTES + 1))
    assert problem.message == ("the file is 1,000,001 bytes; the limit is 1 MB (1,000,000 bytes)")


def test_file_size_counts_utf8_bytes():
    text = "# " + "é" * (MAX_FILE_BYTES // 2) + "\n" + HEAD  # fewer characters than the limit
    assert len(text) < MAX_FILE_BYTES
    assert "the limit is 1 MB" in one(text).message


def test_top_level_list():
    problem = one("- title: T\n- timezone: Asia/Jakarta\n")
    assert (problem.line, problem.field) == (1, "")
    assert problem.message == (
        "the top level must be a mapping of event fields "
        "(title:, timezone:, starts: ...), got a list"
    )


def test_top_level_scalar():
    assert one("just some words\n").message.endswith("got text 'just some words'")


def test_alias_bomb():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    started = clock.perf_counter()
    problem = one("\n".join(lines) + "\n")
    assert clock.perf_counter() - started < 1
    assert (problem.line, problem.field) == (2, "")
    assert problem.message == (
        "YAML aliases (*a) are not allowed in event files; write the value out in full"
    )


def test_single_alias_is_refused_too():
    problem = one(HEAD + "language: &lang en\nmode: *lang\n")
    assert problem.line == 6 and "aliases (*lang)" in problem.message


def test_wrong_type_quoted_number():
    problem = one(
        HEAD
        + """\
tasks:
  - type: creative
    prompt: A photo.
    time_limit_s: 600
    points: "100"
"""
    )
    assert (problem.line, problem.field) == (9, "tasks[0].points")
    assert problem.message == "points must be a whole number, got text '100' (remove the quotes)"


def test_wrong_type_text_for_a_number():
    problem = one(CHECKPOINT.replace("lat: -7.78290", "lat: north"))
    assert str(problem) == "line 8: checkpoints[0].lat: latitude must be a number, got text 'north'"


def test_wrong_type_list_for_text():
    problem = one(HEAD.replace("title: T", "title: [a, b]"))
    assert (problem.line, problem.field) == (1, "title")
    assert problem.message == "the title must be text, got a list"


def test_unknown_field_with_suggestion():
    problem = one(CHECKPOINT + "    radius: 60\n")
    assert (problem.line, problem.field) == (10, "checkpoints[0].radius")
    assert problem.message == "unknown field 'radius'; did you mean 'radius_m'?"


def test_unknown_field_without_suggestion_lists_the_fields():
    problem = one(HEAD + "colour: blue\n")
    assert (problem.line, problem.field) == (5, "colour")
    assert problem.message.startswith("unknown field 'colour'; an event can have: title, slug,")


def test_invalid_utf8():
    data = (HEAD + "teams:\n  - name: Caf").encode() + b"\xe9\n"
    problem = one(data)
    assert (problem.line, problem.field) == (6, "")
    assert problem.message == (
        "the file is not UTF-8 text: byte 0xe9 cannot be read; save the file as UTF-8"
    )


def test_all_problems_are_reported_in_line_order():
    text = """\
title: ""
timezone: WIB
starts: 2026-12-05 07:00
ends: 2026-12-04 07:00
mode: teams
speed_weight: 2
checkpoints:
  - key: Balai Kota
    name: Balai Kota
    lat: 95
    lon: 200
    radius: 10
    tasks:
      - type: question
        prompt: Which?
        choices: [A, A]
        answer: C
        time_limit_s: 1
        points: 100
  - key: pasar
    name: Pasar
    lat: -7
    lon: 110
    lat: -8
teams:
  - name: Kelompok 1
    participants: [Budi, Sari]
  - name: Kelompok 2
    participants: [{name: budi}]
"""
    problems = refused(text)
    assert [(p.line, p.field) for p in problems] == [
        (1, "title"),
        (2, "timezone"),
        (4, "ends"),
        (5, "mode"),
        (6, "speed_weight"),
        (8, "checkpoints[0].key"),
        (10, "checkpoints[0].lat"),
        (11, "checkpoints[0].lon"),
        (12, "checkpoints[0].radius"),
        (16, "checkpoints[0].tasks[0].choices[1]"),
        (17, "checkpoints[0].tasks[0].answer"),
        (18, "checkpoints[0].tasks[0].time_limit_s"),
        (24, "checkpoints[1].lat"),
        (29, "teams[1].participants[0].name"),
    ]
    messages = [p.message for p in problems]
    assert messages[1] == (
        "'WIB' is an abbreviation, not a time zone name; write Asia/Jakarta "
        "(IANA time zone names only)"
    )
    assert messages[3] == "mode must be 'team' or 'individual', got 'teams' (did you mean 'team'?)"
    assert "participant name 'budi' is already used by teams[0].participants[0]" in messages[-1]
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    with pytest.raises(EventFileError) as info:
        parse_event_file(text)
    assert str(info.value).startswith("14 problems in the event file:\nline 1: title: ")
