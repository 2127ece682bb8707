"""Event-file bytes -> YAML node tree: size and encoding checks, then composing with libyaml
when the file is plain (no aliases, no deep nesting) or with a strict pure-Python loader that
refuses aliases and deep nesting and words every YAML error for the organizer."""

import codecs
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node

from checkpoints.eventfile.nodes import _describe, _line
from checkpoints.eventfile.specs import EventFileError, Problem

MAX_FILE_BYTES = 1_000_000

_MAX_DEPTH = 40


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
            raise _error(
                line,
                f"the file is not UTF-8 text: byte 0x{data[exc.start]:02x} cannot "
                "be read; save the file as UTF-8",
            ) from None
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
            raise _Refusal(
                event.start_mark.line + 1,
                f"YAML aliases (*{event.anchor}) are not allowed in event files; "
                "write the value out in full",
            )
        self._depth += 1
        try:
            if self._depth > _MAX_DEPTH:
                raise _Refusal(
                    event.start_mark.line + 1,
                    f"the YAML is nested more than {_MAX_DEPTH} levels deep",
                )
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
        raise _error(
            _line(root),
            "the top level must be a mapping of event fields "
            f"(title:, timezone:, starts: ...), got {_describe(root)}",
        )
    return root


_CLoader = getattr(yaml, "CSafeLoader", None)
_SLOW = object()


def _compose_fast(text: str) -> Any:
    """Compose with libyaml (about 4x faster) when a quick look at the event stream finds no
    alias, no deep nesting and no error; otherwise return _SLOW and let the strict loader
    decide and word the problem."""
    depth = 0
    starts, ends = (
        (yaml.MappingStartEvent, yaml.SequenceStartEvent),
        (yaml.MappingEndEvent, yaml.SequenceEndEvent),
    )
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
        raise _error(
            line,
            f"the file contains a character YAML does not allow (U+{ord(char):04X}); remove it",
        ) from None
    except yaml.YAMLError as exc:
        raise _error(None, f"this is not valid YAML: {exc}") from None
    finally:
        if loader is not None:
            loader.dispose()
    return root


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "unreadable"
    if exc.context and "single document" in exc.context:
        return (
            "the file holds more than one YAML document (a second '---'); "
            "an event file is one document"
        )
    message = f"this is not valid YAML: {problem}"
    if exc.context:
        message += f" ({exc.context})"
    if "'\\t'" in problem:
        message += "; indent with spaces, not tabs"
    elif "mapping values are not allowed" in problem or "expected ':'" in problem:
        message += "; check the indentation and quote values that contain ': '"
    return message
