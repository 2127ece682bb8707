"""Time: the app's one clock, IANA time zones, local <-> UTC conversion and display formats."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_NUMERIC_ABBREV = re.compile(r"([+-])(\d{2})(\d{2})?")


def utc_now() -> datetime:
    """The current time, timezone-aware UTC: the one clock the app reads (freeze it in tests)."""
    return datetime.now(UTC)


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; raises ValueError "unknown time zone 'X'" for anything else."""
    if not isinstance(name, str) or not name or name != name.strip():
        raise ValueError(f"unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name!r}") from None


def _require_aware(dt: datetime) -> None:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got naive {dt.isoformat()}")


def local_to_utc(naive_local: datetime, tz_name: str) -> datetime:
    """Convert a naive wall-clock time in ``tz_name`` to aware UTC.

    A wall time that does not exist (skipped when clocks go forward) is shifted forward by the
    gap: Berlin 2026-03-29 02:30 becomes 03:30 CEST (01:30 UTC). A wall time that happens twice
    (clocks go back) is taken at its first occurrence (fold=0): Berlin 2026-10-25 02:30 is
    02:30 CEST (00:30 UTC). Raises ValueError for an aware datetime or an unknown zone.
    """
    if naive_local.tzinfo is not None:
        raise ValueError(f"expected a naive local datetime, got {naive_local.isoformat()}")
    # PEP 495: fold=0 applies the offset in force before a transition, which is exactly
    # "first occurrence" for a repeated time and "shift forward by the gap" for a skipped one.
    return naive_local.replace(tzinfo=zone(tz_name), fold=0).astimezone(UTC)


def to_local(dt_utc: datetime, tz_name: str) -> datetime:
    """An aware datetime expressed in the zone ``tz_name`` (aware)."""
    _require_aware(dt_utc)
    return dt_utc.astimezone(zone(tz_name))


def _numeric_to_utc(abbrev: str) -> str:
    match = _NUMERIC_ABBREV.fullmatch(abbrev)
    if match is None:
        return abbrev
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    if hours == 0 and minutes == 0:
        return "UTC"
    return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def _abbrev(local: datetime) -> str:
    """The abbreviation of a local (aware) time's zone, numeric ones as "UTC+7"."""
    return _numeric_to_utc(local.tzname() or "")


def zone_abbrev(dt_utc: datetime, tz_name: str) -> str:
    """The zone's abbreviation at that instant ("WIB", "WITA", "CET", "CEST"); zones with only
    a numeric one get "UTC+7", "UTC+5:45", "UTC-3"."""
    return _abbrev(to_local(dt_utc, tz_name))


def format_local(dt_utc: datetime, tz_name: str, fmt: str = "%H:%M") -> str:
    """Local time with the zone's abbreviation: "07:00 WIB" (converted once: an export formats
    two times for each of 100,000 attempts)."""
    local = to_local(dt_utc, tz_name)
    return f"{local.strftime(fmt)} {_abbrev(local)}"


def format_duration(seconds: float | timedelta) -> str:
    """A duration as H:MM:SS, or M:SS under an hour ("1:05:03", "4:09"); whole seconds, rounded
    down; negative durations get a leading "-"."""
    if isinstance(seconds, timedelta):
        seconds = seconds.total_seconds()
    if not math.isfinite(seconds):
        raise ValueError(f"duration must be finite, got {seconds!r}")
    total = math.floor(abs(seconds))
    sign = "-" if seconds < 0 and total else ""
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"
