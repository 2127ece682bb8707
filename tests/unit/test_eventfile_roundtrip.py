"""Event files: parse_event_file(dump_event_file(spec)) == spec for generated valid specs."""

import contextlib
from datetime import datetime, timedelta
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkpoints import eventfile
from checkpoints.eventfile import (
    CheckpointSpec,
    EventFileError,
    EventSpec,
    ParticipantSpec,
    TaskSpec,
    TeamSpec,
    dump_event_file,
    parse_event_file,
)

LINE_BREAKS = "\n\r\x85\u2028\u2029"


def norm(text: str) -> str:
    """How the parser compares names: case and runs of white space do not matter."""
    return " ".join(text.split()).casefold()


# Any character YAML can carry (escaped if need be), on one line, not blank.
one_line = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters=LINE_BREAKS),
    min_size=1,
    max_size=12,
).filter(str.strip)
# Names drawn mostly from readable text, sometimes from anything.
readable = st.text("abcXYZ 019-_.:#'\"é–\t", min_size=1, max_size=12).filter(str.strip)
name = st.one_of(readable, one_line)
# Multi-line text with any character, including YAML's other line breaks.
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
prose = st.one_of(any_text, st.text("ab \n\t:#-", max_size=30)).filter(str.strip)
finite = st.floats(allow_nan=False, allow_infinity=False)
keys = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,39}", fullmatch=True)
codes = st.from_regex(r"[0-9A-HJKMNP-TV-Z]{4,16}", fullmatch=True)
moments = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2999, 1, 1))


@st.composite
def tasks(draw: st.DrawFn) -> TaskSpec:
    common = {
        "prompt": draw(prose),
        "points": draw(st.integers(0, 100_000)),
        "time_limit_s": draw(st.integers(5, 86_400)),
        "title": draw(st.just("") | name),
    }
    kind = draw(st.sampled_from(["choice", "text", "number", "creative"]))
    if kind == "choice":
        choices = draw(st.lists(name, min_size=2, max_size=5, unique_by=norm))
        return TaskSpec(
            type="question",
            kind=kind,
            choices=choices,
            answer=draw(st.sampled_from(choices)),
            **common,
        )
    if kind == "text":
        return TaskSpec(
            type="question",
            kind=kind,
            answer=draw(st.lists(name, min_size=1, max_size=3)),
            **common,
        )
    if kind == "number":
        answer = {"value": draw(finite), "tolerance": draw(st.floats(0, 1e9))}
        return TaskSpec(type="question", kind=kind, answer=answer, **common)
    return TaskSpec(
        type="creative",
        kind=kind,
        rubric=draw(st.just("") | any_text),
        submit=draw(st.sampled_from(["photo", "text", "photo_text"])),
        **common,
    )


@st.composite
def teams(draw: st.DrawFn) -> list[TeamSpec]:
    team_names = draw(st.lists(name, max_size=4, unique_by=norm))
    people = draw(st.lists(name, max_size=8, unique_by=norm)) if team_names else []
    team_codes = draw(
        st.lists(codes, min_size=len(team_names), max_size=len(team_names), unique_by=str.casefold)
    )
    out = [
        TeamSpec(name=n, participants=[], code=draw(st.none() | st.just(c)))
        for n, c in zip(team_names, team_codes, strict=True)
    ]
    for person in people:
        unit = draw(st.just("") | name)
        out[draw(st.integers(0, len(out) - 1))].participants.append(ParticipantSpec(person, unit))
    return out


@st.composite
def checkpoints(draw: st.DrawFn) -> list[CheckpointSpec]:
    chosen_keys = draw(st.lists(keys, max_size=3, unique=True))
    chosen_codes = draw(
        st.lists(
            codes, min_size=len(chosen_keys), max_size=len(chosen_keys), unique_by=str.casefold
        )
    )
    out = []
    for key, code in zip(chosen_keys, chosen_codes, strict=True):
        hours = draw(st.none() | st.lists(st.times(), min_size=2, max_size=2, unique=True))
        opens, closes = sorted(hours) if hours else (None, None)
        if hours and draw(st.booleans()):
            opens, closes = (None, closes) if draw(st.booleans()) else (opens, None)
        out.append(
            CheckpointSpec(
                key=key,
                name=draw(name),
                lat=draw(st.floats(-90, 90)),
                lon=draw(st.floats(-180, 180)),
                radius_m=draw(st.none() | st.floats(0, 50_000, exclude_min=True)),
                instructions=draw(st.just("") | any_text),
                code=draw(st.none() | st.just(code)),
                opens=opens,
                closes=closes,
                tasks=draw(st.lists(tasks(), max_size=2)),
            )
        )
    return out


@st.composite
def events(draw: st.DrawFn) -> EventSpec:
    starts = draw(moments)
    window = draw(st.timedeltas(timedelta(microseconds=1), timedelta(days=14)))
    ends = starts + window
    freeze = draw(st.none() | st.timedeltas(timedelta(0), window).map(lambda d: starts + d))
    return EventSpec(
        title=draw(name),
        timezone=draw(st.sampled_from(["Asia/Jakarta", "UTC", "Europe/Paris"])),
        starts=starts,
        ends=ends,
        language=draw(st.sampled_from(["id", "en"])),
        mode=draw(st.sampled_from(["team", "individual"])),
        radius_m=draw(st.just(50) | st.floats(0, 50_000, exclude_min=True)),
        speed_weight=draw(st.floats(0, 1)),
        accuracy_cap_m=draw(st.just(100) | st.floats(0, 50_000, exclude_min=True)),
        max_speed_kmh=draw(st.just(150) | st.floats(0, 2000, exclude_min=True)),
        freeze=freeze,
        slug=draw(st.none() | st.from_regex(r"[a-z0-9][a-z0-9-]{0,63}", fullmatch=True)),
        team_code_login=draw(st.booleans()),
        blind_judging=draw(st.booleans()),
        review_policy=draw(st.sampled_from(["mean", "last"])),
        teams=draw(teams()),
        checkpoints=draw(checkpoints()),
        tasks=draw(st.lists(tasks(), max_size=2)),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events())
def test_round_trip(spec: EventSpec):
    text = dump_event_file(spec)
    assert parse_event_file(text) == spec
    assert parse_event_file(text.encode()) == spec
    assert dump_event_file(parse_event_file(text)) == text
    with mock.patch.object(eventfile.loading, "_CLoader", None):  # the strict pure-Python loader
        assert parse_event_file(text) == spec


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_any_title_text_either_parses_back_or_is_refused_cleanly(title: str):
    base = parse_event_file(
        "title: T\ntimezone: UTC\nstarts: 2026-01-01 00:00\nends: 2026-01-01 01:00\n"
    )
    base.title = title
    text = dump_event_file(base)
    try:
        parsed = parse_event_file(text)
    except ValueError as error:  # EventFileError: empty or multi-line titles are refused
        assert not title.strip() or any(c in title for c in LINE_BREAKS), error
    else:
        assert parsed == base


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_garbage_never_crashes(data: bytes | str):
    with contextlib.suppress(EventFileError):
        parse_event_file(data)
    with (
        contextlib.suppress(EventFileError),
        mock.patch.object(eventfile.loading, "_CLoader", None),
    ):
        parse_event_file(data)
