"""Tests for checkpoints.geofence: distances, bearings and check-in decisions."""

import math

import pytest
from geopy.distance import geodesic
from hypothesis import given
from hypothesis import strategies as st

from checkpoints.geofence import (
    Decision,
    Fix,
    GeoError,
    Place,
    Verdict,
    bearing_deg,
    compass,
    decide,
    distance_m,
    validate_fix,
)

BALAI_KOTA = Place(-7.97713, 112.63400, 50.0)


def point_at(lat: float, lon: float, bearing: float, metres: float) -> tuple[float, float]:
    dest = geodesic(meters=metres).destination((lat, lon), bearing)
    return dest.latitude, dest.longitude


def test_distance_known_values():
    # WGS-84: one degree of longitude on the equator, one degree of latitude from the equator.
    assert distance_m(0, 0, 0, 1) == pytest.approx(111_319.49, abs=0.01)
    assert distance_m(0, 0, 1, 0) == pytest.approx(110_574.39, abs=0.01)


def test_distance_zero_for_same_point():
    assert distance_m(-7.97713, 112.634, -7.97713, 112.634) == 0.0


def test_inside_is_on_site():
    lat, lon = point_at(BALAI_KOTA.lat, BALAI_KOTA.lon, 30, 20)
    d = decide(Fix(lat, lon, 5), BALAI_KOTA)
    assert d.verdict is Verdict.ON_SITE
    assert d.distance_m == pytest.approx(20, abs=0.01)
    assert d.excess_m == pytest.approx(20 - 5 - 50, abs=0.01)
    assert isinstance(d, Decision)


def test_exactly_on_radius_is_on_site_and_one_cm_outside_is_not():
    lat, lon = point_at(BALAI_KOTA.lat, BALAI_KOTA.lon, 123, 50)
    d = distance_m(lat, lon, BALAI_KOTA.lat, BALAI_KOTA.lon)
    on_edge = Place(BALAI_KOTA.lat, BALAI_KOTA.lon, d)
    assert decide(Fix(lat, lon, 0), on_edge).verdict is Verdict.ON_SITE
    assert decide(Fix(lat, lon, 0), on_edge).excess_m == 0.0
    short = Place(BALAI_KOTA.lat, BALAI_KOTA.lon, d - 0.01)
    result = decide(Fix(lat, lon, 0), short)
    assert result.verdict is Verdict.TOO_FAR
    assert result.excess_m == pytest.approx(0.01, abs=1e-6)


def test_accuracy_is_subtracted_from_distance():
    lat, lon = point_at(BALAI_KOTA.lat, BALAI_KOTA.lon, 200, 80)
    assert decide(Fix(lat, lon, 10), BALAI_KOTA).verdict is Verdict.TOO_FAR
    assert decide(Fix(lat, lon, 30), BALAI_KOTA).verdict is Verdict.ON_SITE
    d = distance_m(lat, lon, BALAI_KOTA.lat, BALAI_KOTA.lon)
    exact = d - BALAI_KOTA.radius_m
    assert decide(Fix(lat, lon, exact), BALAI_KOTA).verdict is Verdict.ON_SITE


def test_accuracy_cap_boundary():
    fix = Fix(BALAI_KOTA.lat, BALAI_KOTA.lon, 100.0)
    assert decide(fix, BALAI_KOTA, accuracy_cap_m=100.0).verdict is Verdict.ON_SITE
    worse = Fix(BALAI_KOTA.lat, BALAI_KOTA.lon, 100.01)
    result = decide(worse, BALAI_KOTA, accuracy_cap_m=100.0)
    assert result.verdict is Verdict.INACCURATE
    assert result.distance_m == 0.0
    assert decide(worse, BALAI_KOTA, accuracy_cap_m=200).verdict is Verdict.ON_SITE


def test_inaccurate_wins_even_when_far():
    lat, lon = point_at(BALAI_KOTA.lat, BALAI_KOTA.lon, 0, 5000)
    assert decide(Fix(lat, lon, 800), BALAI_KOTA).verdict is Verdict.INACCURATE


def test_too_far_reports_direction_towards_place():
    lat, lon = point_at(BALAI_KOTA.lat, BALAI_KOTA.lon, 225, 340)  # south-west of the place
    d = decide(Fix(lat, lon, 5), BALAI_KOTA)
    assert d.verdict is Verdict.TOO_FAR
    assert d.distance_m == pytest.approx(340, abs=0.01)
    assert d.bearing_deg == pytest.approx(45, abs=0.5)
    assert d.compass == "NE"


def test_antimeridian():
    place = Place(0.0, 180.0, 30)
    assert distance_m(0, 179.9999, 0, -179.9999) == pytest.approx(22.26, abs=0.05)
    assert decide(Fix(0.0, -179.9999, 5), place).verdict is Verdict.ON_SITE
    east = decide(Fix(0.0, 179.9998, 5), Place(0.0, -179.9999, 30))
    assert east.compass == "E"
    assert east.distance_m == pytest.approx(33.4, abs=0.1)


def test_poles():
    assert distance_m(90, 0, 90, 123) == pytest.approx(0, abs=1e-6)
    assert distance_m(-90, 10, -90, -170) == pytest.approx(0, abs=1e-6)
    assert distance_m(89.9999, 0, 89.9999, 180) == pytest.approx(22.3, abs=0.1)
    assert decide(Fix(90, 0, 5), Place(90, 45, 10)).verdict is Verdict.ON_SITE
    assert compass(bearing_deg(89.0, 10, 90, 0)) == "N"
    assert compass(bearing_deg(-89.0, 10, -90, 0)) == "S"


@pytest.mark.parametrize(
    ("bearing", "name"),
    [
        (0, "N"),
        (22.4, "N"),
        (22.5, "NE"),
        (90, "E"),
        (135, "SE"),
        (180, "S"),
        (225, "SW"),
        (270, "W"),
        (315, "NW"),
        (337.5, "N"),
        (359.9, "N"),
        (360, "N"),
        (-90, "W"),
    ],
)
def test_compass(bearing, name):
    assert compass(bearing) == name


def test_bearing_cardinal_directions():
    assert bearing_deg(0, 0, 1, 0) == pytest.approx(0)
    assert bearing_deg(0, 0, 0, 1) == pytest.approx(90)
    assert bearing_deg(0, 0, -1, 0) == pytest.approx(180)
    assert bearing_deg(0, 0, 0, -1) == pytest.approx(270)
    assert bearing_deg(5, 5, 5, 5) == 0.0


@pytest.mark.parametrize(
    ("lat", "lon", "acc"),
    [
        (math.nan, 0, 5),
        (0, math.nan, 5),
        (0, 0, math.nan),
        (math.inf, 0, 5),
        (0, -math.inf, 5),
        (90.0001, 0, 5),
        (-91, 0, 5),
        (0, 180.0001, 5),
        (0, -181, 5),
        (0, 0, -0.1),
        (0, 0, 100_000.1),
        (0, 0, math.inf),
        ("x", 0, 5),
        (None, 0, 5),
        (True, 0, 5),
    ],
)
def test_validate_fix_refuses_bad_input(lat, lon, acc):
    with pytest.raises(GeoError):
        validate_fix(lat, lon, acc)
    with pytest.raises(ValueError):  # GeoError is a ValueError
        decide(Fix(lat, lon, acc), BALAI_KOTA)


@pytest.mark.parametrize(("lat", "lon", "acc"), [(90, 180, 0), (-90, -180, 100_000), (0, 0, 0)])
def test_validate_fix_accepts_limits(lat, lon, acc):
    validate_fix(lat, lon, acc)


@pytest.mark.parametrize("place", [Place(0, 0, -1), Place(0, 0, math.nan), Place(91, 0, 10)])
def test_decide_refuses_bad_place(place):
    with pytest.raises(GeoError):
        decide(Fix(0, 0, 5), place)


@pytest.mark.parametrize("cap", [0, -5, math.nan])
def test_decide_refuses_bad_cap(cap):
    with pytest.raises(GeoError):
        decide(Fix(0, 0, 5), BALAI_KOTA, accuracy_cap_m=cap)


lats = st.floats(min_value=-90, max_value=90, allow_nan=False)
lons = st.floats(min_value=-180, max_value=180, allow_nan=False)


@given(lats, lons, lats, lons)
def test_distance_symmetric_and_non_negative(lat1, lon1, lat2, lon2):
    there = distance_m(lat1, lon1, lat2, lon2)
    back = distance_m(lat2, lon2, lat1, lon1)
    assert there >= 0
    assert there == pytest.approx(back, rel=1e-9, abs=1e-6)
    assert 0 <= bearing_deg(lat1, lon1, lat2, lon2) < 360


@given(
    st.floats(min_value=-80, max_value=80),
    lons,
    st.floats(min_value=0, max_value=359.99),
    st.floats(min_value=0, max_value=2000),
    st.floats(min_value=0, max_value=2000),
    st.floats(min_value=0, max_value=100),
    st.floats(min_value=0, max_value=500),
)
def test_decision_monotone_in_distance(lat, lon, bearing, d1, d2, accuracy, radius):
    near, far = sorted((d1, d2))
    place = Place(lat, lon, radius)
    near_fix = Fix(*point_at(lat, lon, bearing, near), accuracy)
    far_fix = Fix(*point_at(lat, lon, bearing, far), accuracy)
    near_d, far_d = decide(near_fix, place), decide(far_fix, place)
    assert near_d.distance_m <= far_d.distance_m + 1e-6
    if far_d.verdict is Verdict.ON_SITE:
        assert near_d.verdict is Verdict.ON_SITE
    if near_d.verdict is Verdict.TOO_FAR and far - near > 1e-3:
        assert far_d.verdict is Verdict.TOO_FAR
    assert (near_d.verdict is Verdict.ON_SITE) == (near_d.excess_m <= 0)
