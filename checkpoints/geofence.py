"""Geofence: is a phone's reported position within a checkpoint's radius (WGS-84 geodesic)?"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from geopy.distance import geodesic

MAX_ACCURACY_M = 100_000.0
_COMPASS_POINTS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


class GeoError(ValueError):
    """Coordinates, accuracy or radius that cannot describe a real place."""


@dataclass(frozen=True)
class Fix:
    """A position reported by a phone: accuracy_m is the radius of its 68% confidence circle."""

    lat: float
    lon: float
    accuracy_m: float
    taken_at: datetime | None = None  # the phone's own timestamp of the fix, if it sent one


@dataclass(frozen=True)
class Place:
    """A checkpoint's stored position and the radius around it that counts as on site."""

    lat: float
    lon: float
    radius_m: float


class Verdict(StrEnum):
    """Outcome of a check-in attempt."""

    ON_SITE = "on_site"
    TOO_FAR = "too_far"
    INACCURATE = "inaccurate"


@dataclass(frozen=True)
class Decision:
    """Verdict plus the numbers needed to explain it to the participant."""

    verdict: Verdict
    distance_m: float
    excess_m: float  # distance - accuracy - radius (<= 0 when on site)
    bearing_deg: float  # from the fix towards the place
    compass: str  # one of N NE E SE S SW W NW


def _finite(value: float, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise GeoError(f"{what} must be a number, got {value!r}") from None
    if isinstance(value, bool) or not math.isfinite(number):
        raise GeoError(f"{what} must be a finite number, got {value!r}")
    return number


def _validate_lat_lon(lat: float, lon: float) -> None:
    if not -90.0 <= _finite(lat, "latitude") <= 90.0:
        raise GeoError(f"latitude {lat!r} is outside [-90, 90]")
    if not -180.0 <= _finite(lon, "longitude") <= 180.0:
        raise GeoError(f"longitude {lon!r} is outside [-180, 180]")


def validate_fix(lat: float, lon: float, accuracy_m: float) -> None:
    """Raise GeoError unless lat/lon/accuracy are finite and within their ranges."""
    _validate_lat_lon(lat, lon)
    if not 0.0 <= _finite(accuracy_m, "accuracy") <= MAX_ACCURACY_M:
        raise GeoError(f"accuracy {accuracy_m!r} m is outside [0, {MAX_ACCURACY_M:g}]")


def validate_place(place: Place) -> None:
    """Raise GeoError unless the place has valid coordinates and a finite radius >= 0."""
    _validate_lat_lon(place.lat, place.lon)
    if _finite(place.radius_m, "radius") < 0:
        raise GeoError(f"radius {place.radius_m!r} m is negative")


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance in metres on the WGS-84 ellipsoid (geopy)."""
    return float(geodesic((lat1, lon1), (lat2, lon2)).meters)


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial great-circle bearing from point 1 to point 2, degrees clockwise from north [0, 360).

    Spherical formula: good to a fraction of a degree, plenty for "walk north-east".
    Identical points give 0.
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dlon = math.radians(lon2 - lon1)
    y = math.sin(dlon) * math.cos(phi2)
    x = math.cos(phi1) * math.sin(phi2) - math.sin(phi1) * math.cos(phi2) * math.cos(dlon)
    if abs(x) < 1e-15 and abs(y) < 1e-15:
        return 0.0
    bearing = math.degrees(math.atan2(y, x)) % 360.0
    return 0.0 if bearing >= 360.0 else bearing


def compass(bearing: float) -> str:
    """Eight-point compass name (N NE E SE S SW W NW) of a bearing in degrees."""
    return _COMPASS_POINTS[int(((bearing % 360.0) + 22.5) // 45.0) % 8]


def decide(fix: Fix, place: Place, accuracy_cap_m: float = 100.0) -> Decision:
    """Decide a check-in attempt.

    INACCURATE when the fix's accuracy is worse than ``accuracy_cap_m`` (cap inclusive: a fix of
    exactly the cap is accepted); otherwise ON_SITE when distance - accuracy <= radius (the
    boundary counts as on site), else TOO_FAR. Raises GeoError on invalid input.
    """
    validate_fix(fix.lat, fix.lon, fix.accuracy_m)
    validate_place(place)
    if not _finite(accuracy_cap_m, "accuracy cap") > 0:
        raise GeoError(f"accuracy cap {accuracy_cap_m!r} m must be positive")
    dist = distance_m(fix.lat, fix.lon, place.lat, place.lon)
    excess = dist - fix.accuracy_m - place.radius_m
    if fix.accuracy_m > accuracy_cap_m:
        verdict = Verdict.INACCURATE
    elif dist - fix.accuracy_m <= place.radius_m:
        verdict = Verdict.ON_SITE
    else:
        verdict = Verdict.TOO_FAR
    bearing = bearing_deg(fix.lat, fix.lon, place.lat, place.lon)
    return Decision(verdict, dist, excess, bearing, compass(bearing))
