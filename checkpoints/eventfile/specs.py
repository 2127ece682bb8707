"""The parsed event file as data (EventSpec and its parts) and the error naming its problems.

``Problem`` is one thing wrong (line, field, why); ``EventFileError`` carries all of them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any


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
