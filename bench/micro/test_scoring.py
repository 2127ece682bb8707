"""Micro-benchmark: a question's points (exact decimal arithmetic, rounded half up)."""

from __future__ import annotations

from pytest_benchmark.fixture import BenchmarkFixture

from checkpoints.scoring import question_points


def test_question_points(benchmark: BenchmarkFixture) -> None:
    assert benchmark(question_points, 100, 0.5, 45.0, 90.0, True) == 75
