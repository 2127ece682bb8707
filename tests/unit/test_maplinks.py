"""Tests for checkpoints.maplinks: positions read from pasted map links (Google Maps,
OpenStreetMap, Apple Maps, geo: URIs, 'lat, lon') and the refusals that say what to paste."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoints.maplinks import parse_position

GOOD = [
    ("-7.97713, 112.634", (-7.97713, 112.634)),
    ("  -7.97713,112.634  ", (-7.97713, 112.634)),
    ("\u22127.97713, 112.634", (-7.97713, 112.634)),  # a typographic minus
    ("https://www.google.com/maps/@-7.9771303,112.6340036,17z", (-7.9771303, 112.6340036)),
    ("https://www.google.com/maps/@-7.9771,112.634,3a,75y,90t/data=!3m6", (-7.9771, 112.634)),
    ("https://www.google.co.id/maps/place/Balai+Kota+Malang/@-7.9771,112.6317,17z/"
     "data=!3m1!4b1!4m6!3m5!1s0x2e78!8m2!3d-7.97713!4d112.63400", (-7.97713, 112.634)),
    ("https://www.google.com/maps/place/Tugu/@-7.78290,110.36707,18z", (-7.7829, 110.36707)),
    ("https://maps.google.com/?q=-7.97713,112.634", (-7.97713, 112.634)),
    ("https://www.google.com/maps?q=-7.97713%2C112.634&z=17", (-7.97713, 112.634)),
    ("https://www.google.com/maps?q=loc:-7.97713,112.634", (-7.97713, 112.634)),
    ("https://www.google.com/maps/search/?api=1&query=-7.97713,112.634", (-7.97713, 112.634)),
    ("https://www.google.com/maps/search/-7.97713,+112.634?entry=tts", (-7.97713, 112.634)),
    ("https://www.google.com/maps?q=Balai+Kota&ll=-7.97713,112.634", (-7.97713, 112.634)),
    ("https://maps.google.com/maps?ll=52.5163,13.3777&z=15", (52.5163, 13.3777)),
    ("https://www.openstreetmap.org/#map=18/-7.97713/112.63400", (-7.97713, 112.634)),
    ("https://www.openstreetmap.org/?mlat=-7.97713&mlon=112.63400#map=17/-7.9/112.6",
     (-7.97713, 112.634)),
    ("https://www.openstreetmap.org/node/123#map=19/52.51630/13.37770&layers=N",
     (52.5163, 13.3777)),
    ("https://osm.org/?mlat=52.5163&mlon=13.3777", (52.5163, 13.3777)),
    ("https://maps.apple.com/?ll=-7.97713,112.634&q=Balai%20Kota", (-7.97713, 112.634)),
    ("geo:-7.97713,112.634", (-7.97713, 112.634)),
    ("geo:-7.97713,112.634;u=35", (-7.97713, 112.634)),
    ("GEO:-7.97713,112.634,120", (-7.97713, 112.634)),
    ("geo:0,0?q=-7.97713,112.634(Balai Kota)", (-7.97713, 112.634)),
    ("geo:0.0,0.0?q=-7.97713%2C112.634", (-7.97713, 112.634)),
    ("geo:0,0", (0.0, 0.0)),
    ("90, -180", (90.0, -180.0)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), GOOD)
def test_positions_are_found(text, expected):
    assert parse_position(text) == pytest.approx(expected, abs=1e-12)


SHORT = "short link: open it in the browser first"
NONE_FOUND = "no coordinates found in this link"


@pytest.mark.parametrize(("text", "why"), [
    ("https://maps.app.goo.gl/Xyz123", SHORT),
    ("https://goo.gl/maps/abc", SHORT),
    ("https://g.co/kgs/abc", SHORT),
    ("https://osm.org/go/0x~K~", SHORT),
    ("https://www.google.com/maps/place/Balai+Kota+Malang", NONE_FOUND),
    ("https://www.google.com/maps?q=Balai+Kota+Malang", NONE_FOUND),
    ("https://www.openstreetmap.org/way/123", NONE_FOUND),
    ("https://maps.apple.com/?q=Balai+Kota", NONE_FOUND),
    ("https://example.org/@-7.9,112.6", NONE_FOUND),
    ("https://notgoo.gl.example.org/maps?x=1", NONE_FOUND),
    ("geo:95,10", "latitude 95 is outside -90..90"),
    ("10, 200", "longitude 200 is outside -180..180"),
    ("-90.5, 0", "latitude -90.5 is outside -90..90"),
    ("https://www.google.com/maps/@12.5,181,17z", "longitude 181 is outside -180..180"),
    ("https://www.openstreetmap.org/?mlat=abc&mlon=1", "'abc, 1' are not coordinates"),
    ("https://www.openstreetmap.org/?mlat=nan&mlon=1", "are not coordinates"),
    ("https://www.openstreetmap.org/?mlat=inf&mlon=1", "are not coordinates"),
    ("Balai Kota Malang", "paste a map link"),
    ("-7.97713 112.634", "paste a map link"),
    ("javascript:alert(1)", "paste a map link"),
    ("ftp://www.google.com/maps/@1,2,3z", "paste a map link"),
    ("", "paste a map link"),
    ("   ", "paste a map link"),
])  # fmt: skip
def test_unusable_links_say_why(text, why):
    with pytest.raises(ValueError, match=why):
        parse_position(text)


# -- any position, in every style a map app shares ---------------------------------------


def decimal(x: float) -> str:
    """The shortest decimal that reads back as ``x``, without an exponent (1e-05 -> 0.00001)."""
    return format(Decimal(repr(x)), "f")


STYLES = {
    "plain": lambda a, o: f"{a}, {o}",
    "plain tight": lambda a, o: f"{a},{o}",
    "google @": lambda a, o: f"https://www.google.com/maps/@{a},{o},17z",
    "google place": lambda a, o: f"https://www.google.com/maps/place/Tugu+Malang/@{a},{o},18z/data=!3m1",
    "google pin": lambda a, o: f"https://www.google.com/maps/place/X/@1,2,17z/data=!8m2!3d{a}!4d{o}",
    "google q": lambda a, o: f"https://www.google.com/maps?q={a},{o}",
    "google q encoded": lambda a, o: f"https://maps.google.com/?q={quote(f'{a}, {o}')}&z=15",
    "google search api": lambda a, o: f"https://www.google.com/maps/search/?api=1&query={a}%2C{o}",
    "osm map": lambda a, o: f"https://www.openstreetmap.org/#map=17/{a}/{o}",
    "osm mlat": lambda a, o: f"https://www.openstreetmap.org/?mlat={a}&mlon={o}#map=3/0/0",
    "geo": lambda a, o: f"geo:{a},{o}",
    "geo uncertainty": lambda a, o: f"geo:{a},{o};u=20",
    "geo android": lambda a, o: f"geo:0,0?q={a},{o}(Pos)",
    "apple": lambda a, o: f"https://maps.apple.com/?ll={a},{o}",
}  # fmt: skip

latitudes = st.floats(min_value=-90, max_value=90, allow_nan=False)
longitudes = st.floats(min_value=-180, max_value=180, allow_nan=False)


@pytest.mark.parametrize("style", sorted(STYLES))
@given(lat=latitudes, lon=longitudes)
def test_any_position_in_any_style_reads_back(style, lat, lon):
    text = STYLES[style](decimal(lat), decimal(lon))
    got_lat, got_lon = parse_position(text)
    assert abs(got_lat - lat) <= 1e-9 and abs(got_lon - lon) <= 1e-9, text


@given(lat=latitudes, lon=longitudes, places=st.integers(min_value=0, max_value=8))
def test_rounded_positions_as_map_apps_print_them(lat, lon, places):
    """Apps print a fixed number of decimals: the parse is that rounded value, exactly."""
    a, o = f"{lat:.{places}f}", f"{lon:.{places}f}"
    for text in (f"{a}, {o}", f"https://www.google.com/maps/@{a},{o},15z", f"geo:{a},{o}"):
        assert parse_position(text) == (float(a), float(o)), text


@given(st.text(max_size=300))
def test_any_text_gives_a_position_or_a_value_error(text):
    try:
        lat, lon = parse_position(text)
    except ValueError as exc:
        assert str(exc)
    else:
        assert -90 <= lat <= 90 and -180 <= lon <= 180
