"""Event files ("events as code"): parse and validate the YAML format, and write it back.

``parse_event_file`` refuses a bad file whole and names every problem (line, field, why);
``dump_event_file`` writes the same shape back, so ``parse_event_file(dump_event_file(s)) == s``.
Times in the file are naive local wall-clock times; the caller converts them with the timezone.
Flask-free: only PyYAML and the standard library.
"""

import codecs
import difflib
import functools
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from checkpoints.codes import normalize_code

__all__ = [
    "MAX_FILE_BYTES",
    "CheckpointSpec",
    "EventFileError",
    "EventSpec",
    "ParticipantSpec",
    "Problem",
    "TaskSpec",
    "TeamSpec",
    "dump_event_file",
    "parse_event_file",
]

MAX_FILE_BYTES = 1_000_000

_MAX_DEPTH = 40
_MAX_WINDOW = timedelta(days=14)
_MAX_PARTICIPANTS = 10_000
_MAX_TEAMS = 10_000
_MAX_CHECKPOINTS = 1000
_MAX_TASKS = 100  # per checkpoint, and for the location-free list
_MAX_CHOICES = 20
_MAX_ANSWERS = 50
_MAX_TITLE = 200
_MAX_NAME = 200
_MAX_TEXT = 5000
_MAX_SHORT = 500  # a choice or an accepted answer

_LANGUAGES = ("id", "en")
_MODES = ("team", "individual")
_TASK_TYPES = ("question", "creative")
_SUBMITS = ("photo", "text", "photo_text")
_REVIEW_POLICIES = ("mean", "last")

_CODE_RULE = "use 4-16 letters and digits (I, L, O and U read as 1, 1, 0 and V)"
_KEY_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
# Codes are printed and typed: the alphabet of checkpoints.codes, as long as the database keeps.
_CODE_RE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4,16}")
_SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_CLOCK = r"(\d{1,2})[:.](\d{2})(?::(\d{2})(?:\.(\d+))?)?"
_OFFSET = r"(?:[ \t]*(Z|z|[-+]\d{1,2}(?::?\d{2})?))?"
_WHEN_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt]|[ \t]+)" + _CLOCK + _OFFSET, re.ASCII)
_DATE_RE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}", re.ASCII)
_CLOCK_RE = re.compile(_CLOCK, re.ASCII)
_EXP_RE = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+", re.ASCII)
_NUMBER_RE = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", re.ASCII)

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_SCALAR_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null",
                                             "timestamp", "value", "merge"))
_OK_TAGS = _SCALAR_TAGS | {_TAG + "seq", _TAG + "map"}
_LINE_BREAKS = "\n\r\x85\u2028\u2029"
_SC = SafeConstructor()  # only its pure scalar converters are used

_EVENT_FIELDS = ("title", "slug", "timezone", "starts", "ends", "freeze", "language", "mode",
                 "radius_m", "speed_weight", "accuracy_cap_m", "max_speed_kmh",
                 "team_code_login", "blind_judging", "review_policy",
                 "teams", "checkpoints", "tasks")
_TEAM_FIELDS = ("name", "code", "participants")
_PARTICIPANT_FIELDS = ("name", "unit")
_CHECKPOINT_FIELDS = ("key", "name", "code", "lat", "lon", "radius_m", "opens", "closes",
                      "instructions", "tasks")
_TASK_FIELDS = ("type", "title", "prompt", "choices", "answer", "rubric", "submit",
                "time_limit_s", "points")
_NUMBER_FIELDS = ("value", "tolerance")

# Synonyms difflib cannot guess; used only when the target is allowed where the word was found.
_SYNONYMS = {"latitude": "lat", "longitude": "lon", "lng": "lon", "long": "lon",
             "options": "choices", "question": "prompt", "text": "prompt",
             "members": "participants",
             "groups": "teams", "questions": "tasks", "tz": "timezone", "zone": "timezone",
             "start": "starts", "end": "ends", "role": "unit", "time_limit": "time_limit_s",
             "timeout": "time_limit_s", "score": "points"}
_MISSING = {
    "title": "the event's name",
    "timezone": "an IANA time zone name such as Asia/Jakarta",
    "starts": "the local start time as YYYY-MM-DD HH:MM",
    "ends": "the local end time as YYYY-MM-DD HH:MM",
    "name": "a name",
    "key": "a short id such as balaikota (lowercase letters, digits, '_' or '-')",
    "lat": "the latitude in decimal degrees, e.g. -7.97713",
    "lon": "the longitude in decimal degrees, e.g. 112.634",
    "type": "question or creative",
    "prompt": "the question or the challenge, as participants will read it",
    "points": "the maximum points, a whole number from 0 to 100000",
    "time_limit_s": "the time limit in seconds, a whole number from 5 to 86400",
    "value": "the correct number",
}
_ZONE_ABBREVIATIONS = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})
_RADIUS_RULE = "the radius must be more than 0 and at most 50000 metres"


# ---------------------------------------------------------------------------------------------
# Public data types


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an event file: where (line, dotted field path) and why."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        parts = [] if self.line is None else [f"line {self.line}"]
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)


class EventFileError(ValueError):
    """The event file was refused; ``problems`` lists every problem found, in line order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        unique = list(dict.fromkeys(problems))  # stable sort: same line keeps finding order
        self.problems: list[Problem] = sorted(unique, key=lambda p: p.line or 0)
        lines = [str(p) for p in self.problems[:100]]
        if len(self.problems) > 100:
            lines.append(f"... and {len(self.problems) - 100} more")
        if len(self.problems) == 1:
            summary = lines[0]
        else:
            summary = f"{len(self.problems)} problems in the event file:\n" + "\n".join(lines)
        super().__init__(summary)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problems,))


@dataclass
class ParticipantSpec:
    """A roster entry: a person's name (unique within the event) and unit or role."""

    name: str
    unit: str = ""


@dataclass
class TeamSpec:
    """A team with its participants and an optional team join code."""

    name: str
    participants: list[ParticipantSpec]
    code: str | None = None


@dataclass
class TaskSpec:
    """A question (kind choice, text or number) or a creative challenge (kind creative)."""

    type: str
    kind: str
    prompt: str
    points: int
    time_limit_s: int
    choices: list[str] | None = None
    answer: str | list[str] | dict | None = None
    rubric: str = ""
    submit: str = "photo_text"
    title: str = ""


@dataclass
class CheckpointSpec:
    """A place to visit: position, geofence radius, optional code and opening hours, tasks."""

    key: str
    name: str
    lat: float
    lon: float
    radius_m: float | None = None
    instructions: str = ""
    code: str | None = None
    opens: time | None = None
    closes: time | None = None
    tasks: list[TaskSpec] = field(default_factory=list)


@dataclass
class EventSpec:
    """A whole event as written in the file; starts/ends/freeze are naive local times."""

    title: str
    timezone: str
    starts: datetime
    ends: datetime
    language: str = "id"
    mode: str = "team"
    radius_m: float = 50
    speed_weight: float = 0.5
    accuracy_cap_m: float = 100
    max_speed_kmh: float = 150
    freeze: datetime | None = None
    slug: str | None = None
    team_code_login: bool = False
    blind_judging: bool = False
    review_policy: str = "mean"
    teams: list[TeamSpec] = field(default_factory=list)
    checkpoints: list[CheckpointSpec] = field(default_factory=list)
    tasks: list[TaskSpec] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Parsing


def parse_event_file(data: str | bytes) -> EventSpec:
    """Parse and validate an event file; raise EventFileError naming every problem."""
    root = _compose(_decode(data))
    checker = _Checker()
    checker.scan(root)
    spec = checker.event(root)
    if checker.problems:
        raise EventFileError(checker.problems)
    return spec


def _error(line: int | None, message: str, path: str = "") -> EventFileError:
    return EventFileError([Problem(line, path, message)])


def _decode(data: str | bytes) -> str:
    """Check size and encoding; return the text without a byte order mark."""
    if isinstance(data, bytearray | memoryview):
        data = bytes(data)
    if isinstance(data, bytes):
        size = len(data)
    elif isinstance(data, str):
        size = len(data)
        if size <= MAX_FILE_BYTES:
            size = len(data.encode("utf-8", "surrogatepass"))
    else:
        raise TypeError(f"an event file is str or bytes, not {type(data).__name__}")
    if size > MAX_FILE_BYTES:
        limit = f"{MAX_FILE_BYTES / 1e6:g} MB"
        if size >= 1_050_000:  # "3.2 MB"; just over the limit, bytes say it better
            message = f"the file is {size / 1e6:.1f} MB; the limit is {limit}"
        else:
            message = f"the file is {size:,} bytes; the limit is {limit} ({MAX_FILE_BYTES:,} bytes)"
        raise _error(None, message)
    if isinstance(data, bytes):
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise _error(1, "the file is UTF-16 text; save it as UTF-8")
        data = data.removeprefix(codecs.BOM_UTF8)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise _error(line, f"the file is not UTF-8 text: byte 0x{data[exc.start]:02x} cannot "
                               "be read; save the file as UTF-8") from None
    else:
        text = data.removeprefix("\ufeff")
    if not text.strip():
        raise _error(None, "the file is empty")
    return text


class _Refusal(Exception):
    """Raised by the loader for YAML features event files do not allow."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (no alias bombs) and very deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refusal(event.start_mark.line + 1,
                           f"YAML aliases (*{event.anchor}) are not allowed in event files; "
                           "write the value out in full")
        self._depth += 1
        try:
            if self._depth > _MAX_DEPTH:
                raise _Refusal(event.start_mark.line + 1,
                               f"the YAML is nested more than {_MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _compose(text: str) -> MappingNode:
    """YAML text -> node tree (every node knows its line); the top level must be a mapping."""
    root = _compose_fast(text) if _CLoader is not None else _SLOW
    if root is _SLOW:
        root = _compose_strict(text)
    if root is None:
        raise _error(None, "the file is empty (it holds only comments)")
    if not isinstance(root, MappingNode):
        raise _error(_line(root), "the top level must be a mapping of event fields "
                                  f"(title:, timezone:, starts: ...), got {_describe(root)}")
    return root


_CLoader = getattr(yaml, "CSafeLoader", None)
_SLOW = object()


def _compose_fast(text: str) -> Any:
    """Compose with libyaml (about 4x faster) when a quick look at the event stream finds no
    alias, no deep nesting and no error; otherwise return _SLOW and let the strict loader
    decide and word the problem."""
    depth = 0
    starts, ends = (yaml.MappingStartEvent, yaml.SequenceStartEvent), (yaml.MappingEndEvent,
                                                                       yaml.SequenceEndEvent)
    try:
        for event in yaml.parse(text, Loader=_CLoader):
            if isinstance(event, yaml.AliasEvent):
                return _SLOW
            if isinstance(event, starts):
                depth += 1
                if depth >= _MAX_DEPTH - 1:
                    return _SLOW
            elif isinstance(event, ends):
                depth -= 1
        return yaml.compose(text, Loader=_CLoader)
    except (yaml.YAMLError, ValueError):
        return _SLOW


def _compose_strict(text: str) -> Node | None:
    """Compose with the pure-Python loader, turning every refusal into an EventFileError."""
    loader = None
    try:
        loader = _Loader(text)  # the reader checks for forbidden characters right away
        root = loader.get_single_node()
    except _Refusal as exc:
        raise _error(exc.line, exc.message) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise _error(None if mark is None else mark.line + 1, _yaml_message(exc)) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise _error(line, f"the file contains a character YAML does not allow "
                           f"(U+{ord(char):04X}); remove it") from None
    except yaml.YAMLError as exc:
        raise _error(None, f"this is not valid YAML: {exc}") from None
    finally:
        if loader is not None:
            loader.dispose()
    return root


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "unreadable"
    if exc.context and "single document" in exc.context:
        return ("the file holds more than one YAML document (a second '---'); "
                "an event file is one document")
    message = f"this is not valid YAML: {problem}"
    if exc.context:
        message += f" ({exc.context})"
    if "'\\t'" in problem:
        message += "; indent with spaces, not tabs"
    elif "mapping values are not allowed" in problem or "expected ':'" in problem:
        message += "; check the indentation and quote values that contain ': '"
    return message


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL


def _norm(text: str) -> str:
    """Comparison form of a name: case and runs of white space do not matter."""
    return " ".join(text.split()).casefold()


def _short(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _NULL:
        return "nothing"
    if node.tag == _BOOL:
        return f"true/false ({node.value})"
    if node.tag in (_INT, _FLOAT):
        return f"the number {_short(node.value)[1:-1]}"
    return f"text {_short(node.value)}"


def _fmt(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _or(options: tuple[str, ...]) -> str:
    quoted = [repr(o) for o in options]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _suggest(word: str, options: Iterable[str]) -> str | None:
    options = list(options)
    lowered = {o.lower(): o for o in options}
    if word.lower() in lowered:
        return lowered[word.lower()]
    if _SYNONYMS.get(word.lower()) in options:
        return _SYNONYMS[word.lower()]
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    if close:
        return lowered[close[0]]
    starts = [o for o in lowered if len(word) >= 3 and o.startswith(word.lower())]
    return lowered[starts[0]] if len(starts) == 1 else None


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


_Fields = dict[str, tuple[Node, Node]]


class _Checker:
    """Walks the node tree, builds the spec and collects every problem on the way."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: Node | None, path: str, message: str) -> None:
        self.problems.append(Problem(None if where is None else _line(where), path, message))

    # -- whole-tree checks ------------------------------------------------------------------

    def scan(self, root: Node) -> None:
        """Duplicate mapping keys and non-standard YAML tags, anywhere in the tree."""
        stack: list[tuple[Node, str]] = [(root, "")]
        while stack:
            node, path = stack.pop()
            if node.tag not in _OK_TAGS:
                self.add(node, path, f"the YAML tag {node.tag} is not allowed in event files; "
                                     "remove it")
                continue
            if isinstance(node, MappingNode):
                seen: dict[str, int] = {}
                for key, value in node.value:
                    name = key.value if isinstance(key, ScalarNode) else ""
                    if name in seen and isinstance(key, ScalarNode):
                        self.add(key, _join(path, name),
                                 f"duplicate field {name!r}: it is already given on line "
                                 f"{seen[name]}; give each field once")
                    else:
                        seen[name] = _line(key)
                    stack.append((value, _join(path, name) if name else path))
            elif isinstance(node, SequenceNode):
                stack.extend((item, f"{path}[{i}]") for i, item in enumerate(node.value))

    # -- structure ---------------------------------------------------------------------------

    def fields(self, node: Node, path: str, allowed: tuple[str, ...], what: str) -> _Fields | None:
        """The known fields of a mapping; unknown fields are reported with a suggestion."""
        if not isinstance(node, MappingNode):
            self.add(node, path, f"{what} must be a mapping of fields "
                                 f"({', '.join(allowed[:3])}, ...), got {_describe(node)}")
            return None
        out: _Fields = {}
        names: set[str] = set()
        for key, value in node.value:
            if not isinstance(key, ScalarNode) or key.tag not in _SCALAR_TAGS:
                self.add(key, path, f"field names must be plain words, got {_describe(key)}")
                continue
            name = key.value
            if name in names:  # a duplicate key: scan() reports it, the first one counts
                continue
            names.add(name)
            if name in allowed:
                out[name] = (key, value)
            else:
                self.add(key, _join(path, name), self._unknown(name, allowed, what))
        return out

    @staticmethod
    def _unknown(name: str, allowed: tuple[str, ...], what: str) -> str:
        if name == "kind":
            return ("unknown field 'kind': the kind is worked out from the task (choices -> "
                    "choice, {value, tolerance} -> number, otherwise text); remove it")
        guess = _suggest(name, allowed)
        if guess:
            return f"unknown field {name!r}; did you mean {guess!r}?"
        return f"unknown field {name!r}; {what} can have: {', '.join(allowed)}"

    def get(self, f: _Fields, mapping: Node, path: str, name: str, reader: Callable[..., Any],
            *, required: bool = False, default: Any = None, **kw: Any) -> Any:
        """Read field ``name`` with ``reader``; report it when required and missing."""
        pair = f.get(name)
        if pair is None or (not required and _is_null(pair[1])):
            if required:
                self.add(mapping, _join(path, name),
                         f"the required field {name!r} is missing: write {_MISSING[name]}")
            return default
        value = reader(pair[1], _join(path, name), **kw)
        return default if value is None else value

    def items(self, node: Node | None, path: str, *, what: str,
              cap: int | None) -> list[Node]:
        if node is None or _is_null(node):
            return []
        if not isinstance(node, SequenceNode):
            self.add(node, path, f"{what} must be a list (one '- ' entry each), "
                                 f"got {_describe(node)}")
            return []
        if cap is not None and len(node.value) > cap:
            self.add(node, path, f"too many {what}: {len(node.value)} given, at most {cap}")
        return node.value

    def unique(self, seen: dict[str, tuple[int, str]], value: str | None, node: Node, here: str,
               what: str, *, exact: bool = False, scope: str = "the event") -> None:
        """Report ``value`` when it was seen before (case and spacing ignored unless exact)."""
        if value is None:
            return
        token = value if exact else _norm(value)
        if token in seen:
            line, where = seen[token]
            self.add(node, here, f"{what} {_short(value)} is already used by {where} on line "
                                 f"{line}; each {what} must be unique within {scope}")
        else:
            seen[token] = (_line(node), here)

    # -- scalar readers (return None after reporting a problem) ------------------------------

    def text(self, node: Node, path: str, *, what: str, limit: int, single_line: bool = True,
             allow_empty: bool = False) -> str | None:
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

    def pattern(self, node: Node, path: str, *, what: str, regex: re.Pattern[str],
                rule: str) -> str | None:
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

    def number(self, node: Node, path: str, *, what: str, rule: str,
               ok: Callable[[float], bool], whole: bool = False) -> float | int | None:
        value = _scalar_number(node)
        kind = "a whole number" if whole else "a number"
        if value is None:
            quoted = (isinstance(node, ScalarNode) and node.style in ("'", '"')
                      and _NUMBER_RE.fullmatch(node.value.strip()))
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
            self.add(node, path, f"{what} must be a date and time written {form}, "
                                 f"got {_describe(node)}")
            return None
        raw = node.value.strip()
        match = _WHEN_RE.fullmatch(raw)
        if match is None:
            if _DATE_RE.fullmatch(raw):
                self.add(node, path, f"{what} {raw!r} has a date but no time; write {form}, "
                                     f"e.g. '{raw} 07:00'")
            else:
                self.add(node, path, f"{what} must be written {form}, got {_short(raw)}")
            return None
        year, month, day, hour, minute, second, fraction, offset = match.groups()
        if offset:
            self.add(node, path, f"{what} {raw!r} has a UTC offset; times in an event file are "
                                 "local to its timezone: write YYYY-MM-DD HH:MM without offset")
            return None
        try:
            return datetime(int(year), int(month), int(day), int(hour), int(minute),
                            int(second or 0), _microseconds(fraction))
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
            self.add(node, path, f"{what} must be a time of day written HH:MM, such as 09:00, "
                                 f"got {got}")
            return None

    def zone(self, node: Node, path: str) -> str | None:
        name = self.text(node, path, what="the time zone", limit=100)
        if name is None or _is_zone(name):
            return name
        alias = _ZONE_ABBREVIATIONS.get(name.strip().upper())
        if alias:
            message = (f"{name!r} is an abbreviation, not a time zone name; write {alias} "
                       "(IANA time zone names only)")
        else:
            guess = _suggest(name.strip(), _zones())
            message = (f"unknown time zone {_short(name)}; use an IANA time zone name such as "
                       "Asia/Jakarta" + (f" (did you mean {guess!r}?)" if guess else ""))
        self.add(node, path, message)
        return None

    # -- the event and its parts -------------------------------------------------------------

    def event(self, root: MappingNode) -> EventSpec:
        f = self.fields(root, "", _EVENT_FIELDS, "an event") or {}
        get = functools.partial(self.get, f, root, "")
        title = get("title", self.text, required=True, what="the title", limit=_MAX_TITLE)
        slug = get("slug", self.pattern, what="the slug", regex=_SLUG_RE,
                   rule="use 1-64 lowercase letters, digits or '-', starting with a letter "
                        "or digit")
        timezone = get("timezone", self.zone, required=True)
        starts = get("starts", self.when, required=True, what="starts")
        ends = get("ends", self.when, required=True, what="ends")
        freeze = get("freeze", self.when, what="freeze")
        language = get("language", self.choice, default="id", what="language", options=_LANGUAGES)
        mode = get("mode", self.choice, default="team", what="mode", options=_MODES)
        radius_m = get("radius_m", self.number, default=50, what="radius_m", rule=_RADIUS_RULE,
                       ok=lambda v: 0 < v <= 50_000)
        speed_weight = get("speed_weight", self.number, default=0.5, what="speed_weight",
                           rule="speed_weight must be between 0 and 1", ok=lambda v: 0 <= v <= 1)
        accuracy_cap_m = get("accuracy_cap_m", self.number, default=100, what="accuracy_cap_m",
                             rule="accuracy_cap_m must be more than 0 and at most 50000 metres",
                             ok=lambda v: 0 < v <= 50_000)
        max_speed_kmh = get("max_speed_kmh", self.number, default=150, what="max_speed_kmh",
                            rule="max_speed_kmh must be more than 0 and at most 2000",
                            ok=lambda v: 0 < v <= 2000)
        team_code_login = get("team_code_login", self.flag, default=False, what="team_code_login")
        blind_judging = get("blind_judging", self.flag, default=False, what="blind_judging")
        review_policy = get("review_policy", self.choice, default="mean", what="review_policy",
                            options=_REVIEW_POLICIES)
        self._window(f, starts, ends, freeze)
        teams = self.teams(f.get("teams", (None, None))[1])
        checkpoints = self.checkpoints(f.get("checkpoints", (None, None))[1])
        tasks = self.tasks(f.get("tasks", (None, None))[1], "tasks", "location-free tasks")
        return EventSpec(
            title=title, timezone=timezone, starts=starts, ends=ends, language=language,
            mode=mode, radius_m=radius_m, speed_weight=speed_weight,
            accuracy_cap_m=accuracy_cap_m, max_speed_kmh=max_speed_kmh, freeze=freeze, slug=slug,
            team_code_login=team_code_login, blind_judging=blind_judging,
            review_policy=review_policy, teams=teams, checkpoints=checkpoints, tasks=tasks)

    def _window(self, f: _Fields, starts: datetime | None, ends: datetime | None,
                freeze: datetime | None) -> None:
        if starts is None or ends is None:
            return
        if ends <= starts:
            self.add(f["ends"][1], "ends", f"the event must end after it starts: ends "
                     f"{_dump_when(ends)} is not later than starts {_dump_when(starts)}")
        elif ends - starts > _MAX_WINDOW:
            length = ends - starts
            self.add(f["ends"][1], "ends", f"the event lasts {length.days} days "
                     f"{length.seconds // 3600} hours; the limit is {_MAX_WINDOW.days} days")
        if freeze is not None and not starts <= freeze <= ends:
            self.add(f["freeze"][1], "freeze", f"the leaderboard freeze {_dump_when(freeze)} "
                     f"must be between starts ({_dump_when(starts)}) and ends ({_dump_when(ends)})")

    def teams(self, node: Node | None) -> list[TeamSpec]:
        teams: list[TeamSpec] = []
        names: dict[str, tuple[int, str]] = {}
        codes: dict[str, tuple[int, str]] = {}
        people: dict[str, tuple[int, str]] = {}
        count = 0
        for i, team_node in enumerate(self.items(node, "teams", what="teams", cap=_MAX_TEAMS)):
            path = f"teams[{i}]"
            f = self.fields(team_node, path, _TEAM_FIELDS, "a team")
            if f is None:
                continue
            get = functools.partial(self.get, f, team_node, path)
            name = get("name", self.text, required=True, what="the team name", limit=_MAX_NAME)
            if name is not None:
                self.unique(names, name, f["name"][1], _join(path, "name"), "team name")
            code = get("code", self.code, what="the team code")
            if code is not None:
                self.unique(codes, code, f["code"][1], _join(path, "code"), "team code")
            members: list[ParticipantSpec] = []
            roster = f.get("participants", (None, None))[1]
            people_nodes = self.items(roster, f"{path}.participants", what="participants",
                                      cap=None)  # the cap is per event, counted below
            for j, person in enumerate(people_nodes):
                count += 1
                if count == _MAX_PARTICIPANTS + 1:
                    self.add(person, f"{path}.participants[{j}]", "too many participants: an "
                             f"event can have at most {_MAX_PARTICIPANTS}")
                member = self.participant(person, f"{path}.participants[{j}]", people)
                if member is not None:
                    members.append(member)
            teams.append(TeamSpec(name=name, participants=members, code=code))
        return teams

    def participant(self, node: Node, path: str,
                    people: dict[str, tuple[int, str]]) -> ParticipantSpec | None:
        if isinstance(node, ScalarNode):  # a bare name: "Budi"
            name = self.text(node, path, what="the participant name", limit=_MAX_NAME)
            self.unique(people, name, node, path, "participant name")
            return ParticipantSpec(name=name) if name is not None else None
        fields = self.fields(node, path, _PARTICIPANT_FIELDS, "a participant")
        if fields is None:
            return None
        get = functools.partial(self.get, fields, node, path)
        name = get("name", self.text, required=True, what="the participant name",
                   limit=_MAX_NAME)
        if name is not None:
            self.unique(people, name, fields["name"][1], _join(path, "name"), "participant name")
        unit = get("unit", self.text, default="", what="the unit", limit=_MAX_NAME,
                   allow_empty=True)
        return ParticipantSpec(name=name, unit=unit)

    def checkpoints(self, node: Node | None) -> list[CheckpointSpec]:
        out: list[CheckpointSpec] = []
        keys: dict[str, tuple[int, str]] = {}
        codes: dict[str, tuple[int, str]] = {}
        nodes = self.items(node, "checkpoints", what="checkpoints", cap=_MAX_CHECKPOINTS)
        for i, item in enumerate(nodes):
            checkpoint = self.checkpoint(item, f"checkpoints[{i}]", keys, codes)
            if checkpoint is not None:
                out.append(checkpoint)
        return out

    def checkpoint(self, node: Node, path: str, keys: dict[str, tuple[int, str]],
                   codes: dict[str, tuple[int, str]]) -> CheckpointSpec | None:
        f = self.fields(node, path, _CHECKPOINT_FIELDS, "a checkpoint")
        if f is None:
            return None
        get = functools.partial(self.get, f, node, path)
        key = get("key", self.pattern, required=True, what="the checkpoint key", regex=_KEY_RE,
                  rule="use 1-40 lowercase letters, digits, '_' or '-', starting with a letter "
                       "or digit")
        if key is not None:
            self.unique(keys, key, f["key"][1], _join(path, "key"), "checkpoint key", exact=True)
        name = get("name", self.text, required=True, what="the checkpoint name", limit=_MAX_NAME)
        code = get("code", self.code, what="the checkpoint code")
        if code is not None:
            self.unique(codes, code, f["code"][1], _join(path, "code"), "checkpoint code")
        lat = get("lat", self.number, required=True, what="latitude",
                  rule="latitude must be between -90 and 90", ok=lambda v: -90 <= v <= 90)
        lon = get("lon", self.number, required=True, what="longitude",
                  rule="longitude must be between -180 and 180", ok=lambda v: -180 <= v <= 180)
        radius_m = get("radius_m", self.number, what="radius_m", rule=_RADIUS_RULE,
                       ok=lambda v: 0 < v <= 50_000)
        opens = get("opens", self.clock, what="opens")
        closes = get("closes", self.clock, what="closes")
        # closes before opens: open across midnight (20:00-02:00); equal times are ambiguous.
        if opens is not None and closes is not None and closes == opens:
            self.add(f["closes"][1], _join(path, "closes"), "opens and closes are both "
                     f"{_dump_clock(opens)}: leave both out for a checkpoint that is always open")
        instructions = get("instructions", self.text, default="", what="the instructions",
                           limit=_MAX_TEXT, single_line=False, allow_empty=True)
        tasks = self.tasks(f.get("tasks", (None, None))[1], _join(path, "tasks"), "tasks")
        return CheckpointSpec(key=key, name=name, lat=lat, lon=lon, radius_m=radius_m,
                              instructions=instructions, code=code, opens=opens, closes=closes,
                              tasks=tasks)

    def tasks(self, node: Node | None, path: str, what: str) -> list[TaskSpec]:
        out: list[TaskSpec] = []
        for i, item in enumerate(self.items(node, path, what=what, cap=_MAX_TASKS)):
            task = self.task(item, f"{path}[{i}]")
            if task is not None:
                out.append(task)
        return out

    def task(self, node: Node, path: str) -> TaskSpec | None:
        f = self.fields(node, path, _TASK_FIELDS, "a task")
        if f is None:
            return None
        get = functools.partial(self.get, f, node, path)
        type_ = get("type", self.choice, required=True, what="the task type", options=_TASK_TYPES)
        title = get("title", self.text, default="", what="the task title", limit=_MAX_TITLE,
                    allow_empty=True)
        prompt = get("prompt", self.text, required=True, what="the prompt", limit=_MAX_TEXT,
                     single_line=False)
        points = get("points", self.number, required=True, what="points", whole=True,
                     rule="points must be from 0 to 100000", ok=lambda v: 0 <= v <= 100_000)
        time_limit_s = get("time_limit_s", self.number, required=True, what="time_limit_s",
                           whole=True, rule="time_limit_s must be from 5 to 86400 seconds",
                           ok=lambda v: 5 <= v <= 86_400)
        rubric, submit = "", "photo_text"
        choices: list[str] | None = None
        answer: Any = None
        given = {name: pair for name, pair in f.items() if not _is_null(pair[1])}
        if type_ == "creative":
            kind = "creative"
            for name in ("choices", "answer"):
                if name in given:
                    self.add(given[name][0], _join(path, name), f"a creative task has no "
                             f"{name}: an organizer judges it; remove {name!r} or make the task "
                             "a question")
            rubric = get("rubric", self.text, default="", what="the rubric", limit=_MAX_TEXT,
                         single_line=False, allow_empty=True)
            submit = get("submit", self.choice, default="photo_text", what="submit",
                         options=_SUBMITS)
        else:
            if type_ == "question":
                for name in ("rubric", "submit"):
                    if name in given:
                        self.add(given[name][0], _join(path, name), f"{name!r} is only for "
                                 "creative tasks; remove it or make the task creative")
            kind, choices, answer = self.question(f, node, path, required=type_ == "question")
        return TaskSpec(type=type_, kind=kind, prompt=prompt, points=points,
                        time_limit_s=time_limit_s, choices=choices, answer=answer,
                        rubric=rubric, submit=submit, title=title)

    def question(self, f: _Fields, node: Node, path: str,
                 required: bool) -> tuple[str, list[str] | None, Any]:
        """kind, choices and answer of a question; the kind follows from their shape."""
        choices_node = f.get("choices", (None, None))[1]
        choices: list[str] | None = None
        complete = True
        if choices_node is not None and not _is_null(choices_node):
            cpath = _join(path, "choices")
            nodes = self.items(choices_node, cpath, what="choices", cap=_MAX_CHOICES)
            choices, seen = [], {}
            for k, item in enumerate(nodes):
                text = self.text(item, f"{cpath}[{k}]", what="a choice", limit=_MAX_SHORT)
                self.unique(seen, text, item, f"{cpath}[{k}]", "choice",
                            scope="the question")
                if text is None:
                    complete = False
                else:
                    choices.append(text)
            if isinstance(choices_node, SequenceNode) and len(nodes) < 2:
                self.add(choices_node, cpath, "a choice question needs at least 2 choices, "
                         f"got {len(nodes)}")
            complete = complete and isinstance(choices_node, SequenceNode)
        apath = _join(path, "answer")
        answer_node = f.get("answer", (None, None))[1]
        if answer_node is None or _is_null(answer_node):
            if required:
                expected = ("one of the choices" if choices is not None else "the accepted "
                            "text (or a list of accepted answers), or {value, tolerance} for a "
                            "number")
                self.add(node if answer_node is None else answer_node, apath,
                         f"a question needs an answer: write {expected}")
            return ("choice" if choices is not None else "text"), choices, None
        if choices is not None:
            if not isinstance(answer_node, ScalarNode):
                self.add(answer_node, apath, "a choice question has one correct answer: write "
                         f"one of the choices, got {_describe(answer_node)}")
                return "choice", choices, None
            answer = self.text(answer_node, apath, what="the answer", limit=_MAX_SHORT)
            if answer is not None and complete and answer not in choices:
                self.add(answer_node, apath, f"the answer {_short(answer)} is not one of the "
                         f"choices ({', '.join(_short(c, 20) for c in choices)})")
            return "choice", choices, answer
        if isinstance(answer_node, MappingNode):
            return "number", None, self.number_answer(answer_node, apath)
        if isinstance(answer_node, SequenceNode):
            nodes = self.items(answer_node, apath, what="accepted answers", cap=_MAX_ANSWERS)
            if not nodes:
                self.add(answer_node, apath, "a text answer needs at least one accepted answer")
            texts = [self.text(n, f"{apath}[{k}]", what="an accepted answer", limit=_MAX_SHORT)
                     for k, n in enumerate(nodes)]
            return "text", None, texts
        text = self.text(answer_node, apath, what="the answer", limit=_MAX_SHORT)
        return "text", None, None if text is None else [text]

    def number_answer(self, node: MappingNode, path: str) -> dict[str, float] | None:
        f = self.fields(node, path, _NUMBER_FIELDS, "a number answer") or {}
        get = functools.partial(self.get, f, node, path)
        value = get("value", self.number, required=True, what="the value",
                    rule="the value must be a number", ok=lambda v: True)
        tolerance = get("tolerance", self.number, default=0.0, what="the tolerance",
                        rule="the tolerance must be 0 or more", ok=lambda v: v >= 0)
        return {"value": value, "tolerance": float(tolerance)}


# ---------------------------------------------------------------------------------------------
# Writing


class _FlowList(list):
    """A list written inline: [a, b, c]."""


class _FlowMap(dict):
    """A mapping written inline: {name: Budi, unit: Dinas}."""


class _Dumper(yaml.SafeDumper):
    """SafeDumper that indents block lists, never writes aliases and keeps text readable."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = None
    if any(c in data for c in "\r\x85\u2028\u2029"):
        style = '"'  # YAML would turn these into plain line feeds anywhere else
    elif "\n" in data:
        style = "|"
    return dumper.represent_scalar(_STR, data, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(
    _FlowList, lambda d, data: d.represent_sequence(_TAG + "seq", list(data), flow_style=True))
_Dumper.add_representer(
    _FlowMap, lambda d, data: d.represent_mapping(_TAG + "map", dict(data), flow_style=True))

_SECTION_RE = re.compile(r"^(teams|checkpoints|tasks):", re.MULTILINE)


def dump_event_file(spec: EventSpec) -> str:
    """Write an EventSpec as event-file YAML, in the shape parse_event_file reads."""
    doc: dict[str, Any] = {"title": spec.title}
    if spec.slug is not None:
        doc["slug"] = spec.slug
    doc["timezone"] = spec.timezone
    doc["starts"] = _dump_when(spec.starts)
    doc["ends"] = _dump_when(spec.ends)
    if spec.freeze is not None:
        doc["freeze"] = _dump_when(spec.freeze)
    doc["language"] = spec.language
    doc["mode"] = spec.mode
    doc["radius_m"] = _dump_num(spec.radius_m)
    doc["speed_weight"] = _dump_num(spec.speed_weight)
    if spec.accuracy_cap_m != 100:
        doc["accuracy_cap_m"] = _dump_num(spec.accuracy_cap_m)
    if spec.max_speed_kmh != 150:
        doc["max_speed_kmh"] = _dump_num(spec.max_speed_kmh)
    if spec.team_code_login:
        doc["team_code_login"] = True
    if spec.blind_judging:
        doc["blind_judging"] = True
    if spec.review_policy != "mean":
        doc["review_policy"] = spec.review_policy
    doc["teams"] = [_dump_team(team) for team in spec.teams]
    doc["checkpoints"] = [_dump_checkpoint(c) for c in spec.checkpoints]
    doc["tasks"] = [_dump_task(task) for task in spec.tasks]
    text = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=1 << 30)
    return _SECTION_RE.sub(lambda m: "\n" + m.group(0), text)


def _dump_when(value: datetime) -> str:
    if value.tzinfo is not None:
        raise ValueError(f"event file times are naive local times, got {value.isoformat()}")
    return f"{value:%Y-%m-%d} {_dump_clock(value.time())}"


def _dump_clock(value: time) -> str:
    if value.tzinfo is not None:
        raise ValueError(f"event file times are naive local times, got {value.isoformat()}")
    text = f"{value:%H:%M}"
    if value.second or value.microsecond:
        text += f":{value:%S}"
    if value.microsecond:
        text += f".{value:%f}"
    return text


def _dump_num(value: float) -> float | int:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _dump_team(team: TeamSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"name": team.name}
    if team.code is not None:
        out["code"] = team.code
    out["participants"] = [
        _FlowMap({"name": p.name, "unit": p.unit} if p.unit else {"name": p.name})
        for p in team.participants
    ]
    return out


def _dump_checkpoint(checkpoint: CheckpointSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"key": checkpoint.key, "name": checkpoint.name}
    if checkpoint.code is not None:
        out["code"] = checkpoint.code
    out["lat"] = _dump_num(checkpoint.lat)
    out["lon"] = _dump_num(checkpoint.lon)
    if checkpoint.radius_m is not None:
        out["radius_m"] = _dump_num(checkpoint.radius_m)
    if checkpoint.opens is not None:
        out["opens"] = _dump_clock(checkpoint.opens)
    if checkpoint.closes is not None:
        out["closes"] = _dump_clock(checkpoint.closes)
    if checkpoint.instructions:
        out["instructions"] = checkpoint.instructions
    if checkpoint.tasks:
        out["tasks"] = [_dump_task(task) for task in checkpoint.tasks]
    return out


def _dump_task(task: TaskSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"type": task.type}
    if task.title:
        out["title"] = task.title
    out["prompt"] = task.prompt
    if task.choices is not None:
        out["choices"] = _FlowList(task.choices)
    answer = task.answer
    if isinstance(answer, dict):
        number = {"value": _dump_num(answer["value"])}
        if answer.get("tolerance"):
            number["tolerance"] = _dump_num(answer["tolerance"])
        out["answer"] = _FlowMap(number)
    elif isinstance(answer, list):
        out["answer"] = answer[0] if len(answer) == 1 else _FlowList(answer)
    elif answer is not None:
        out["answer"] = answer
    if task.type == "creative":
        if task.rubric:
            out["rubric"] = task.rubric
        if task.submit != "photo_text":
            out["submit"] = task.submit
    out["time_limit_s"] = task.time_limit_s
    out["points"] = task.points
    return out
