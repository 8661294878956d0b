"""Value types of the metrics registry (see registry.py for the conventions)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise

from .choices import MetricKind, MetricUnit
from .period import Period

TWO_PLACES = Decimal("0.01")


def q2(value) -> Decimal:
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class MetricValue:
    """One person's value for one period. `value` None = no data in the period (never a fake
    number); `numerator`/`denominator` explain it (None where the metric has no such part);
    `count` is the number of source records that went into it."""

    value: Decimal | None
    numerator: Decimal | int | None = None
    denominator: Decimal | int | None = None
    count: int = 0

    @classmethod
    def rate(cls, part: int, whole: int) -> MetricValue:
        """part / whole as a percentage; None without a denominator."""
        if not whole:
            return cls(None, part or 0, 0, 0)
        return cls(q2(Decimal(100) * part / whole), part, whole, whole)

    @classmethod
    def average(cls, total, n: int) -> MetricValue:
        if not n:
            return cls(None, None, 0, 0)
        total = q2(total) if not isinstance(total, int) else total
        return cls(q2(Decimal(total) / n), total, n, n)

    @classmethod
    def of_count(cls, n: int, records: int | None = None) -> MetricValue:
        n = n or 0
        return cls(Decimal(n), n, None, n if records is None else records)

    def as_dict(self) -> dict:
        return {
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "count": self.count,
        }


@dataclass(frozen=True)
class SourceRecord:
    """One source record behind a value, for the drill-down: what it is, when, where to open it,
    and what it contributes (None = not part of that side of the formula)."""

    label: str
    date: date | None
    url: str | None
    numerator: Decimal | int | None
    denominator: Decimal | int | None
    note: str = ""
    kind: str = ""

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "date": self.date,
            "url": self.url,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "note": self.note,
            "kind": self.kind,
        }


class MetricUnavailable(LookupError):
    """The metric's source app or models do not exist (yet) in this installation."""


ComputeFn = Callable[[list[int], Period], dict[int, MetricValue]]
RecordsFn = Callable[[object, Period], list[SourceRecord]]


class Unit:
    PERCENT = MetricUnit.PERCENT.value
    HOURS = MetricUnit.HOURS.value
    SCORE = MetricUnit.SCORE.value
    COUNT = MetricUnit.COUNT.value


class Kind:
    RATE = MetricKind.RATE.value
    AVERAGE = MetricKind.AVERAGE.value
    COUNT = MetricKind.COUNT.value


@dataclass(frozen=True)
class Metric:
    code: str
    label: Promise | str
    unit: str
    kind: str
    description: Promise | str  # definition and formula
    sources: tuple[str, ...]  # app labels the data comes from
    # (model label, fields it must have): the metric is available only when all exist.
    requires: tuple[tuple[str, tuple[str, ...]], ...]
    compute_fn: ComputeFn | None = field(default=None, repr=False)
    records_fn: RecordsFn | None = field(default=None, repr=False)
    higher_is_better: bool = True

    @property
    def unit_label(self):
        return MetricUnit(self.unit).label

    @property
    def source_labels(self) -> list:
        """The modules the data comes from, by their (translated) names."""
        labels = []
        for app_label in self.sources:
            try:
                labels.append(apps.get_app_config(app_label).verbose_name)
            except LookupError:
                labels.append(app_label)
        return labels

    def is_available(self) -> bool:
        if self.compute_fn is None or self.records_fn is None:
            return False
        for app_label in self.sources:
            try:
                config = apps.get_app_config(app_label)
            except LookupError:
                return False
            if not apps.is_installed(config.name):
                return False
        for model_label, fields in self.requires:
            try:
                model = apps.get_model(model_label)
            except (LookupError, ValueError):
                return False
            for name in fields:
                try:
                    model._meta.get_field(name)
                except FieldDoesNotExist:
                    return False
        return True

    def _check(self) -> None:
        if not self.is_available():
            raise MetricUnavailable(self.code)

    def empty(self) -> MetricValue:
        return MetricValue.of_count(0) if self.kind == Kind.COUNT else MetricValue(None, None, 0, 0)

    def compute(self, user_ids: Iterable[int], start: date, end: date) -> dict[int, MetricValue]:
        """Every requested user's value (an empty one where there is no data)."""
        self._check()
        ids = sorted({int(pk) for pk in user_ids})
        if not ids:
            return {}
        found = self.compute_fn(ids, Period(start, end))
        return {pk: found.get(pk) or self.empty() for pk in ids}

    def records(self, user, start: date, end: date) -> list[SourceRecord]:
        """The source records behind `user`'s value, oldest first."""
        self._check()
        rows = self.records_fn(user, Period(start, end))
        return sorted(rows, key=lambda r: r.date or date.min)  # stable: ties keep the source order

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "label": str(self.label),
            "unit": self.unit,
            "unit_label": str(self.unit_label),
            "kind": self.kind,
            "description": str(self.description),
            "sources": list(self.sources),
            "higher_is_better": self.higher_is_better,
            "available": self.is_available(),
        }


def as_local_date(value: date | datetime | None) -> date | None:
    if value is None or not isinstance(value, datetime):
        return value
    from django.utils import timezone

    from .period import local_tz

    return timezone.localtime(value, local_tz()).date()
