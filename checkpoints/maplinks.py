"""Positions out of pasted map links: Google Maps, OpenStreetMap, Apple Maps, geo: URIs, 'lat, lon'.

Organizers place a checkpoint by pasting whatever their map app shares. ``parse_position`` finds
the coordinates in it or raises ValueError saying what to paste instead. Short links
(maps.app.goo.gl, goo.gl, osm.org/go) hold no coordinates: they only redirect, and following
them would mean fetching a stranger's URL from the server, so the organizer is asked to open
the link and paste the long address instead.
"""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["PositionError", "parse_position"]

_NUM = r"[-+]?\d{1,3}(?:\.\d+)?"
_PAIR = re.compile(rf"^\s*({_NUM})\s*,\s*({_NUM})\s*$")
_AT = re.compile(rf"@({_NUM}),({_NUM})(?:,|$|/|z)")
_PLACE_PIN = re.compile(rf"!3d({_NUM})!4d({_NUM})")
_OSM_MAP = re.compile(rf"map=\d+(?:\.\d+)?/({_NUM})/({_NUM})")
_GEO = re.compile(rf"^geo:({_NUM}),({_NUM})(?:,{_NUM})?(?:[;?].*)?$", re.IGNORECASE)
_SHORT_HOSTS = ("goo.gl", "g.co", "bit.ly", "tinyurl.com")
_GOOGLE_PARAMS = ("q", "query", "ll", "center", "destination", "daddr")
_APPLE_PARAMS = ("ll", "q", "sll", "coordinate", "daddr")
_MINUSES = str.maketrans({"\u2212": "-", "\u2013": "-"})

NOT_A_LINK = "paste a map link (Google Maps, OpenStreetMap, geo:) or 'lat, lon'"
SHORT_LINK = (
    "this is a short link: open it in the browser first and paste the long address "
    "(with the coordinates) from the address bar"
)
NO_COORDINATES = (
    "no coordinates found in this link: in Google Maps use the address with @lat,lon or "
    "?q=lat,lon, in OpenStreetMap one with #map=zoom/lat/lon, or type 'lat, lon'"
)


class PositionError(ValueError):
    """Why a text gives no position. ``str()`` is the English message; ``code`` (one of
    not_a_link, short_link, no_coordinates, not_coordinates, latitude_range, longitude_range)
    and ``values`` let a caller say the same in another language."""

    def __init__(self, code: str, message: str, **values: str) -> None:
        super().__init__(message)
        self.code = code
        self.values = values


def _checked(lat: str, lon: str) -> tuple[float, float]:
    """The pair as floats, refused unless finite and on the globe."""
    try:
        la, lo = float(lat), float(lon)
    except ValueError:
        raise PositionError(
            "not_coordinates", f"'{lat}, {lon}' are not coordinates", lat=lat, lon=lon
        ) from None
    if not (math.isfinite(la) and math.isfinite(lo)):
        raise PositionError(
            "not_coordinates", f"'{lat}, {lon}' are not coordinates", lat=lat, lon=lon
        )
    if not -90 <= la <= 90:
        raise PositionError("latitude_range", f"latitude {lat} is outside -90..90", lat=lat)
    if not -180 <= lo <= 180:
        raise PositionError("longitude_range", f"longitude {lon} is outside -180..180", lon=lon)
    return la, lo


def _pair(text: str | None) -> tuple[float, float] | None:
    """(lat, lon) if ``text`` is exactly "lat,lon" (URL-encoded, '+' for space, 'loc:' prefix)."""
    text = unquote(text or "").replace("+", " ").strip()
    text = text.removeprefix("loc:").split("(")[0]
    match = _PAIR.match(text)
    return _checked(match[1], match[2]) if match else None


def _is_host(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _first_pair(query: dict[str, list[str]], names: tuple[str, ...]) -> tuple[float, float] | None:
    for name in names:
        for value in query.get(name, ()):
            if found := _pair(value):
                return found
    return None


def _geo_uri(text: str, match: re.Match[str]) -> tuple[float, float]:
    """geo:lat,lon[,alt][;u=..] or, from Android, geo:0,0?q=lat,lon(label)."""
    if float(match[1]) == 0 and float(match[2]) == 0:
        query = parse_qs(text.partition("?")[2])
        if pin := _first_pair(query, ("q",)):
            return pin
    return _checked(match[1], match[2])


def _google(text: str, path: str, query: dict[str, list[str]]) -> tuple[float, float] | None:
    if pin := _PLACE_PIN.search(text):  # the place itself, more exact than the view
        return _checked(pin[1], pin[2])
    if found := _first_pair(query, _GOOGLE_PARAMS):
        return found
    if at := _AT.search(path):
        return _checked(at[1], at[2])
    for segment in path.split("/"):  # /maps/search/-7.97713,+112.634 or /maps/place/lat,lon
        if found := _pair(segment):
            return found
    return None


def _openstreetmap(
    query: dict[str, list[str]], fragment: str, raw_query: str
) -> tuple[float, float] | None:
    if "mlat" in query and "mlon" in query:
        return _checked(query["mlat"][0], query["mlon"][0])
    if found := _OSM_MAP.search(fragment) or _OSM_MAP.search(raw_query):
        return _checked(found[1], found[2])
    return None


def parse_position(text: str) -> tuple[float, float]:
    """(lat, lon) in degrees from what a map app shares.

    Understood: "lat, lon"; geo: URIs (geo:lat,lon;u=.., geo:0,0?q=lat,lon(label)); Google Maps
    links (the place pin !3d..!4d.., ?q= / query= / ll= / center= / destination=, @lat,lon in the
    path as in /maps/@.. and /maps/place/Name/@..); OpenStreetMap links (?mlat=&mlon=,
    #map=zoom/lat/lon); Apple Maps (?ll=, ?q=). Raises ValueError with a message for the
    organizer: out-of-range coordinates, short links that only redirect, links without
    coordinates, and text that is no link at all each say what to paste instead.
    """
    text = text.strip().translate(_MINUSES)
    if plain := _pair(text):
        return plain
    if match := _GEO.match(text):
        return _geo_uri(text, match)
    url = urlsplit(text)
    host = (url.hostname or "").lower()
    if url.scheme not in ("http", "https") or not host:
        raise PositionError("not_a_link", NOT_A_LINK)
    if any(_is_host(host, short) for short in _SHORT_HOSTS) or (
        _is_host(host, "osm.org") and url.path.startswith("/go/")
    ):
        raise PositionError("short_link", SHORT_LINK)
    query = parse_qs(url.query)
    found: tuple[float, float] | None = None
    if "google." in host or host.startswith("google"):
        found = _google(text, unquote(url.path), query)
    elif _is_host(host, "openstreetmap.org") or _is_host(host, "osm.org"):
        found = _openstreetmap(query, url.fragment, url.query)
    elif _is_host(host, "maps.apple.com"):
        found = _first_pair(query, _APPLE_PARAMS)
    if found is None:
        raise PositionError("no_coordinates", NO_COORDINATES)
    return found
