"""Authoring tasks of every kind (choice, text, number, creative) at a checkpoint or anywhere;
deletion refused once a task has attempts."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from quizengine.extensions import db
from quizengine.models import Attempt, Event, Kind, Task
from quizengine.services import audit
from quizengine.services.authoring import AuthoringError, InUse, any_row, next_position


def task_state(task: Task) -> dict[str, Any]:
    return {
        "kind": task.kind, "title": task.title, "prompt": task.prompt, "choices": task.choices,
        "answer": task.answer, "rubric": task.rubric, "submit": task.submit,
        "time_limit_s": task.time_limit_s, "points": task.points,
        "checkpoint_id": task.checkpoint_id,
    }  # fmt: skip


def _task_answer(data: dict[str, Any]) -> tuple[list[str] | None, Any]:
    kind = data["kind"]
    if kind == Kind.CHOICE:
        choices = data.get("choices") or []
        if len(choices) < 2:
            raise AuthoringError("choices", _("a choice question needs at least two choices"))
        if len(set(choices)) != len(choices):
            raise AuthoringError("choices", _("two choices are the same"))
        if data.get("answer_text") not in choices:
            raise AuthoringError("answer_text", _("the correct answer must be one of the choices"))
        return choices, data["answer_text"]
    if kind == Kind.TEXT:
        variants = data.get("variants") or []
        if not variants:
            raise AuthoringError("variants", _("give at least one accepted answer"))
        return None, variants
    if kind == Kind.NUMBER:
        if data.get("number") is None:
            raise AuthoringError("number", _("give the correct number"))
        return None, {"value": data["number"], "tolerance": data.get("tolerance") or 0}
    return None, None


def save_task(event: Event, task: Task | None, data: dict[str, Any], *, actor: str) -> Task:
    """Create (``task`` None) or update a task of any kind from the task form's data."""
    checkpoint = data.get("checkpoint")
    if checkpoint is not None and checkpoint.event_id != event.id:
        raise AuthoringError("checkpoint", _("that checkpoint belongs to another event"))
    choices, answer = _task_answer(data)
    before = None
    if task is None:
        task = Task(event_id=event.id, position=next_position(Task.position, event.id))
        db.session.add(task)
    else:
        if data["kind"] != task.kind and task_played(task):
            raise AuthoringError(
                "kind",
                _(
                    "this task already has attempts: its kind cannot change (the answers given "
                    "were for the old kind); add a new task instead"
                ),
            )
        before = task_state(task)
    task.kind, task.title, task.prompt = data["kind"], data.get("title") or "", data["prompt"]
    task.checkpoint = checkpoint
    task.choices, task.answer = choices, answer
    task.rubric = (data.get("rubric") or "") if data["kind"] == Kind.CREATIVE else ""
    task.submit = data.get("submit") or "photo_text"
    task.time_limit_s, task.points = data["time_limit_s"], data["points"]
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="task.update" if before else "task.create",
        target=f"task:{task.id}",
        before=before,
        after=task_state(task),
    )
    return task


def task_played(task: Task) -> bool:
    return any_row(Attempt.task_id == task.id)


def delete_task(event: Event, task: Task, *, actor: str) -> None:
    if task_played(task):
        raise InUse(
            _("this task already has attempts: deleting it would erase answers and points.")
        )
    before = task_state(task)
    db.session.delete(task)
    db.session.flush()
    audit.record(
        event_id=event.id,
        actor=actor,
        action="task.delete",
        target=f"task:{task.id}",
        before=before,
    )
