"""Micro-benchmark: the QR matrix of a checkpoint URL (error correction M)."""

from __future__ import annotations

from pytest_benchmark.fixture import BenchmarkFixture

from checkpoints.qr import qr_matrix

URL = "https://quiz.example.org/c/ABC123"


def test_qr_matrix(benchmark: BenchmarkFixture) -> None:
    matrix = benchmark(qr_matrix, URL)
    assert len(matrix) == len(matrix[0]) >= 21
