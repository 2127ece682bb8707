"""Task rules of the validating walker: task lists, questions (choice, text or number answers)
and creative challenges."""

import functools
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from checkpoints.eventfile.checker import _Fields
from checkpoints.eventfile.nodes import _describe, _is_null, _join, _short
from checkpoints.eventfile.readers import _Readers
from checkpoints.eventfile.specs import TaskSpec
from checkpoints.eventfile.vocab import (
    _MAX_ANSWERS,
    _MAX_CHOICES,
    _MAX_SHORT,
    _MAX_TASKS,
    _MAX_TEXT,
    _MAX_TITLE,
    _NUMBER_FIELDS,
    _SUBMITS,
    _TASK_FIELDS,
    _TASK_TYPES,
)


class _TaskRules(_Readers):
    """The walker's rules for tasks (location-free or at a checkpoint)."""

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
        title = get(
            "title",
            self.text,
            default="",
            what="the task title",
            limit=_MAX_TITLE,
            allow_empty=True,
        )
        prompt = get(
            "prompt",
            self.text,
            required=True,
            what="the prompt",
            limit=_MAX_TEXT,
            single_line=False,
        )
        points = get(
            "points",
            self.number,
            required=True,
            what="points",
            whole=True,
            rule="points must be from 0 to 100000",
            ok=lambda v: 0 <= v <= 100_000,
        )
        time_limit_s = get(
            "time_limit_s",
            self.number,
            required=True,
            what="time_limit_s",
            whole=True,
            rule="time_limit_s must be from 5 to 86400 seconds",
            ok=lambda v: 5 <= v <= 86_400,
        )
        rubric, submit = "", "photo_text"
        choices: list[str] | None = None
        answer: Any = None
        given = {name: pair for name, pair in f.items() if not _is_null(pair[1])}
        if type_ == "creative":
            kind = "creative"
            for name in ("choices", "answer"):
                if name in given:
                    self.add(
                        given[name][0],
                        _join(path, name),
                        f"a creative task has no "
                        f"{name}: an organizer judges it; remove {name!r} or make the task "
                        "a question",
                    )
            rubric = get(
                "rubric",
                self.text,
                default="",
                what="the rubric",
                limit=_MAX_TEXT,
                single_line=False,
                allow_empty=True,
            )
            submit = get(
                "submit", self.choice, default="photo_text", what="submit", options=_SUBMITS
            )
        else:
            if type_ == "question":
                for name in ("rubric", "submit"):
                    if name in given:
                        self.add(
                            given[name][0],
                            _join(path, name),
                            f"{name!r} is only for "
                            "creative tasks; remove it or make the task creative",
                        )
            kind, choices, answer = self.question(f, node, path, required=type_ == "question")
        return TaskSpec(
            type=type_,
            kind=kind,
            prompt=prompt,
            points=points,
            time_limit_s=time_limit_s,
            choices=choices,
            answer=answer,
            rubric=rubric,
            submit=submit,
            title=title,
        )

    def question(
        self, f: _Fields, node: Node, path: str, required: bool
    ) -> tuple[str, list[str] | None, Any]:
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
                self.unique(seen, text, item, f"{cpath}[{k}]", "choice", scope="the question")
                if text is None:
                    complete = False
                else:
                    choices.append(text)
            if isinstance(choices_node, SequenceNode) and len(nodes) < 2:
                self.add(
                    choices_node,
                    cpath,
                    f"a choice question needs at least 2 choices, got {len(nodes)}",
                )
            complete = complete and isinstance(choices_node, SequenceNode)
        apath = _join(path, "answer")
        answer_node = f.get("answer", (None, None))[1]
        if answer_node is None or _is_null(answer_node):
            if required:
                expected = (
                    "one of the choices"
                    if choices is not None
                    else "the accepted "
                    "text (or a list of accepted answers), or {value, tolerance} for a "
                    "number"
                )
                self.add(
                    node if answer_node is None else answer_node,
                    apath,
                    f"a question needs an answer: write {expected}",
                )
            return ("choice" if choices is not None else "text"), choices, None
        if choices is not None:
            if not isinstance(answer_node, ScalarNode):
                self.add(
                    answer_node,
                    apath,
                    "a choice question has one correct answer: write "
                    f"one of the choices, got {_describe(answer_node)}",
                )
                return "choice", choices, None
            answer = self.text(answer_node, apath, what="the answer", limit=_MAX_SHORT)
            if answer is not None and complete and answer not in choices:
                self.add(
                    answer_node,
                    apath,
                    f"the answer {_short(answer)} is not one of the "
                    f"choices ({', '.join(_short(c, 20) for c in choices)})",
                )
            return "choice", choices, answer
        if isinstance(answer_node, MappingNode):
            return "number", None, self.number_answer(answer_node, apath)
        if isinstance(answer_node, SequenceNode):
            nodes = self.items(answer_node, apath, what="accepted answers", cap=_MAX_ANSWERS)
            if not nodes:
                self.add(answer_node, apath, "a text answer needs at least one accepted answer")
            texts = [
                self.text(n, f"{apath}[{k}]", what="an accepted answer", limit=_MAX_SHORT)
                for k, n in enumerate(nodes)
            ]
            return "text", None, texts
        text = self.text(answer_node, apath, what="the answer", limit=_MAX_SHORT)
        return "text", None, None if text is None else [text]

    def number_answer(self, node: MappingNode, path: str) -> dict[str, float] | None:
        f = self.fields(node, path, _NUMBER_FIELDS, "a number answer") or {}
        get = functools.partial(self.get, f, node, path)
        value = get(
            "value",
            self.number,
            required=True,
            what="the value",
            rule="the value must be a number",
            ok=lambda v: True,
        )
        tolerance = get(
            "tolerance",
            self.number,
            default=0.0,
            what="the tolerance",
            rule="the tolerance must be 0 or more",
            ok=lambda v: v >= 0,
        )
        return {"value": value, "tolerance": float(tolerance)}
