"""The per-process cache behind the leaderboard and the live grid: newest value per slot."""

from __future__ import annotations

from quizengine.services.newest import NewestCache


def test_a_slot_answers_only_under_the_key_it_was_built_with_and_keeps_the_newest():
    cache = NewestCache(slots=4)
    cache.put("board", 1, "v1")
    assert cache.get("board", 1) == "v1" and cache.get("board", 2) is None
    cache.put("board", 2, "v2")
    assert cache.get("board", 1) is None and cache.get("board", 2) == "v2"
    assert len(cache) == 1  # the old version is gone, not kept beside the new one


def test_the_least_recently_used_slot_goes_first():
    cache = NewestCache(slots=2)
    cache.put("a", 0, "A")
    cache.put("b", 0, "B")
    assert cache.get("a", 0) == "A"  # a is now the most recently used
    cache.put("c", 0, "C")
    assert cache.get("b", 0) is None and cache.get("a", 0) == "A" and cache.get("c", 0) == "C"
    cache.clear()
    assert len(cache) == 0


def test_latest_gives_a_slot_s_key_and_value_whatever_the_key():
    cache = NewestCache(slots=2)
    assert cache.latest("board") is None
    cache.put("board", ("epoch", 7), "v7")
    assert cache.latest("board") == (("epoch", 7), "v7")
    assert cache.get("board", ("epoch", 8)) is None  # a newer key misses, latest still answers
    assert cache.latest("board") == (("epoch", 7), "v7")
