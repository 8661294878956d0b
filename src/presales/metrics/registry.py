"""The computed metrics of the appraisal (SPEC §6 "Computed metrics", seeds 001/003/004).

Each `Metric` computes one number per person and period from the records other apps keep, with
database aggregation: `compute(user_ids, start, end)` runs one or two grouped queries whatever
the number of people or rows, and `records(user, start, end)` lists the exact source records
behind one person's value (the drill-down), each with what it contributes to the numerator and
the denominator.

Conventions, the same for every metric:
- The period is two dates, both inclusive; time stamps are cut at local midnight (`period.py`).
- `MetricValue.value` is None when the period holds no data for the person (a rate without a
  denominator, an average of nothing). A count (complaints, customers with unresolved issues,
  trainings given) is 0 when nothing happened: zero complaints is a result, not missing data.
- Rates are percentages (0–100), averages keep the source's unit; values are Decimals rounded
  to two places, numerators and denominators are exact.
- `compute` answers every requested user id (an empty value for people without data).
- A metric whose source app or models are missing is not available (`is_available`); the
  appraisal then treats its indicator as entered by hand. `compute_many` skips such codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .base import Kind, Metric, MetricUnavailable, MetricValue, SourceRecord, Unit  # noqa: F401


def _build() -> dict[str, Metric]:
    from . import definitions

    return {m.code: m for m in definitions.all_metrics()}


METRICS: dict[str, Metric] = _build()


def get_metric(code: str) -> Metric:
    return METRICS[code]


def is_available(code: str) -> bool:
    metric = METRICS.get(code)
    return bool(metric and metric.is_available())


def available_metrics() -> list[Metric]:
    return [m for m in METRICS.values() if m.is_available()]


def compute_many(
    codes: Iterable[str], user_ids: Iterable[int], start: date, end: date
) -> dict[tuple[str, int], MetricValue]:
    """{(code, user_id): value} for every available metric among `codes` (unknown and
    unavailable codes are left out: such indicators are entered by hand)."""
    ids = sorted({int(pk) for pk in user_ids})
    result: dict[tuple[str, int], MetricValue] = {}
    for code in dict.fromkeys(codes):
        metric = METRICS.get(code)
        if metric is None or not metric.is_available():
            continue
        for pk, value in metric.compute(ids, start, end).items():
            result[(code, pk)] = value
    return result
