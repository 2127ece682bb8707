"""Micro-benchmark: the QR matrix of a checkpoint URL (error correction M), built from scratch
(the module keeps an LRU cache of matrices: cleared before each round) and from the cache."""

from __future__ import annotations

from pytest_benchmark.fixture import BenchmarkFixture

from checkpoints.qr import _matrix, qr_matrix, qr_version

URL = "https://quiz.example.org/c/ABC123"


def test_qr_matrix_uncached(benchmark: BenchmarkFixture) -> None:
    matrix = benchmark.pedantic(
        qr_matrix, (URL,), setup=_matrix.cache_clear, rounds=200, iterations=1
    )
    assert len(matrix) == len(matrix[0]) == 17 + 4 * qr_version(URL)


def test_qr_matrix_cached(benchmark: BenchmarkFixture) -> None:
    qr_matrix(URL)
    assert len(benchmark(qr_matrix, URL)) == 17 + 4 * qr_version(URL)
