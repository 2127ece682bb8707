"""The base of the validating walker: problem collection, whole-tree checks (duplicate keys,
foreign tags) and the structural readers (known fields, lists, required fields, uniqueness)."""

from collections.abc import Callable
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from checkpoints.eventfile.nodes import (
    _OK_TAGS,
    _SCALAR_TAGS,
    _describe,
    _is_null,
    _join,
    _line,
    _norm,
    _short,
    _suggest,
)
from checkpoints.eventfile.specs import Problem
from checkpoints.eventfile.vocab import _MISSING

_Fields = dict[str, tuple[Node, Node]]


class _Checker:
    """The walker's base: collects every problem on the way (rules._EventRules walks it all)."""

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
                self.add(
                    node, path, f"the YAML tag {node.tag} is not allowed in event files; remove it"
                )
                continue
            if isinstance(node, MappingNode):
                seen: dict[str, int] = {}
                for key, value in node.value:
                    name = key.value if isinstance(key, ScalarNode) else ""
                    if name in seen and isinstance(key, ScalarNode):
                        self.add(
                            key,
                            _join(path, name),
                            f"duplicate field {name!r}: it is already given on line "
                            f"{seen[name]}; give each field once",
                        )
                    else:
                        seen[name] = _line(key)
                    stack.append((value, _join(path, name) if name else path))
            elif isinstance(node, SequenceNode):
                stack.extend((item, f"{path}[{i}]") for i, item in enumerate(node.value))

    # -- structure ---------------------------------------------------------------------------

    def fields(self, node: Node, path: str, allowed: tuple[str, ...], what: str) -> _Fields | None:
        """The known fields of a mapping; unknown fields are reported with a suggestion."""
        if not isinstance(node, MappingNode):
            self.add(
                node,
                path,
                f"{what} must be a mapping of fields "
                f"({', '.join(allowed[:3])}, ...), got {_describe(node)}",
            )
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
            return (
                "unknown field 'kind': the kind is worked out from the task (choices -> "
                "choice, {value, tolerance} -> number, otherwise text); remove it"
            )
        guess = _suggest(name, allowed)
        if guess:
            return f"unknown field {name!r}; did you mean {guess!r}?"
        return f"unknown field {name!r}; {what} can have: {', '.join(allowed)}"

    def get(
        self,
        f: _Fields,
        mapping: Node,
        path: str,
        name: str,
        reader: Callable[..., Any],
        *,
        required: bool = False,
        default: Any = None,
        **kw: Any,
    ) -> Any:
        """Read field ``name`` with ``reader``; report it when required and missing."""
        pair = f.get(name)
        if pair is None or (not required and _is_null(pair[1])):
            if required:
                self.add(
                    mapping,
                    _join(path, name),
                    f"the required field {name!r} is missing: write {_MISSING[name]}",
                )
            return default
        value = reader(pair[1], _join(path, name), **kw)
        return default if value is None else value

    def items(self, node: Node | None, path: str, *, what: str, cap: int | None) -> list[Node]:
        if node is None or _is_null(node):
            return []
        if not isinstance(node, SequenceNode):
            self.add(
                node, path, f"{what} must be a list (one '- ' entry each), got {_describe(node)}"
            )
            return []
        if cap is not None and len(node.value) > cap:
            self.add(node, path, f"too many {what}: {len(node.value)} given, at most {cap}")
        return node.value

    def unique(
        self,
        seen: dict[str, tuple[int, str]],
        value: str | None,
        node: Node,
        here: str,
        what: str,
        *,
        exact: bool = False,
        scope: str = "the event",
    ) -> None:
        """Report ``value`` when it was seen before (case and spacing ignored unless exact)."""
        if value is None:
            return
        token = value if exact else _norm(value)
        if token in seen:
            line, where = seen[token]
            self.add(
                node,
                here,
                f"{what} {_short(value)} is already used by {where} on line "
                f"{line}; each {what} must be unique within {scope}",
            )
        else:
            seen[token] = (_line(node), here)
