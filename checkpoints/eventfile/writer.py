"""dump_event_file: write an EventSpec back as event-file YAML, in the shape
parse_event_file reads (block lists, inline rosters and choices, no aliases)."""

import re
from datetime import datetime, time
from typing import Any

import yaml

from checkpoints.eventfile.nodes import _STR, _TAG
from checkpoints.eventfile.specs import CheckpointSpec, EventSpec, TaskSpec, TeamSpec


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
    _FlowList, lambda d, data: d.represent_sequence(_TAG + "seq", list(data), flow_style=True)
)
_Dumper.add_representer(
    _FlowMap, lambda d, data: d.represent_mapping(_TAG + "map", dict(data), flow_style=True)
)

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
    text = yaml.dump(
        doc,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1 << 30,
    )
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
