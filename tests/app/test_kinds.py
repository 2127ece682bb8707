"""The question-kind registry: parse (validation, participant messages) and is_correct."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from quizengine import kinds
from quizengine.kinds import AnswerInvalid


def task(**kw: object) -> SimpleNamespace:
    values: dict[str, object] = {"choices": None, "answer": None}
    values.update(kw)
    return SimpleNamespace(**values)


def test_registry_has_every_model_kind() -> None:
    from quizengine.models import Kind

    assert set(kinds.KINDS) == {k.value for k in Kind}
    for name, kind in kinds.KINDS.items():
        assert kinds.get(name) is kind
        assert kind.template.startswith("play/kinds/")
    with pytest.raises(KeyError):
        kinds.get("essay")


def test_choice() -> None:
    t = task(choices=["1946", "1953", "Tugu Malang"], answer="1953")
    k = kinds.get("choice")
    assert k.parse(t, " 1953 ") == "1953"
    assert k.parse(t, "tugu  MALANG") == "Tugu Malang"
    assert k.is_correct(t, "1953")
    assert not k.is_correct(t, "1946")
    with pytest.raises(AnswerInvalid, match="one of the choices"):
        k.parse(t, "1954")


def test_text_is_case_space_and_diacritics_insensitive() -> None:
    t = task(answer=["Balai Kota", "city hall"])
    k = kinds.get("text")
    assert k.is_correct(t, k.parse(t, "  balai   KOTA "))
    assert k.is_correct(t, k.parse(t, "Bálái Köta!"))
    assert k.is_correct(t, k.parse(t, "City Hall"))
    assert not k.is_correct(t, k.parse(t, "alun-alun"))
    assert kinds.get("text").is_correct(task(answer="Tugu"), "tugu")
    with pytest.raises(AnswerInvalid, match="give an answer"):
        k.parse(t, "   ")


def test_number_with_tolerance_and_decimal_comma() -> None:
    t = task(answer={"value": 2.5, "tolerance": 0.1})
    k = kinds.get("number")
    assert k.is_correct(t, k.parse(t, "2,5"))
    assert k.is_correct(t, k.parse(t, "2.6"))
    assert k.is_correct(t, k.parse(t, "2,4"))
    assert not k.is_correct(t, k.parse(t, "2.61"))
    assert k.is_correct(task(answer={"value": 1953, "tolerance": 0}), "1953")
    assert k.is_correct(task(answer={"value": 1953, "tolerance": 0}), 1953.0)
    assert not k.is_correct(task(answer={"value": 1953, "tolerance": 0}), "1954")
    with pytest.raises(AnswerInvalid, match="not a number"):
        k.parse(t, "two")


def test_huge_and_wrong_typed_answers_are_refused() -> None:
    for name in ("choice", "text", "number", "creative"):
        with pytest.raises(AnswerInvalid, match="too long"):
            kinds.get(name).parse(task(choices=["a"]), "a" * 2001)
        with pytest.raises(AnswerInvalid):
            kinds.get(name).parse(task(choices=["a"]), None)  # type: ignore[arg-type]


def test_creative_is_never_auto_scored() -> None:
    k = kinds.get("creative")
    assert not k.auto_scored
    assert k.parse(task(), "") == ""
    assert not k.is_correct(task(), "anything")
