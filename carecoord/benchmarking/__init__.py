"""Bare endpoints for benchmarks/ (config BENCHMARK_ENDPOINTS, never in production)."""

from __future__ import annotations

from flask import Flask

from carecoord.benchmarking.bare import mount


def init_benchmarking(app: Flask) -> None:
    """Mount the bare endpoints when the benchmark flag is set; otherwise nothing."""
    if app.config.get("BENCHMARK_ENDPOINTS"):
        mount(app)
