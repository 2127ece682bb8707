"""Positions read from pasted map links (Google Maps, OpenStreetMap, geo: URIs, 'lat, lon')."""

from __future__ import annotations

import pytest

from quizengine.organize.forms import parse_position

GOOD = [
    ("-7.97713, 112.634", (-7.97713, 112.634)),
    ("  -7.97713,112.634  ", (-7.97713, 112.634)),
    ("https://www.google.com/maps/@-7.9771303,112.6340036,17z", (-7.9771303, 112.6340036)),
    ("https://www.google.com/maps/@-7.9771,112.634,3a,75y,90t/data=!3m6", (-7.9771, 112.634)),
    ("https://www.google.co.id/maps/place/Balai+Kota+Malang/@-7.9771,112.6317,17z/"
     "data=!3m1!4b1!4m6!3m5!1s0x2e78!8m2!3d-7.97713!4d112.63400", (-7.97713, 112.634)),
    ("https://www.google.com/maps/place/Tugu/@-7.78290,110.36707,18z", (-7.7829, 110.36707)),
    ("https://maps.google.com/?q=-7.97713,112.634", (-7.97713, 112.634)),
    ("https://www.google.com/maps?q=-7.97713%2C112.634&z=17", (-7.97713, 112.634)),
    ("https://www.google.com/maps/search/?api=1&query=-7.97713,112.634", (-7.97713, 112.634)),
    ("https://maps.google.com/maps?ll=52.5163,13.3777&z=15", (52.5163, 13.3777)),
    ("https://www.openstreetmap.org/#map=18/-7.97713/112.63400", (-7.97713, 112.634)),
    ("https://www.openstreetmap.org/?mlat=-7.97713&mlon=112.63400#map=17/-7.9/112.6",
     (-7.97713, 112.634)),
    ("https://www.openstreetmap.org/node/123#map=19/52.51630/13.37770&layers=N",
     (52.5163, 13.3777)),
    ("geo:-7.97713,112.634", (-7.97713, 112.634)),
    ("geo:-7.97713,112.634;u=35", (-7.97713, 112.634)),
    ("GEO:-7.97713,112.634,120", (-7.97713, 112.634)),
    ("geo:0,0?q=-7.97713,112.634(Balai Kota)", (-7.97713, 112.634)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), GOOD)
def test_positions_are_found(text, expected):
    assert parse_position(text) == pytest.approx(expected)


@pytest.mark.parametrize(("text", "why"), [
    ("https://maps.app.goo.gl/Xyz123", "short link"),
    ("https://goo.gl/maps/abc", "short link"),
    ("https://www.google.com/maps/place/Balai+Kota+Malang", "no coordinates found"),
    ("https://www.openstreetmap.org/way/123", "no coordinates found"),
    ("https://example.org/@-7.9,112.6", "no coordinates found"),
    ("geo:95,10", "latitude 95 is outside -90..90"),
    ("10, 200", "longitude 200 is outside -180..180"),
    ("https://www.openstreetmap.org/?mlat=abc&mlon=1", "'abc, 1' are not coordinates"),
    ("https://www.openstreetmap.org/?mlat=nan&mlon=1", "are not coordinates"),
    ("Balai Kota Malang", "paste a map link"),
    ("javascript:alert(1)", "paste a map link"),
    ("", "paste a map link"),
])  # fmt: skip
def test_unusable_links_say_why(text, why):
    with pytest.raises(ValueError, match=why):
        parse_position(text)
