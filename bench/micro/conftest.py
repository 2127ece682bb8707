"""pytest-benchmark settings for the micro-benchmarks (run: make bench, or pytest bench/micro)."""
