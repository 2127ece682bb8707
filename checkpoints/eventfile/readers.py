"""Scalar field readers of the validating walker: text, patterns, codes, choices, flags,
numbers, local dates and times, time zones; each reports a problem and returns None when the
value is not acceptable."""

import functools
import math
import re
from collections.abc import Callable
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from yaml.nodes import Node, ScalarNode

from checkpoints.codes import normalize_code
from checkpoints.eventfile.checker import _Checker
from checkpoints.eventfile.nodes import (
    _BOOL,
    _FLOAT,
    _INT,
    _LINE_BREAKS,
    _NULL,
    _SC,
    _STR,
    _describe,
    _fmt,
    _or,
    _short,
    _suggest,
)
from checkpoints.eventfile.vocab import (
    _CLOCK_RE,
    _CODE_RE,
    _CODE_RULE,
    _DATE_RE,
    _EXP_RE,
    _NOT_ZONES,
    _NUMBER_RE,
    _WHEN_RE,
    _ZONE_ABBREVIATIONS,
)


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones()) - _NOT_ZONES


def _is_zone(name: str) -> bool:
    if name in _NOT_ZONES:
        return False
    if _zones():
        return name in _zones()
    try:  # no zone list on this system: ask zoneinfo directly
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _scalar_number(node: Node) -> int | float | None:
    if not isinstance(node, ScalarNode):
        return None
    try:
        if node.tag == _INT:
            return _SC.construct_yaml_int(node)
        if node.tag == _FLOAT:
            return _SC.construct_yaml_float(node)
        if node.tag == _STR and not node.style and _EXP_RE.fullmatch(node.value):
            return float(node.value)
    except (ValueError, OverflowError):
        return None
    return None


def _microseconds(fraction: str | None) -> int:
    return int((fraction or "0")[:6].ljust(6, "0"))


class _Readers(_Checker):
    """The walker's scalar readers (return None after reporting a problem)."""

    # -- scalar readers (return None after reporting a problem) ------------------------------

    def text(
        self,
        node: Node,
        path: str,
        *,
        what: str,
        limit: int,
        single_line: bool = True,
        allow_empty: bool = False,
    ) -> str | None:
        if not isinstance(node, ScalarNode):
            self.add(node, path, f"{what} must be text, got {_describe(node)}")
            return None
        value = "" if node.tag == _NULL else node.value
        if not value.strip() and not allow_empty:
            self.add(node, path, f"{what} is empty; it must have some text")
            return None
        if single_line and any(c in value for c in _LINE_BREAKS):
            self.add(node, path, f"{what} must fit on one line")
            return None
        if len(value) > limit:
            self.add(node, path, f"{what} is {len(value)} characters long; the limit is {limit}")
            return None
        return value

    def pattern(
        self, node: Node, path: str, *, what: str, regex: re.Pattern[str], rule: str
    ) -> str | None:
        value = self.text(node, path, what=what, limit=200)
        if value is not None and not regex.fullmatch(value):
            self.add(node, path, f"{what} {_short(value)} is not valid: {rule}")
            return None
        return value

    def code(self, node: Node, path: str, *, what: str) -> str | None:
        """A printed, typed code: folded like typed input (case, dashes, look-alikes), then
        checked against the code alphabet; the canonical form is kept."""
        value = self.text(node, path, what=what, limit=200)
        if value is None:
            return None
        code = normalize_code(value)
        if not _CODE_RE.fullmatch(code):
            self.add(node, path, f"{what} {_short(value)} is not valid: {_CODE_RULE}")
            return None
        return code

    def choice(self, node: Node, path: str, *, what: str, options: tuple[str, ...]) -> str | None:
        value = self.text(node, path, what=what, limit=200)
        if value is None:
            return None
        if value not in options:
            guess = _suggest(value, options)
            hint = f" (did you mean {guess!r}?)" if guess else ""
            self.add(node, path, f"{what} must be {_or(options)}, got {_short(value)}{hint}")
            return None
        return value

    def flag(self, node: Node, path: str, *, what: str) -> bool | None:
        if isinstance(node, ScalarNode) and node.tag == _BOOL:
            return bool(_SC.construct_yaml_bool(node))
        self.add(node, path, f"{what} must be true or false, got {_describe(node)}")
        return None

    def number(
        self,
        node: Node,
        path: str,
        *,
        what: str,
        rule: str,
        ok: Callable[[float], bool],
        whole: bool = False,
    ) -> float | int | None:
        value = _scalar_number(node)
        kind = "a whole number" if whole else "a number"
        if value is None:
            quoted = (
                isinstance(node, ScalarNode)
                and node.style in ("'", '"')
                and _NUMBER_RE.fullmatch(node.value.strip())
            )
            hint = " (remove the quotes)" if quoted else ""
            self.add(node, path, f"{what} must be {kind}, got {_describe(node)}{hint}")
            return None
        try:
            finite = math.isfinite(value)
        except OverflowError:
            finite = False
        if not finite:
            self.add(node, path, f"{what} must be a finite number, got {node.value}")
            return None
        if whole:
            if value != int(value):
                self.add(node, path, f"{what} must be a whole number, got {_fmt(value)}")
                return None
            value = int(value)
        if not ok(value):
            self.add(node, path, f"{rule}, got {_fmt(value)}")
            return None
        return value if whole else float(value)

    def when(self, node: Node, path: str, *, what: str) -> datetime | None:
        """A local date and time: 'YYYY-MM-DD HH:MM' or a YAML timestamp without offset."""
        form = "YYYY-MM-DD HH:MM (local time of the event's timezone)"
        if not isinstance(node, ScalarNode) or node.tag == _NULL:
            self.add(
                node, path, f"{what} must be a date and time written {form}, got {_describe(node)}"
            )
            return None
        raw = node.value.strip()
        match = _WHEN_RE.fullmatch(raw)
        if match is None:
            if _DATE_RE.fullmatch(raw):
                self.add(
                    node,
                    path,
                    f"{what} {raw!r} has a date but no time; write {form}, e.g. '{raw} 07:00'",
                )
            else:
                self.add(node, path, f"{what} must be written {form}, got {_short(raw)}")
            return None
        year, month, day, hour, minute, second, fraction, offset = match.groups()
        if offset:
            self.add(
                node,
                path,
                f"{what} {raw!r} has a UTC offset; times in an event file are "
                "local to its timezone: write YYYY-MM-DD HH:MM without offset",
            )
            return None
        try:
            return datetime(
                int(year),
                int(month),
                int(day),
                int(hour),
                int(minute),
                int(second or 0),
                _microseconds(fraction),
            )
        except ValueError:
            self.add(node, path, f"{what} {raw!r} is not a real date and time")
            return None

    def clock(self, node: Node, path: str, *, what: str) -> time | None:
        """A local time of day, 'HH:MM' (09:00, 17:30; '09.00' is accepted too)."""
        raw = node.value.strip() if isinstance(node, ScalarNode) else ""
        match = _CLOCK_RE.fullmatch(raw)
        try:
            if match is None:
                raise ValueError
            hour, minute, second, fraction = match.groups()
            return time(int(hour), int(minute), int(second or 0), _microseconds(fraction))
        except ValueError:
            got = _describe(node) if not raw else _short(raw)
            self.add(
                node, path, f"{what} must be a time of day written HH:MM, such as 09:00, got {got}"
            )
            return None

    def zone(self, node: Node, path: str) -> str | None:
        name = self.text(node, path, what="the time zone", limit=100)
        if name is None or _is_zone(name):
            return name
        alias = _ZONE_ABBREVIATIONS.get(name.strip().upper())
        if alias:
            message = (
                f"{name!r} is an abbreviation, not a time zone name; write {alias} "
                "(IANA time zone names only)"
            )
        else:
            guess = _suggest(name.strip(), _zones())
            message = (
                f"unknown time zone {_short(name)}; use an IANA time zone name such as "
                "Asia/Jakarta" + (f" (did you mean {guess!r}?)" if guess else "")
            )
        self.add(node, path, message)
        return None
