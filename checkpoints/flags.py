"""Signals that a position may be faked: they flag a check-in for review, never change points."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from checkpoints.geofence import Fix, Place, distance_m

FUTURE_TOLERANCE_S = 30.0
SUSPICIOUS_ACCURACY_M = 1.0
MIN_INTERVAL_S = 1.0  # a time delta <= 0 (clock order, same second) counts as this


@dataclass(frozen=True)
class PastFix:
    """An earlier check-in position of the same participant, stamped with server time."""

    lat: float
    lon: float
    at: datetime
    label: str = ""  # where it was, e.g. the checkpoint name; used in the flag's detail


@dataclass(frozen=True)
class Flag:
    """A reason to look at a check-in: a stable code and short plain-English evidence."""

    code: str
    detail: str


def _aware(dt: datetime, what: str) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {dt.isoformat()}")
    return dt


def _same_point(lat1: float, lon1: float, lat2: float, lon2: float) -> bool:
    return round(lat1, 6) == round(lat2, 6) and round(lon1, 6) == round(lon2, 6)


def _fmt_distance(metres: float) -> str:
    return f"{metres:.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km"


def _fmt_seconds(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _speed_flag(fix: Fix, received_at: datetime, latest: PastFix, max_kmh: float) -> Flag | None:
    metres = distance_m(latest.lat, latest.lon, fix.lat, fix.lon)
    seconds = (received_at - _aware(latest.at, "PastFix.at")).total_seconds()
    kmh = metres / max(seconds, MIN_INTERVAL_S) * 3.6
    # A jump no larger than the fix's own uncertainty is GPS noise, not travel.
    if kmh <= max_kmh or metres <= fix.accuracy_m:
        return None
    where = latest.label or "the previous check-in"
    return Flag(
        "impossible_speed",
        f"{kmh:.0f} km/h from {where} ({_fmt_distance(metres)} in {_fmt_seconds(max(seconds, 0))})",
    )


def position_flags(
    fix: Fix,
    received_at: datetime,
    place: Place,
    previous: Sequence[PastFix],
    *,
    max_speed_kmh: float = 150,
    stale_after_s: float = 120,
) -> list[Flag]:
    """Return the flags raised by this fix, in a fixed order; an empty list for an ordinary one.

    ``received_at`` is the server time the fix arrived; ``previous`` are the participant's
    earlier check-ins (any order). Implied speed is measured from the latest of them to this fix
    using server times; a time delta <= 0 counts as one second; a jump no larger than the fix's
    accuracy is never flagged as speed.
    """
    _aware(received_at, "received_at")
    flags: list[Flag] = []
    if previous:
        latest = max(previous, key=lambda p: _aware(p.at, "PastFix.at"))
        speed = _speed_flag(fix, received_at, latest, max_speed_kmh)
        if speed is not None:
            flags.append(speed)
        same = [p for p in previous if _same_point(p.lat, p.lon, fix.lat, fix.lon)]
        if same:
            times = "time" if len(same) == 1 else "times"
            flags.append(
                Flag(
                    "repeated_coordinates",
                    f"({fix.lat:.6f}, {fix.lon:.6f}) seen before {len(same)} {times}",
                )
            )
    if fix.accuracy_m <= SUSPICIOUS_ACCURACY_M:
        flags.append(Flag("suspicious_accuracy", f"accuracy reported as {fix.accuracy_m:g} m"))
    if fix.taken_at is not None:
        age = (received_at - _aware(fix.taken_at, "Fix.taken_at")).total_seconds()
        if age > stale_after_s:
            flags.append(Flag("stale_fix", f"position taken {_fmt_seconds(age)} before sending"))
        elif -age > FUTURE_TOLERANCE_S:
            flags.append(Flag("future_fix", f"position time {_fmt_seconds(-age)} ahead of server"))
    if _same_point(fix.lat, fix.lon, place.lat, place.lon):
        flags.append(
            Flag(
                "exact_checkpoint_position",
                f"({fix.lat:.6f}, {fix.lon:.6f}) equals the checkpoint's stored position",
            )
        )
    return flags
