"""YAML node helpers shared by the loader, the checker and the writer: the standard tags,
where a node is, and how a node or a value is described in a problem message."""

import difflib
from collections.abc import Iterable

from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from checkpoints.eventfile.vocab import _SYNONYMS

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_SCALAR_TAGS = frozenset(
    _TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "value", "merge")
)
_OK_TAGS = _SCALAR_TAGS | {_TAG + "seq", _TAG + "map"}
_LINE_BREAKS = "\n\r\x85\u2028\u2029"
_SC = SafeConstructor()  # only its pure scalar converters are used


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
