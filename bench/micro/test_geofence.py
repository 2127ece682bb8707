"""Micro-benchmark: the check-in decision (WGS-84 geodesic, bearing) and the position flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pytest_benchmark.fixture import BenchmarkFixture

from checkpoints.flags import PastFix, position_flags
from checkpoints.geofence import Fix, Place, Verdict, decide

NOW = datetime(2023, 10, 6, 3, 0, tzinfo=UTC)
PLACE = Place(-7.97713, 112.63400, 60.0)
FIX = Fix(-7.97700, 112.63410, 12.0, NOW - timedelta(seconds=3))
PREVIOUS = [
    PastFix(-7.97 - i * 0.003, 112.63 + i * 0.002, NOW - timedelta(minutes=10 * i))
    for i in range(1, 6)
]


def test_decide(benchmark: BenchmarkFixture) -> None:
    decision = benchmark(decide, FIX, PLACE, 100.0)
    assert decision.verdict is Verdict.ON_SITE
    assert benchmark.stats.stats.median < 0.002  # target: < 2 ms per decision


def test_decide_and_flags(benchmark: BenchmarkFixture) -> None:
    def both() -> int:
        decide(FIX, PLACE, 100.0)
        return len(position_flags(FIX, NOW, PLACE, PREVIOUS, max_speed_kmh=150))

    assert benchmark(both) == 0
    assert benchmark.stats.stats.median < 0.002
