"""Benchmark entry point: every available metric for many people in one call."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .base import MetricValue
from .registry import available_metrics, compute_many


def compute_all(user_ids: Iterable[int], start: date, end: date) -> dict[tuple[str, int], MetricValue]:
    """compute_many over all available metrics (the number of queries depends on the number of
    metrics only, never on the number of people or records)."""
    return compute_many([m.code for m in available_metrics()], user_ids, start, end)
