"""Event rules of the validating walker: the event's own fields and time window, teams and
their participants, checkpoints; builds the EventSpec."""

import functools
from datetime import datetime

from yaml.nodes import MappingNode, Node, ScalarNode

from checkpoints.eventfile.checker import _Fields
from checkpoints.eventfile.nodes import _join
from checkpoints.eventfile.specs import CheckpointSpec, EventSpec, ParticipantSpec, TeamSpec
from checkpoints.eventfile.tasks import _TaskRules
from checkpoints.eventfile.vocab import (
    _CHECKPOINT_FIELDS,
    _EVENT_FIELDS,
    _KEY_RE,
    _LANGUAGES,
    _MAX_CHECKPOINTS,
    _MAX_NAME,
    _MAX_PARTICIPANTS,
    _MAX_TEAMS,
    _MAX_TEXT,
    _MAX_TITLE,
    _MAX_WINDOW,
    _MODES,
    _PARTICIPANT_FIELDS,
    _RADIUS_RULE,
    _REVIEW_POLICIES,
    _SLUG_RE,
    _TEAM_FIELDS,
)
from checkpoints.eventfile.writer import _dump_clock, _dump_when


class _EventRules(_TaskRules):
    """The whole validating walker: builds the EventSpec and collects every problem."""

    def event(self, root: MappingNode) -> EventSpec:
        f = self.fields(root, "", _EVENT_FIELDS, "an event") or {}
        get = functools.partial(self.get, f, root, "")
        title = get("title", self.text, required=True, what="the title", limit=_MAX_TITLE)
        slug = get(
            "slug",
            self.pattern,
            what="the slug",
            regex=_SLUG_RE,
            rule="use 1-64 lowercase letters, digits or '-', starting with a letter or digit",
        )
        timezone = get("timezone", self.zone, required=True)
        starts = get("starts", self.when, required=True, what="starts")
        ends = get("ends", self.when, required=True, what="ends")
        freeze = get("freeze", self.when, what="freeze")
        language = get("language", self.choice, default="id", what="language", options=_LANGUAGES)
        mode = get("mode", self.choice, default="team", what="mode", options=_MODES)
        radius_m = get(
            "radius_m",
            self.number,
            default=50,
            what="radius_m",
            rule=_RADIUS_RULE,
            ok=lambda v: 0 < v <= 50_000,
        )
        speed_weight = get(
            "speed_weight",
            self.number,
            default=0.5,
            what="speed_weight",
            rule="speed_weight must be between 0 and 1",
            ok=lambda v: 0 <= v <= 1,
        )
        accuracy_cap_m = get(
            "accuracy_cap_m",
            self.number,
            default=100,
            what="accuracy_cap_m",
            rule="accuracy_cap_m must be more than 0 and at most 50000 metres",
            ok=lambda v: 0 < v <= 50_000,
        )
        max_speed_kmh = get(
            "max_speed_kmh",
            self.number,
            default=150,
            what="max_speed_kmh",
            rule="max_speed_kmh must be more than 0 and at most 2000",
            ok=lambda v: 0 < v <= 2000,
        )
        team_code_login = get("team_code_login", self.flag, default=False, what="team_code_login")
        blind_judging = get("blind_judging", self.flag, default=False, what="blind_judging")
        review_policy = get(
            "review_policy",
            self.choice,
            default="mean",
            what="review_policy",
            options=_REVIEW_POLICIES,
        )
        self._window(f, starts, ends, freeze)
        teams = self.teams(f.get("teams", (None, None))[1])
        checkpoints = self.checkpoints(f.get("checkpoints", (None, None))[1])
        tasks = self.tasks(f.get("tasks", (None, None))[1], "tasks", "location-free tasks")
        return EventSpec(
            title=title,
            timezone=timezone,
            starts=starts,
            ends=ends,
            language=language,
            mode=mode,
            radius_m=radius_m,
            speed_weight=speed_weight,
            accuracy_cap_m=accuracy_cap_m,
            max_speed_kmh=max_speed_kmh,
            freeze=freeze,
            slug=slug,
            team_code_login=team_code_login,
            blind_judging=blind_judging,
            review_policy=review_policy,
            teams=teams,
            checkpoints=checkpoints,
            tasks=tasks,
        )

    def _window(
        self, f: _Fields, starts: datetime | None, ends: datetime | None, freeze: datetime | None
    ) -> None:
        if starts is None or ends is None:
            return
        if ends <= starts:
            self.add(
                f["ends"][1],
                "ends",
                f"the event must end after it starts: ends "
                f"{_dump_when(ends)} is not later than starts {_dump_when(starts)}",
            )
        elif ends - starts > _MAX_WINDOW:
            length = ends - starts
            self.add(
                f["ends"][1],
                "ends",
                f"the event lasts {length.days} days "
                f"{length.seconds // 3600} hours; the limit is {_MAX_WINDOW.days} days",
            )
        if freeze is not None and not starts <= freeze <= ends:
            self.add(
                f["freeze"][1],
                "freeze",
                f"the leaderboard freeze {_dump_when(freeze)} "
                f"must be between starts ({_dump_when(starts)}) and ends ({_dump_when(ends)})",
            )

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
            people_nodes = self.items(
                roster, f"{path}.participants", what="participants", cap=None
            )  # the cap is per event, counted below
            for j, person in enumerate(people_nodes):
                count += 1
                if count == _MAX_PARTICIPANTS + 1:
                    self.add(
                        person,
                        f"{path}.participants[{j}]",
                        f"too many participants: an event can have at most {_MAX_PARTICIPANTS}",
                    )
                member = self.participant(person, f"{path}.participants[{j}]", people)
                if member is not None:
                    members.append(member)
            teams.append(TeamSpec(name=name, participants=members, code=code))
        return teams

    def participant(
        self, node: Node, path: str, people: dict[str, tuple[int, str]]
    ) -> ParticipantSpec | None:
        if isinstance(node, ScalarNode):  # a bare name: "Budi"
            name = self.text(node, path, what="the participant name", limit=_MAX_NAME)
            self.unique(people, name, node, path, "participant name")
            return ParticipantSpec(name=name) if name is not None else None
        fields = self.fields(node, path, _PARTICIPANT_FIELDS, "a participant")
        if fields is None:
            return None
        get = functools.partial(self.get, fields, node, path)
        name = get("name", self.text, required=True, what="the participant name", limit=_MAX_NAME)
        if name is not None:
            self.unique(people, name, fields["name"][1], _join(path, "name"), "participant name")
        unit = get(
            "unit", self.text, default="", what="the unit", limit=_MAX_NAME, allow_empty=True
        )
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

    def checkpoint(
        self,
        node: Node,
        path: str,
        keys: dict[str, tuple[int, str]],
        codes: dict[str, tuple[int, str]],
    ) -> CheckpointSpec | None:
        f = self.fields(node, path, _CHECKPOINT_FIELDS, "a checkpoint")
        if f is None:
            return None
        get = functools.partial(self.get, f, node, path)
        key = get(
            "key",
            self.pattern,
            required=True,
            what="the checkpoint key",
            regex=_KEY_RE,
            rule="use 1-40 lowercase letters, digits, '_' or '-', starting with a letter or digit",
        )
        if key is not None:
            self.unique(keys, key, f["key"][1], _join(path, "key"), "checkpoint key", exact=True)
        name = get("name", self.text, required=True, what="the checkpoint name", limit=_MAX_NAME)
        code = get("code", self.code, what="the checkpoint code")
        if code is not None:
            self.unique(codes, code, f["code"][1], _join(path, "code"), "checkpoint code")
        lat = get(
            "lat",
            self.number,
            required=True,
            what="latitude",
            rule="latitude must be between -90 and 90",
            ok=lambda v: -90 <= v <= 90,
        )
        lon = get(
            "lon",
            self.number,
            required=True,
            what="longitude",
            rule="longitude must be between -180 and 180",
            ok=lambda v: -180 <= v <= 180,
        )
        radius_m = get(
            "radius_m",
            self.number,
            what="radius_m",
            rule=_RADIUS_RULE,
            ok=lambda v: 0 < v <= 50_000,
        )
        opens = get("opens", self.clock, what="opens")
        closes = get("closes", self.clock, what="closes")
        # closes before opens: open across midnight (20:00-02:00); equal times are ambiguous.
        if opens is not None and closes is not None and closes == opens:
            self.add(
                f["closes"][1],
                _join(path, "closes"),
                "opens and closes are both "
                f"{_dump_clock(opens)}: leave both out for a checkpoint that is always open",
            )
        instructions = get(
            "instructions",
            self.text,
            default="",
            what="the instructions",
            limit=_MAX_TEXT,
            single_line=False,
            allow_empty=True,
        )
        tasks = self.tasks(f.get("tasks", (None, None))[1], _join(path, "tasks"), "tasks")
        return CheckpointSpec(
            key=key,
            name=name,
            lat=lat,
            lon=lon,
            radius_m=radius_m,
            instructions=instructions,
            code=code,
            opens=opens,
            closes=closes,
            tasks=tasks,
        )
