"""Tests for checkpoints.flags: signals of faked positions."""

from datetime import UTC, datetime, timedelta

import pytest
from geopy.distance import geodesic

from checkpoints.flags import Flag, PastFix, position_flags
from checkpoints.geofence import Fix, Place

NOW = datetime(2023, 10, 6, 1, 30, tzinfo=UTC)
PLACE = Place(-7.97713, 112.63400, 50)


def near(metres: float, bearing: float = 90.0) -> tuple[float, float]:
    dest = geodesic(meters=metres).destination((PLACE.lat, PLACE.lon), bearing)
    return dest.latitude, dest.longitude


def ordinary_fix(**changes) -> Fix:
    lat, lon = near(12)
    values = {"lat": lat, "lon": lon, "accuracy_m": 9.0, "taken_at": NOW - timedelta(seconds=4)}
    values.update(changes)
    return Fix(**values)


def codes(flags: list[Flag]) -> list[str]:
    return [f.code for f in flags]


def far_previous(km: float, seconds_ago: float, label: str = "") -> PastFix:
    dest = geodesic(kilometers=km).destination((PLACE.lat, PLACE.lon), 0)
    return PastFix(dest.latitude, dest.longitude, NOW - timedelta(seconds=seconds_ago), label)


def test_ordinary_fix_has_no_flags():
    previous = [far_previous(3.0, 1800), far_previous(1.2, 900)]  # 4.8 km/h walking
    assert position_flags(ordinary_fix(), NOW, PLACE, previous) == []
    assert position_flags(ordinary_fix(), NOW, PLACE, []) == []
    assert position_flags(ordinary_fix(taken_at=None), NOW, PLACE, []) == []


def test_impossible_speed_with_numbers_in_detail():
    previous = [far_previous(9, 3600), far_previous(4.1, 47, "Balai Kota")]
    flags = position_flags(ordinary_fix(), NOW, PLACE, previous)
    assert codes(flags) == ["impossible_speed"]
    detail = flags[0].detail
    assert detail.startswith("31") and "km/h from Balai Kota" in detail
    assert "(4.1 km in 47 s)" in detail


def test_speed_is_measured_from_the_latest_previous_fix_whatever_the_order():
    latest = far_previous(1.0, 600)  # 6 km/h: fine
    older = far_previous(50, 700)  # would be impossible if it were the latest
    assert position_flags(ordinary_fix(), NOW, PLACE, [latest, older]) == []
    assert position_flags(ordinary_fix(), NOW, PLACE, [older, latest]) == []


def test_speed_threshold_is_configurable():
    previous = [far_previous(2.0, 60)]  # 120 km/h
    assert position_flags(ordinary_fix(), NOW, PLACE, previous) == []
    flags = position_flags(ordinary_fix(), NOW, PLACE, previous, max_speed_kmh=100)
    assert codes(flags) == ["impossible_speed"]
    assert "2.0 km in 60 s" in flags[0].detail


@pytest.mark.parametrize("seconds_ago", [0, -30])
def test_zero_or_negative_time_delta_is_handled(seconds_ago):
    previous = [far_previous(1.0, seconds_ago)]
    flags = position_flags(ordinary_fix(), NOW, PLACE, previous)
    assert codes(flags) == ["impossible_speed"]
    assert "in 0 s" in flags[0].detail


def test_small_jump_within_accuracy_is_not_speed():
    lat, lon = near(12)
    prev = PastFix(*near(40), NOW)  # 28 m away, same instant, but the fix is +-30 m
    flags = position_flags(ordinary_fix(lat=lat, lon=lon, accuracy_m=30), NOW, PLACE, [prev])
    assert flags == []


def test_repeated_coordinates():
    fix = ordinary_fix(lat=-7.9771231, lon=112.6341092)
    previous = [
        PastFix(-7.977123, 112.634109, NOW - timedelta(hours=2)),
        PastFix(-7.9771228, 112.6341094, NOW - timedelta(hours=1)),  # same to 6 decimals
        PastFix(-7.977125, 112.634109, NOW - timedelta(minutes=30)),  # 0.2 m off
    ]
    flags = position_flags(fix, NOW, PLACE, previous)
    assert codes(flags) == ["repeated_coordinates"]
    assert flags[0].detail == "(-7.977123, 112.634109) seen before 2 times"


def test_same_lat_other_lon_is_not_repeated():
    fix = ordinary_fix()
    previous = [PastFix(fix.lat, fix.lon + 2e-6, NOW - timedelta(hours=1))]
    assert position_flags(fix, NOW, PLACE, previous) == []


@pytest.mark.parametrize(("accuracy", "flagged"), [(0, True), (1.0, True), (1.01, False)])
def test_suspicious_accuracy(accuracy, flagged):
    flags = position_flags(ordinary_fix(accuracy_m=accuracy), NOW, PLACE, [])
    assert codes(flags) == (["suspicious_accuracy"] if flagged else [])
    if flagged:
        assert f"{accuracy:g} m" in flags[0].detail


@pytest.mark.parametrize(("age", "flagged"), [(120, False), (121, True), (3600, True)])
def test_stale_fix(age, flagged):
    fix = ordinary_fix(taken_at=NOW - timedelta(seconds=age))
    flags = position_flags(fix, NOW, PLACE, [])
    assert codes(flags) == (["stale_fix"] if flagged else [])


def test_stale_after_is_configurable_and_detail_has_age():
    fix = ordinary_fix(taken_at=NOW - timedelta(seconds=95))
    flags = position_flags(fix, NOW, PLACE, [], stale_after_s=60)
    assert codes(flags) == ["stale_fix"]
    assert "95 s" in flags[0].detail


@pytest.mark.parametrize(("ahead", "flagged"), [(30, False), (31, True), (600, True)])
def test_future_fix(ahead, flagged):
    fix = ordinary_fix(taken_at=NOW + timedelta(seconds=ahead))
    flags = position_flags(fix, NOW, PLACE, [])
    assert codes(flags) == (["future_fix"] if flagged else [])
    if flagged:
        assert f"{ahead}" in flags[0].detail or "min" in flags[0].detail


def test_exact_checkpoint_position():
    fix = ordinary_fix(lat=PLACE.lat + 3e-7, lon=PLACE.lon - 3e-7)
    flags = position_flags(fix, NOW, PLACE, [])
    assert codes(flags) == ["exact_checkpoint_position"]
    assert "-7.977130" in flags[0].detail
    off = ordinary_fix(lat=PLACE.lat + 2e-6, lon=PLACE.lon)
    assert position_flags(off, NOW, PLACE, []) == []


def test_several_flags_come_in_a_fixed_order():
    fix = Fix(PLACE.lat, PLACE.lon, 0, NOW - timedelta(minutes=10))
    previous = [PastFix(PLACE.lat, PLACE.lon, NOW - timedelta(minutes=20)), far_previous(30, 60)]
    flags = position_flags(fix, NOW, PLACE, previous)
    assert codes(flags) == [
        "impossible_speed",
        "repeated_coordinates",
        "suspicious_accuracy",
        "stale_fix",
        "exact_checkpoint_position",
    ]
    assert all(f.detail and len(f.detail) < 80 for f in flags)


def test_naive_times_are_refused():
    naive = datetime(2023, 10, 6, 1, 30)
    with pytest.raises(ValueError, match="timezone-aware"):
        position_flags(ordinary_fix(), naive, PLACE, [])
    with pytest.raises(ValueError, match="timezone-aware"):
        position_flags(ordinary_fix(taken_at=naive), NOW, PLACE, [])
    with pytest.raises(ValueError, match="timezone-aware"):
        position_flags(ordinary_fix(), NOW, PLACE, [PastFix(0, 0, naive)])


def test_other_time_zones_compare_correctly():
    from zoneinfo import ZoneInfo

    wib = NOW.astimezone(ZoneInfo("Asia/Jakarta"))
    fix = ordinary_fix(taken_at=NOW - timedelta(seconds=10))
    assert position_flags(fix, wib, PLACE, []) == []
