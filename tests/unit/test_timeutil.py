"""Tests for checkpoints.timeutil: clock, zones, conversions and formats."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine

from checkpoints.timeutil import (
    format_duration,
    format_local,
    local_to_utc,
    to_local,
    utc_now,
    zone,
    zone_abbrev,
)


def test_utc_now_is_aware_utc():
    now = utc_now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


def test_utc_now_can_be_frozen():
    with time_machine.travel(datetime(2023, 10, 6, 0, 0, tzinfo=UTC), tick=False):
        assert utc_now() == datetime(2023, 10, 6, 0, 0, tzinfo=UTC)


def test_zone_known_and_unknown():
    assert zone("Asia/Jakarta") == ZoneInfo("Asia/Jakarta")
    assert zone("UTC").key == "UTC"
    for bad in ["Mars/Olympus", "", " Asia/Jakarta", "../../etc/passwd", "Asia", "WIB"]:
        with pytest.raises(ValueError, match=r"unknown time zone '.*'"):
            zone(bad)


def test_unknown_zone_message():
    with pytest.raises(ValueError) as info:
        zone("Asia/Malang")
    assert str(info.value) == "unknown time zone 'Asia/Malang'"


def test_makassar_morning_is_previous_evening_utc():
    got = local_to_utc(datetime(2023, 10, 6, 7, 0), "Asia/Makassar")
    assert got == datetime(2023, 10, 5, 23, 0, tzinfo=UTC)
    assert got.tzinfo is UTC


def test_jakarta_round_trip():
    utc = local_to_utc(datetime(2023, 10, 6, 17, 0), "Asia/Jakarta")
    assert utc == datetime(2023, 10, 6, 10, 0, tzinfo=UTC)
    local = to_local(utc, "Asia/Jakarta")
    assert local.replace(tzinfo=None) == datetime(2023, 10, 6, 17, 0)
    assert local.utcoffset() == timedelta(hours=7)


def test_berlin_spring_forward_gap_shifts_forward():
    # 2026-03-29 02:00-03:00 does not exist in Berlin.
    got = local_to_utc(datetime(2026, 3, 29, 2, 30), "Europe/Berlin")
    assert got == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert to_local(got, "Europe/Berlin").strftime("%H:%M %Z") == "03:30 CEST"
    assert local_to_utc(datetime(2026, 3, 29, 1, 59), "Europe/Berlin") == datetime(
        2026, 3, 29, 0, 59, tzinfo=UTC
    )
    assert local_to_utc(datetime(2026, 3, 29, 3, 0), "Europe/Berlin") == datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC
    )


def test_berlin_fall_back_ambiguity_takes_first():
    # 2026-10-25 02:00-03:00 happens twice in Berlin; the first is still CEST.
    got = local_to_utc(datetime(2026, 10, 25, 2, 30), "Europe/Berlin")
    assert got == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert zone_abbrev(got, "Europe/Berlin") == "CEST"
    second = got + timedelta(hours=1)
    assert format_local(second, "Europe/Berlin") == "02:30 CET"


def test_local_to_utc_refuses_aware_and_bad_zone():
    with pytest.raises(ValueError, match="naive"):
        local_to_utc(datetime(2023, 10, 6, 7, 0, tzinfo=UTC), "Asia/Jakarta")
    with pytest.raises(ValueError, match="unknown time zone"):
        local_to_utc(datetime(2023, 10, 6, 7, 0), "Asia/Nowhere")


def test_to_local_refuses_naive():
    with pytest.raises(ValueError, match="timezone-aware"):
        to_local(datetime(2023, 10, 6, 7, 0), "Asia/Jakarta")


def test_to_local_accepts_any_aware_zone():
    plus_two = datetime(2023, 10, 6, 2, 0, tzinfo=timezone(timedelta(hours=2)))
    assert to_local(plus_two, "Asia/Jakarta").hour == 7


@pytest.mark.parametrize(
    ("when", "tz", "abbrev"),
    [
        (datetime(2023, 10, 6, 0, 0, tzinfo=UTC), "Asia/Jakarta", "WIB"),
        (datetime(2023, 10, 6, 0, 0, tzinfo=UTC), "Asia/Makassar", "WITA"),
        (datetime(2023, 10, 6, 0, 0, tzinfo=UTC), "Asia/Jayapura", "WIT"),
        (datetime(2026, 1, 15, 12, 0, tzinfo=UTC), "Europe/Berlin", "CET"),
        (datetime(2026, 7, 15, 12, 0, tzinfo=UTC), "Europe/Berlin", "CEST"),
        (datetime(2026, 7, 15, 12, 0, tzinfo=UTC), "UTC", "UTC"),
        (datetime(2026, 7, 15, 12, 0, tzinfo=UTC), "Asia/Bangkok", "UTC+7"),
        (datetime(2026, 7, 15, 12, 0, tzinfo=UTC), "Asia/Kathmandu", "UTC+5:45"),
        (datetime(2026, 7, 15, 12, 0, tzinfo=UTC), "America/Sao_Paulo", "UTC-3"),
        (datetime(2026, 7, 15, 12, 0, tzinfo=UTC), "Etc/GMT-14", "UTC+14"),
        (datetime(2026, 7, 15, 12, 0, tzinfo=UTC), "Atlantic/Azores", "UTC"),  # "+00" in summer
    ],
)
def test_zone_abbrev(when, tz, abbrev):
    assert zone_abbrev(when, tz) == abbrev


def test_format_local():
    start = local_to_utc(datetime(2023, 10, 6, 7, 0), "Asia/Jakarta")
    assert format_local(start, "Asia/Jakarta") == "07:00 WIB"
    assert format_local(start, "Asia/Makassar") == "08:00 WITA"
    assert format_local(start, "Asia/Jakarta", "%d %b %Y, %H:%M") == "06 Oct 2023, 07:00 WIB"
    assert format_local(start, "Asia/Bangkok") == "07:00 UTC+7"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0:00"),
        (9, "0:09"),
        (249, "4:09"),
        (249.99, "4:09"),
        (3599, "59:59"),
        (3600, "1:00:00"),
        (3903, "1:05:03"),
        (36 * 3600 + 61, "36:01:01"),
        (-65, "-1:05"),
        (-0.4, "0:00"),
        (timedelta(minutes=15), "15:00"),
    ],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_format_duration_refuses_infinite():
    with pytest.raises(ValueError):
        format_duration(float("inf"))
