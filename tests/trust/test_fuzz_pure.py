"""Hypothesis on the pure functions of checkpoints/ not yet fuzzed in tests/unit: any input
gives a result or the module's own error, never a crash; key properties hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkpoints.codes import is_well_formed_code, normalize_code
from checkpoints.eventfile import EventFileError, parse_event_file
from checkpoints.flags import PastFix, position_flags
from checkpoints.geofence import Fix, GeoError, Place, decide
from checkpoints.photos import PhotoError, reencode
from checkpoints.timeutil import format_duration, local_to_utc, to_local, zone_abbrev

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KNOWN_FLAGS = {
    "impossible_speed",
    "repeated_coordinates",
    "suspicious_accuracy",
    "stale_fix",
    "future_fix",
    "exact_checkpoint_position",
}
ZONES = [
    "UTC",
    "Asia/Jakarta",
    "Asia/Makassar",
    "Asia/Jayapura",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
]

lats = st.floats(-90, 90, allow_nan=False)
lons = st.floats(-180, 180, allow_nan=False)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@FAST
@given(
    lat=lats,
    lon=lons,
    accuracy=st.floats(0, 100_000, allow_nan=False),
    place=st.tuples(lats, lons, st.floats(1, 5000)),
    now=moments,
    age=st.one_of(st.none(), st.floats(-1e7, 1e7, allow_nan=False)),
    previous=st.lists(st.tuples(lats, lons, st.floats(-1e6, 1e6, allow_nan=False)), max_size=5),
    max_speed=st.floats(1, 5000),
)
def test_position_flags_never_crash_and_use_known_codes(
    lat, lon, accuracy, place, now, age, previous, max_speed
) -> None:
    taken = None if age is None else now - timedelta(seconds=age)
    fix = Fix(lat, lon, accuracy, taken)
    past = [PastFix(a, b, now - timedelta(seconds=s)) for a, b, s in previous]
    flags = position_flags(fix, now, Place(*place), past, max_speed_kmh=max_speed)
    codes = [f.code for f in flags]
    assert set(codes) <= KNOWN_FLAGS and len(codes) == len(set(codes))
    assert ("suspicious_accuracy" in codes) == (accuracy <= 1)
    if round(lat, 6) == round(place[0], 6) and round(lon, 6) == round(place[1], 6):
        assert "exact_checkpoint_position" in codes
    assert all(f.detail for f in flags)


@FAST
@given(
    lat=st.floats(allow_nan=True, allow_infinity=True),
    lon=st.floats(allow_nan=True, allow_infinity=True),
    accuracy=st.floats(allow_nan=True, allow_infinity=True),
    cap=st.floats(1, 10_000),
)
def test_geofence_decide_refuses_nonsense_with_its_own_error(lat, lon, accuracy, cap) -> None:
    try:
        decision = decide(Fix(lat, lon, accuracy), Place(-7.97713, 112.634, 50), cap)
    except GeoError:
        return
    assert decision.distance_m >= 0


@FAST
@given(moment=moments, zone=st.sampled_from(ZONES))
def test_local_time_round_trips_except_in_the_repeated_hour(moment, zone) -> None:
    local = to_local(moment, zone)
    back = local_to_utc(local.replace(tzinfo=None), zone)
    if local.fold == 0:
        assert back == moment
    else:  # the second occurrence of a repeated wall time maps to the first one
        assert back == moment - (
            local.replace(fold=0).utcoffset() - local.utcoffset()  # type: ignore[operator]
        )
    assert zone_abbrev(moment, zone)


@FAST
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_format_duration_total(seconds) -> None:
    text = format_duration(seconds)
    assert text.lstrip("-").replace(":", "").isdigit()


@FAST
@given(st.text(max_size=80))
def test_code_normalisation_is_idempotent_and_total(typed) -> None:
    once = normalize_code(typed)
    assert normalize_code(once) == once
    assert isinstance(is_well_formed_code(once), bool)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)))
def test_event_files_parse_or_are_refused_whole(data) -> None:
    try:
        parse_event_file(data)
    except EventFileError as exc:
        assert exc.problems


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_photo_bytes_reencode_or_refuse(data) -> None:
    try:
        photo = reencode(data)
    except PhotoError as exc:
        assert exc.code
        return
    assert photo  # arbitrary bytes that happen to be an image


def test_zone_list_is_real() -> None:
    for name in ZONES:
        ZoneInfo(name)
