"""Benchmark scripts (run from the project root: `.venv/bin/python -m benchmarks.suite`) and their figures."""
