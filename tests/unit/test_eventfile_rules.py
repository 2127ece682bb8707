"""Event files: one test per validation rule, plus the odd corners of YAML."""

import pickle
from datetime import datetime, time

import pytest

from checkpoints import eventfile
from checkpoints.eventfile import (
    EventFileError,
    EventSpec,
    ParticipantSpec,
    Problem,
    TaskSpec,
    dump_event_file,
    parse_event_file,
)

HEAD = """\
title: T
timezone: Asia/Jakarta
starts: 2026-12-05 07:00
ends: 2026-12-05 17:00
"""
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
    return info.value.problems


def one(data: str | bytes) -> Problem:
    problems = refused(data)
    assert len(problems) == 1, problems
    return problems[0]


def task(body: str) -> str:
    """A file whose only location-free task has ``body`` (indented 4); task starts on line 6."""
    return HEAD + "tasks:\n  - " + body.strip().replace("\n", "\n    ") + "\n"


QUESTION = "type: question\nprompt: Q?\ntime_limit_s: 60\npoints: 100\n"


# --- the event ----------------------------------------------------------------------------


def test_missing_required_fields_are_all_named():
    problems = refused("language: en\n")
    assert [(p.line, p.field) for p in problems] == [
        (1, "title"),
        (1, "timezone"),
        (1, "starts"),
        (1, "ends"),
    ]
    assert problems[1].message == (
        "the required field 'timezone' is missing: write an IANA time "
        "zone name such as Asia/Jakarta"
    )


def test_optional_settings_are_read():
    spec = parse_event_file(
        HEAD
        + """\
freeze: 2026-12-05 16:30
slug: demo-2026
language: en
mode: individual
radius_m: 25.5
speed_weight: 0
accuracy_cap_m: 40
max_speed_kmh: 30
team_code_login: true
blind_judging: yes
review_policy: last
"""
    )
    assert spec.freeze == datetime(2026, 12, 5, 16, 30)
    assert (spec.slug, spec.language, spec.mode) == ("demo-2026", "en", "individual")
    assert (spec.radius_m, spec.speed_weight, spec.accuracy_cap_m, spec.max_speed_kmh) == (
        25.5,
        0,
        40,
        30,
    )
    assert spec.team_code_login and spec.blind_judging and spec.review_policy == "last"


def test_defaults():
    spec = parse_event_file(HEAD)
    assert spec == EventSpec(
        title="T",
        timezone="Asia/Jakarta",
        starts=datetime(2026, 12, 5, 7),
        ends=datetime(2026, 12, 5, 17),
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Asia/jakarta", "(did you mean 'Asia/Jakarta'?)"),
        ("UTC+7", "use an IANA time zone name such as Asia/Jakarta"),
        ("WITA", "write Asia/Makassar"),
        ("localtime", "unknown time zone 'localtime'"),
        ("/etc/localtime", "unknown time zone"),
        ("Asia", "unknown time zone 'Asia'"),
    ],
)
def test_time_zone_must_be_an_iana_name(value: str, message: str):
    problem = one(HEAD.replace("Asia/Jakarta", value))
    assert (problem.line, problem.field) == (2, "timezone")
    assert message in problem.message


@pytest.mark.parametrize("zone", ["UTC", "Asia/Makassar", "America/Argentina/Buenos_Aires"])
def test_other_time_zones(zone: str):
    assert parse_event_file(HEAD.replace("Asia/Jakarta", zone)).timezone == zone


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-12-05 07:00", datetime(2026, 12, 5, 7, 0)),
        ("2026-12-05 7:05", datetime(2026, 12, 5, 7, 5)),
        ("'2026-12-05 07:00'", datetime(2026, 12, 5, 7, 0)),
        ("2026-12-05 07:00:30", datetime(2026, 12, 5, 7, 0, 30)),  # a YAML timestamp
        ("2026-12-05T07:00:00", datetime(2026, 12, 5, 7, 0)),
        ("2026-12-05t07:00:00.25", datetime(2026, 12, 5, 7, 0, 0, 250000)),
        ("2026-12-05 07.00", datetime(2026, 12, 5, 7, 0)),  # Indonesian style
    ],
)
def test_start_time_forms(written: str, expected: datetime):
    assert parse_event_file(HEAD.replace("2026-12-05 07:00", written)).starts == expected


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2026-12-05 07:00+07:00", "has a UTC offset; times in an event file are local"),
        ("2026-12-05T07:00:00Z", "has a UTC offset"),
        ("2026-12-05 07:00:00 -5", "has a UTC offset"),
        ("2026-12-05", "has a date but no time; write YYYY-MM-DD HH:MM"),
        ("2026-02-30 07:00", "'2026-02-30 07:00' is not a real date and time"),
        ("2026-12-05 25:00", "is not a real date and time"),
        ("05/12/2026 07:00", "starts must be written YYYY-MM-DD HH:MM"),
        ("tomorrow", "got 'tomorrow'"),
        ("[2026]", "got a list"),
    ],
)
def test_bad_start_times(written: str, message: str):
    problem = one(HEAD.replace("2026-12-05 07:00", written))
    assert (problem.line, problem.field) == (3, "starts")
    assert message in problem.message


def test_window_longer_than_14_days():
    problem = one(HEAD.replace("ends: 2026-12-05 17:00", "ends: 2026-12-19 07:01"))
    assert (problem.line, problem.field) == (4, "ends")
    assert problem.message == "the event lasts 14 days 0 hours; the limit is 14 days"
    parse_event_file(HEAD.replace("ends: 2026-12-05 17:00", "ends: 2026-12-19 07:00"))


def test_ends_equal_to_starts():
    assert one(HEAD.replace("17:00", "07:00")).field == "ends"


@pytest.mark.parametrize("freeze", ["2026-12-05 06:59", "2026-12-05 17:01"])
def test_freeze_outside_the_window(freeze: str):
    problem = one(HEAD + f"freeze: {freeze}\n")
    assert (problem.line, problem.field) == (5, "freeze")
    assert problem.message == (
        f"the leaderboard freeze {freeze} must be between starts "
        "(2026-12-05 07:00) and ends (2026-12-05 17:00)"
    )


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ("language: fr", "language", "language must be 'id' or 'en', got 'fr'"),
        ("mode: solo", "mode", "mode must be 'team' or 'individual', got 'solo'"),
        (
            "review_policy: max",
            "review_policy",
            "review_policy must be 'mean' or 'last', got 'max'",
        ),
        ("speed_weight: 1.5", "speed_weight", "speed_weight must be between 0 and 1, got 1.5"),
        ("speed_weight: -0.1", "speed_weight", "speed_weight must be between 0 and 1, got -0.1"),
        (
            "radius_m: 0",
            "radius_m",
            "the radius must be more than 0 and at most 50000 metres, got 0",
        ),
        ("radius_m: 50001", "radius_m", "at most 50000 metres, got 50001"),
        ("radius_m: .inf", "radius_m", "radius_m must be a finite number, got .inf"),
        ("radius_m: .nan", "radius_m", "radius_m must be a finite number, got .nan"),
        ("radius_m: true", "radius_m", "radius_m must be a number, got true/false (true)"),
        ("accuracy_cap_m: -1", "accuracy_cap_m", "accuracy_cap_m must be more than 0"),
        ("max_speed_kmh: 0", "max_speed_kmh", "max_speed_kmh must be more than 0"),
        ("team_code_login: 'yes'", "team_code_login", "must be true or false, got text 'yes'"),
        ("blind_judging: 1", "blind_judging", "must be true or false, got the number 1"),
        ("slug: Demo 2026", "slug", "the slug 'Demo 2026' is not valid: use 1-64 lowercase"),
        ("teams: {name: A}", "teams", "teams must be a list (one '- ' entry each), got a mapping"),
    ],
)
def test_event_settings_rules(line: str, field: str, message: str):
    problem = one(HEAD + line + "\n")
    assert (problem.line, problem.field) == (5, field)
    assert message in problem.message


def test_title_length_cap():
    problem = one(HEAD.replace("title: T", "title: " + "x" * 201))
    assert (problem.line, problem.field) == (1, "title")
    assert problem.message == "the title is 201 characters long; the limit is 200"


def test_numbers_in_exponent_form_are_numbers():
    assert parse_event_file(HEAD + "radius_m: 1e3\n").radius_m == 1000


def test_title_must_be_one_line():
    problem = one(HEAD.replace("title: T", 'title: "two\\nlines"'))
    assert problem.message == "the title must fit on one line"


# --- teams and participants ---------------------------------------------------------------


def test_participants_as_bare_strings_and_individual_mode_with_teams():
    spec = parse_event_file(
        HEAD
        + """\
mode: individual
teams:
  - name: Semua
    participants: [Budi, {name: Sari, unit: Bappeda}]
  - name: Kosong
"""
    )
    assert spec.mode == "individual"
    assert spec.teams[0].participants == [
        ParticipantSpec("Budi"),
        ParticipantSpec("Sari", "Bappeda"),
    ]
    assert spec.teams[1].participants == []


def test_participant_names_are_unique_across_the_event():
    problems = refused(
        HEAD
        + """\
teams:
  - name: A
    participants: [Budi Santoso]
  - name: B
    participants:
      - budi  santoso
"""
    )
    assert [(p.line, p.field) for p in problems] == [(10, "teams[1].participants[0]")]
    assert problems[0].message == (
        "participant name 'budi  santoso' is already used by teams[0].participants[0] on line 7; "
        "each participant name must be unique within the event"
    )


def test_team_rules():
    problems = refused(
        HEAD
        + """\
teams:
  - name: Merah
    code: ABCD
  - name: merah
    code: abcd
  - name: ""
  - name: Biru
    code: "bad#code"
  - participants: [X]
  - Hijau
"""
    )
    assert [(p.line, p.field) for p in problems] == [
        (8, "teams[1].name"),
        (9, "teams[1].code"),
        (10, "teams[2].name"),
        (12, "teams[3].code"),
        (13, "teams[4].name"),
        (14, "teams[5]"),
    ]
    messages = [p.message for p in problems]
    assert messages[0].startswith("team name 'merah' is already used by teams[0].name on line 6")
    assert messages[1].startswith("team code 'ABCD' is already used by teams[0].code")
    assert messages[2] == "the team name is empty; it must have some text"
    assert messages[4] == "the required field 'name' is missing: write a name"
    assert messages[5].startswith("a team must be a mapping of fields (name, code, participants")


def test_too_many_participants():
    names = ", ".join(f"p{i}" for i in range(10_001))
    problem = one(HEAD + f"teams:\n  - name: All\n    participants: [{names}]\n")
    assert (problem.line, problem.field) == (7, "teams[0].participants[10000]")
    assert problem.message == "too many participants: an event can have at most 10000"


# --- checkpoints --------------------------------------------------------------------------


def test_checkpoint_optional_fields():
    spec = parse_event_file(
        CHECKPOINT
        + """\
    code: TGV1
    radius_m: 30
    opens: 09.00
    closes: 17:30
    instructions: |
      Line one.
      Line two.
"""
    )
    (checkpoint,) = spec.checkpoints
    assert (checkpoint.code, checkpoint.radius_m) == ("TGV1", 30)
    assert (checkpoint.opens, checkpoint.closes) == (time(9, 0), time(17, 30))
    assert checkpoint.instructions == "Line one.\nLine two.\n"
    assert checkpoint.tasks == []


def test_opening_hours_may_run_past_midnight():
    spec = parse_event_file(CHECKPOINT + "    opens: '20:00'\n    closes: '02:00'\n")
    (checkpoint,) = spec.checkpoints
    assert (checkpoint.opens, checkpoint.closes) == (time(20, 0), time(2, 0))
    assert parse_event_file(dump_event_file(spec)) == spec


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        (
            "    opens: '12:00'\n    closes: '12:00'\n",
            "checkpoints[0].closes",
            "opens and closes are both 12:00: leave both out for a checkpoint that is always open",
        ),
        (
            "    opens: noon\n",
            "checkpoints[0].opens",
            "opens must be a time of day written HH:MM, such as 09:00, got 'noon'",
        ),
        ("    closes: '24:00'\n", "checkpoints[0].closes", "must be a time of day written HH:MM"),
        ("    radius_m: -5\n", "checkpoints[0].radius_m", "got -5"),
        (
            "    instructions: " + "x" * 5001 + "\n",
            "checkpoints[0].instructions",
            "the instructions are 5001 characters long" if False else "is 5001 characters long",
        ),
        ("    code: '#1'\n", "checkpoints[0].code", "the checkpoint code '#1' is not valid"),
        ("    kind: x\n", "checkpoints[0].kind", "unknown field 'kind'"),
        ("    latitude: 1\n", "checkpoints[0].latitude", "did you mean 'lat'?"),
        ("    tasks: {}\n", "checkpoints[0].tasks", "tasks must be a list"),
    ],
)
def test_checkpoint_rules(extra: str, field: str, message: str):
    problems = refused(CHECKPOINT + extra)
    assert problems[-1].field == field
    assert message in problems[-1].message


@pytest.mark.parametrize(
    ("lat", "message"),
    [
        ("-90.5", "latitude must be between -90 and 90, got -90.5"),
        (".nan", "latitude must be a finite number, got .nan"),
        ("-.inf", "latitude must be a finite number, got -.inf"),
        ("", "latitude must be a number, got nothing"),
        ("'-7.7'", "latitude must be a number, got text '-7.7' (remove the quotes)"),
        ("1" * 5000, "latitude must be a number"),
    ],
)
def test_latitude_rules(lat: str, message: str):
    problem = one(CHECKPOINT.replace("lat: -7.78290", f"lat: {lat}"))
    assert (problem.line, problem.field) == (8, "checkpoints[0].lat")
    assert problem.message == message or message in problem.message


def test_longitude_range():
    problem = one(CHECKPOINT.replace("lon: 110.36707", "lon: -180.01"))
    assert problem.message == "longitude must be between -180 and 180, got -180.01"


@pytest.mark.parametrize("key", ["Tugu", "tugu kota", "-tugu", "t" * 41, "tügu", "a.b"])
def test_checkpoint_key_format(key: str):
    problem = one(CHECKPOINT.replace("key: tugu", f"key: {key}"))
    assert (problem.line, problem.field) == (6, "checkpoints[0].key")
    assert "use 1-40 lowercase letters, digits, '_' or '-'" in problem.message


def test_numeric_checkpoint_key_is_text():
    assert parse_event_file(CHECKPOINT.replace("key: tugu", "key: 42")).checkpoints[0].key == "42"


def test_missing_checkpoint_fields():
    problems = refused(HEAD + "checkpoints:\n  - name: Somewhere\n")
    assert [(p.line, p.field) for p in problems] == [
        (6, "checkpoints[0].key"),
        (6, "checkpoints[0].lat"),
        (6, "checkpoints[0].lon"),
    ]


def test_duplicate_checkpoint_codes_ignore_case():
    problem = one(
        CHECKPOINT
        + "    code: AB12\n"
        + """\
  - key: pasar
    name: Pasar
    code: ab12
    lat: -7
    lon: 110
"""
    )
    assert (problem.line, problem.field) == (13, "checkpoints[1].code")
    assert "already used by checkpoints[0].code on line 10" in problem.message


def test_too_many_checkpoints():
    body = "".join(f"  - {{key: c{i}, name: C, lat: 1, lon: 2}}\n" for i in range(1001))
    problem = one(HEAD + "checkpoints:\n" + body)
    assert (problem.line, problem.field) == (6, "checkpoints")
    assert problem.message == "too many checkpoints: 1001 given, at most 1000"


def test_too_many_tasks_on_a_checkpoint():
    body = "".join(
        "      - {type: creative, prompt: P, time_limit_s: 60, points: 1}\n" for _ in range(101)
    )
    problem = one(CHECKPOINT + "    tasks:\n" + body)
    assert (problem.line, problem.field) == (11, "checkpoints[0].tasks")
    assert problem.message == "too many tasks: 101 given, at most 100"


# --- tasks --------------------------------------------------------------------------------


def test_task_kinds_follow_from_the_answer():
    spec = parse_event_file(
        HEAD
        + """\
tasks:
  - {type: question, prompt: A, answer: Jakarta, time_limit_s: 60, points: 10}
  - {type: question, prompt: B, answer: [Bogor, Buitenzorg], time_limit_s: 60, points: 10}
  - {type: question, prompt: C, answer: {value: 1817}, time_limit_s: 60, points: 10}
  - {type: question, prompt: D, answer: {value: 9.5, tolerance: 0.5}, time_limit_s: 60,
     points: 10}
  - {type: question, prompt: E, choices: [x, y], answer: y, time_limit_s: 60, points: 10}
  - {type: creative, prompt: F, submit: text, rubric: Clear, time_limit_s: 60, points: 10,
     title: Reflection}
  - {type: question, prompt: G, answer: 1953, time_limit_s: 60, points: 10}
"""
    )
    assert [(t.kind, t.answer) for t in spec.tasks] == [
        ("text", ["Jakarta"]),
        ("text", ["Bogor", "Buitenzorg"]),
        ("number", {"value": 1817.0, "tolerance": 0.0}),
        ("number", {"value": 9.5, "tolerance": 0.5}),
        ("choice", "y"),
        ("creative", None),
        ("text", ["1953"]),
    ]
    assert spec.tasks[5] == TaskSpec(
        type="creative",
        kind="creative",
        prompt="F",
        points=10,
        time_limit_s=60,
        rubric="Clear",
        submit="text",
        title="Reflection",
    )


@pytest.mark.parametrize(
    ("body", "line", "field", "message"),
    [
        (
            QUESTION + "choices: [only]\nanswer: only",
            10,
            "tasks[0].choices",
            "a choice question needs at least 2 choices, got 1",
        ),
        (
            QUESTION + "choices: [Ya, ya]\nanswer: Ya",
            10,
            "tasks[0].choices[1]",
            "choice 'ya' is already used by tasks[0].choices[0] on line 10",
        ),
        (
            QUESTION + "choices: [a, b]\nanswer: [a]",
            11,
            "tasks[0].answer",
            "a choice question has one correct answer: write one of the choices, got a list",
        ),
        (
            QUESTION + "choices: a, b\nanswer: a",
            10,
            "tasks[0].choices",
            "choices must be a list (one '- ' entry each), got text 'a, b'",
        ),
        (
            QUESTION + "answer: {tolerance: 1}",
            10,
            "tasks[0].answer.value",
            "the required field 'value' is missing: write the correct number",
        ),
        (
            QUESTION + "answer: {value: 5, tolerance: -1}",
            10,
            "tasks[0].answer.tolerance",
            "the tolerance must be 0 or more, got -1",
        ),
        (
            QUESTION + "answer: {value: many}",
            10,
            "tasks[0].answer.value",
            "the value must be a number, got text 'many'",
        ),
        (
            QUESTION + "answer: {value: 5, tol: 1}",
            10,
            "tasks[0].answer.tol",
            "unknown field 'tol'; did you mean 'tolerance'?",
        ),
        (
            QUESTION + "answer: ''",
            10,
            "tasks[0].answer",
            "the answer is empty; it must have some text",
        ),
        (
            QUESTION + "answer: []",
            10,
            "tasks[0].answer",
            "a text answer needs at least one accepted answer",
        ),
        (QUESTION + "answer: [Bogor, '']", 10, "tasks[0].answer[1]", "an accepted answer is empty"),
        (QUESTION, 6, "tasks[0].answer", "a question needs an answer: write the accepted text"),
        (
            QUESTION + "choices: [a, b]",
            6,
            "tasks[0].answer",
            "a question needs an answer: write one of the choices",
        ),
        (
            QUESTION + "answer: x\nrubric: nice",
            11,
            "tasks[0].rubric",
            "'rubric' is only for creative tasks; remove it or make the task creative",
        ),
        (
            "type: creative\nprompt: P\ntime_limit_s: 60\npoints: 10\nanswer: x",
            10,
            "tasks[0].answer",
            "a creative task has no answer: an organizer judges it",
        ),
        (
            "type: creative\nprompt: P\ntime_limit_s: 60\npoints: 10\nchoices: [a, b]",
            10,
            "tasks[0].choices",
            "a creative task has no choices",
        ),
        (
            "type: creative\nprompt: P\ntime_limit_s: 60\npoints: 10\nsubmit: video",
            10,
            "tasks[0].submit",
            "submit must be 'photo', 'text' or 'photo_text', got 'video'",
        ),
        (
            "type: creative\nprompt: ' '\ntime_limit_s: 60\npoints: 10",
            7,
            "tasks[0].prompt",
            "the prompt is empty",
        ),
        (
            "type: creative\nprompt: P\ntime_limit_s: 4\npoints: 10",
            8,
            "tasks[0].time_limit_s",
            "time_limit_s must be from 5 to 86400 seconds, got 4",
        ),
        (
            "type: creative\nprompt: P\ntime_limit_s: 86401\npoints: 10",
            8,
            "tasks[0].time_limit_s",
            "got 86401",
        ),
        (
            "type: creative\nprompt: P\ntime_limit_s: 60\npoints: 100001",
            9,
            "tasks[0].points",
            "points must be from 0 to 100000, got 100001",
        ),
        ("type: creative\nprompt: P\ntime_limit_s: 60\npoints: -1", 9, "tasks[0].points", "got -1"),
        (
            "type: creative\nprompt: P\ntime_limit_s: 60\npoints: 1.5",
            9,
            "tasks[0].points",
            "points must be a whole number, got 1.5",
        ),
        (
            "type: creative\nprompt: P\ntime_limit_s: 60\npoints: 10\nkind: number",
            10,
            "tasks[0].kind",
            "the kind is worked out from the task",
        ),
        (
            "type: creative\nprompt: P\ntime_limit_s: 60",
            6,
            "tasks[0].points",
            "the required field 'points' is missing",
        ),
        (
            "type: creative\nprompt: " + "p" * 5001 + "\ntime_limit_s: 60\npoints: 1",
            7,
            "tasks[0].prompt",
            "the prompt is 5001 characters long; the limit is 5000",
        ),
    ],
)
def test_task_rules(body: str, line: int, field: str, message: str):
    problem = one(task(body))
    assert (problem.line, problem.field) == (line, field)
    assert message in problem.message


def test_whole_float_points_are_accepted():
    spec = parse_event_file(task("type: creative\nprompt: P\ntime_limit_s: 60.0\npoints: 10"))
    assert spec.tasks[0].time_limit_s == 60 and isinstance(spec.tasks[0].time_limit_s, int)


def test_answer_problems_are_still_found_when_the_type_is_wrong():
    problems = refused(
        task("type: quiz\nprompt: Q\ntime_limit_s: 60\npoints: 1\nchoices: [a]\nanswer: b")
    )
    assert [p.field for p in problems] == ["tasks[0].type", "tasks[0].choices", "tasks[0].answer"]


# --- YAML corners -------------------------------------------------------------------------


def test_deep_nesting_is_refused():
    problem = one(HEAD + "x: " + "[" * 200 + "]" * 200 + "\n")
    assert problem.line == 5
    assert problem.message == "the YAML is nested more than 40 levels deep"


def test_tags_other_than_the_standard_ones_are_refused():
    problem = one(HEAD.replace("title: T", "title: !!python/object:os.system T"))
    assert (problem.line, problem.field) == (1, "title")
    assert problem.message.startswith("the YAML tag tag:yaml.org,2002:python/object:os.system")


def test_standard_tags_are_fine():
    assert parse_event_file(HEAD.replace("title: T", "title: !!str 2026")).title == "2026"


def test_more_than_one_document():
    problem = one(HEAD + "---\n" + HEAD)
    assert problem.line == 5
    assert "more than one YAML document" in problem.message


def test_tab_indentation():
    problem = one(HEAD + "teams:\n\t- name: A\n")
    assert problem.line == 6
    assert "indent with spaces, not tabs" in problem.message


def test_control_character():
    problem = one(HEAD + "teams: []\x07\n")
    assert problem.line == 5
    assert problem.message == (
        "the file contains a character YAML does not allow (U+0007); remove it"
    )


def test_utf16_is_refused_with_advice():
    assert one(HEAD.encode("utf-16")).message == "the file is UTF-16 text; save it as UTF-8"


def test_utf8_bom_and_bytes_like_input():
    data = b"\xef\xbb\xbf" + HEAD.encode()
    assert parse_event_file(data).title == "T"
    assert parse_event_file(bytearray(data)).title == "T"
    assert parse_event_file(memoryview(data)).title == "T"
    with pytest.raises(TypeError):
        parse_event_file(42)  # type: ignore[arg-type]


def test_windows_line_endings():
    assert parse_event_file(HEAD.replace("\n", "\r\n")).ends == datetime(2026, 12, 5, 17)


def test_complex_keys_are_refused():
    problem = one(HEAD + "? [a, b]\n: c\n")
    assert problem.line == 5
    assert problem.message == "field names must be plain words, got a list"


def test_merge_keys_are_unknown_fields():
    problem = one(CHECKPOINT + "    <<: {radius_m: 10}\n")
    assert problem.field == "checkpoints[0].<<"
    assert problem.message.startswith("unknown field '<<'")


def test_unknown_fields_with_synonyms():
    problems = refused(CHECKPOINT.replace("lon:", "longitude:"))
    assert [(p.line, p.message) for p in problems] == [
        (
            6,
            "the required field 'lon' is missing: write the longitude in decimal degrees, "
            "e.g. 112.634",
        ),
        (9, "unknown field 'longitude'; did you mean 'lon'?"),
    ]


# --- the error and problem objects --------------------------------------------------------


def test_problem_str():
    assert (
        str(Problem(12, "checkpoints[2].lat", "latitude must be between -90 and 90, got 95"))
        == "line 12: checkpoints[2].lat: latitude must be between -90 and 90, got 95"
    )
    assert str(Problem(3, "", "not valid")) == "line 3: not valid"
    assert str(Problem(None, "title", "empty")) == "title: empty"


def test_error_sorts_deduplicates_and_pickles():
    problems = [
        Problem(9, "b", "x"),
        Problem(None, "", "whole file"),
        Problem(2, "a", "y"),
        Problem(9, "b", "x"),
    ]
    error = EventFileError(problems)
    assert error.problems == [
        Problem(None, "", "whole file"),
        Problem(2, "a", "y"),
        Problem(9, "b", "x"),
    ]
    assert isinstance(error, ValueError)
    assert str(error) == "3 problems in the event file:\nwhole file\nline 2: a: y\nline 9: b: x"
    copy = pickle.loads(pickle.dumps(error))
    assert copy.problems == error.problems and str(copy) == str(error)
    assert str(EventFileError([Problem(1, "a", "b")])) == "line 1: a: b"


def test_error_message_is_capped_but_problems_are_not():
    error = EventFileError([Problem(i, "f", "m") for i in range(1, 151)])
    assert len(error.problems) == 150
    assert str(error).endswith("line 100: f: m\n... and 50 more")


# --- dumping ------------------------------------------------------------------------------


def test_dump_refuses_aware_times():
    from datetime import UTC

    spec = parse_event_file(HEAD)
    spec.starts = spec.starts.replace(tzinfo=UTC)
    with pytest.raises(ValueError, match="naive local times"):
        dump_event_file(spec)


def test_dump_writes_seconds_only_when_needed():
    spec = parse_event_file(HEAD)
    spec.ends = datetime(2026, 12, 5, 17, 0, 30, 5)
    text = dump_event_file(spec)
    assert "ends: '2026-12-05 17:00:30.000005'" in text
    assert parse_event_file(text) == spec


def test_dump_writes_optional_fields():
    text = (
        HEAD + "freeze: 2026-12-05 16:00\nslug: s\nteam_code_login: true\n"
        "blind_judging: true\nreview_policy: last\naccuracy_cap_m: 30\nmax_speed_kmh: 20\n"
        "teams:\n  - {name: A, code: K1K1, participants: [{name: B, unit: U}]}\n"
    )
    spec = parse_event_file(text)
    out = dump_event_file(spec)
    for expected in (
        "slug: s\n",
        "freeze: 2026-12-05 16:00\n",
        "team_code_login: true\n",
        "blind_judging: true\n",
        "review_policy: last\n",
        "accuracy_cap_m: 30\n",
        "max_speed_kmh: 20\n",
        "code: K1K1\n",
        "- {name: B, unit: U}\n",
    ):
        assert expected in out
    assert parse_event_file(out) == spec


def test_libyaml_fast_path_is_used_for_clean_files(loader: str):
    if loader != "libyaml" or eventfile.loading._CLoader is None:
        pytest.skip("libyaml is not in use")
    assert eventfile.loading._compose_fast(HEAD) is not eventfile.loading._SLOW
    for tricky in (
        HEAD + "a: &x 1\nb: *x\n",
        HEAD + "x: " + "[" * 50 + "]" * 50 + "\n",
        HEAD + "  bad: indent\n",
    ):
        assert eventfile.loading._compose_fast(tricky) is eventfile.loading._SLOW
