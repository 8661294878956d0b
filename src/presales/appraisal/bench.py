"""For the benchmark harness (`presales bench`): computing the scorecards of every participant of
one quarterly cycle. `compute_cycle(cycle)` reads the scheme items, the evaluators' entries, the
adjustments and the metrics in a fixed number of queries (see compute.py), whatever the number of
participants; the inserts and the update are batched (2000 rows per statement)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .compute import compute_cycle  # noqa: F401 - the entry point the harness calls


def compute_cycle_counted(cycle) -> tuple[int, int]:
    """(appraisals computed, queries run) — for the harness's report."""
    with CaptureQueriesContext(connection) as ctx:
        n = compute_cycle(cycle)
    return n, len(ctx.captured_queries)
