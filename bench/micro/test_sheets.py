"""Micro-benchmark: 200 checkpoint sheets as one PDF (target: < 3 s)."""

from __future__ import annotations

import re

from pytest_benchmark.fixture import BenchmarkFixture

from checkpoints.qr import _matrix
from checkpoints.sheets import SheetCheckpoint, SheetEvent, checkpoint_sheets_pdf

EVENT = SheetEvent("Capacity Building - Kota Malang", "6 Oct 2023, 07:00-17:00 WIB")
SHEETS = [
    SheetCheckpoint(
        f"Checkpoint {i}",
        "Find the Tugu fountain in front of the city hall.",
        f"AB{i:04d}",
        f"https://quiz.example.org/c/AB{i:04d}",
    )
    for i in range(200)
]


def test_200_sheets_pdf(benchmark: BenchmarkFixture) -> None:
    pdf = benchmark.pedantic(
        checkpoint_sheets_pdf, (EVENT, SHEETS), setup=_matrix.cache_clear, rounds=3, iterations=1
    )  # QR matrices built afresh each round
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 200
    assert benchmark.stats.stats.median < 3.0  # target: 200 sheets in < 3 s
