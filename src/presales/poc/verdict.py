"""Verdicts of a POC's success criteria, as pure functions (no database, no settings, no clock).

A criterion states its levels in one of three forms (`CriterionForm`):

- absolute: the measured value itself is compared, e.g. "≤ 80 ms" (direction lower) or
  "≥ 99.5 %" (direction higher);
- relative: the change against the baseline, in percent, e.g. "reduce by ≥ 60 % vs the current
  solution": for a lower-is-better metric the achieved figure is the reduction
  (baseline − value) / |baseline| × 100, for a higher-is-better one the increase
  (value − baseline) / |baseline| × 100; in both cases more change is better (≥ level);
- ratio: the value as a share of a reference (the customer's target, the industry average), in
  percent, value / reference × 100, compared in the criterion's direction ("≥ 95 % of the
  customer's target", "≤ 120 % of the industry average").

Boundaries are inclusive: a figure exactly at the pass level passes, exactly at the excellent
level is excellent ("≤ 80 ms" admits 80 ms).

Aggregation (chosen per criterion, `Aggregation`):

- latest: the most recent measurement decides (cumulative counters, a final test run);
- mean: the arithmetic mean of every measurement (noisy samples: response times, yields);
- all: every sample must be within the level: the worst sample decides (stability, "no run
  slower than ...").

A criterion's verdict is *complete* once it has at least its agreed sample size of measurements;
before that the level shown is the verdict so far. The overall verdict looks at the key criteria
only (the 1–3 the POC is about): failed if any is failed, excellent if all are excellent, else
passed; it is complete when every key criterion's verdict is complete. Without measurements a
criterion (and so the overall verdict) has no level yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from .choices import Aggregation, CriterionForm, Direction, Level

HUNDRED = Decimal(100)
LEVEL_RANK = {Level.FAILED: 0, Level.PASSED: 1, Level.EXCELLENT: 2}


@dataclass(frozen=True)
class Spec:
    """What a criterion agreed: how to read a value and where the levels are."""

    direction: str
    form: str
    pass_level: Decimal | None
    excellent_level: Decimal | None = None
    baseline: Decimal | None = None
    reference: Decimal | None = None
    aggregation: str = Aggregation.LATEST
    sample_size: int = 1


@dataclass(frozen=True)
class Sample:
    measured_at: datetime
    value: Decimal
    order: int = 0  # tie-breaker for equal times (the row id: later entry wins)


@dataclass(frozen=True)
class CriterionVerdict:
    level: str | None  # Level, or None without measurements
    figure: Decimal | None  # the achieved figure that decided (value, % change or % of reference)
    samples: int
    sample_size: int

    @property
    def complete(self) -> bool:
        return self.level is not None and self.samples >= self.sample_size


@dataclass(frozen=True)
class OverallVerdict:
    level: str | None
    complete: bool
    criteria: int  # key criteria considered


def compared_direction(spec: Spec) -> str:
    """The direction in which the achieved figure is compared to the levels."""
    return Direction.HIGHER if spec.form == CriterionForm.RELATIVE else spec.direction


def figure(spec: Spec, value: Decimal) -> Decimal:
    """The figure compared with the levels for one measured value (see the module docstring)."""
    value = Decimal(value)
    if spec.form == CriterionForm.RELATIVE:
        base = Decimal(spec.baseline)
        change = (base - value) if spec.direction == Direction.LOWER else (value - base)
        return change / abs(base) * HUNDRED
    if spec.form == CriterionForm.RATIO:
        return value / Decimal(spec.reference) * HUNDRED
    return value


def meets(spec: Spec, achieved: Decimal, level: Decimal | None) -> bool:
    if level is None:
        return False
    if compared_direction(spec) == Direction.LOWER:
        return achieved <= level
    return achieved >= level


def level_of(spec: Spec, achieved: Decimal) -> str:
    if meets(spec, achieved, spec.excellent_level) and meets(spec, achieved, spec.pass_level):
        return Level.EXCELLENT
    if meets(spec, achieved, spec.pass_level):
        return Level.PASSED
    return Level.FAILED


def criterion_verdict(spec: Spec, samples: Iterable[Sample]) -> CriterionVerdict:
    samples = list(samples)
    if not samples or spec.pass_level is None:
        return CriterionVerdict(None, None, len(samples), spec.sample_size)
    if spec.aggregation == Aggregation.MEAN:
        mean = sum((Decimal(s.value) for s in samples), Decimal(0)) / len(samples)
        achieved = figure(spec, mean)
        level = level_of(spec, achieved)
    elif spec.aggregation == Aggregation.ALL:
        scored = [(level_of(spec, figure(spec, s.value)), figure(spec, s.value)) for s in samples]
        # the worst sample decides; among equally bad samples, the one furthest from the level
        worst_rank = min(LEVEL_RANK[lv] for lv, _ in scored)
        figures = [f for lv, f in scored if LEVEL_RANK[lv] == worst_rank]
        lower = compared_direction(spec) == Direction.LOWER
        achieved = max(figures) if lower else min(figures)
        level = next(lv for lv, _ in scored if LEVEL_RANK[lv] == worst_rank)
    else:
        latest = max(samples, key=lambda s: (s.measured_at, s.order))
        achieved = figure(spec, latest.value)
        level = level_of(spec, achieved)
    return CriterionVerdict(level, achieved, len(samples), spec.sample_size)


def overall_verdict(key_verdicts: Sequence[CriterionVerdict]) -> OverallVerdict:
    if not key_verdicts or any(v.level is None for v in key_verdicts):
        return OverallVerdict(None, False, len(key_verdicts))
    level = min((v.level for v in key_verdicts), key=LEVEL_RANK.__getitem__)
    return OverallVerdict(level, all(v.complete for v in key_verdicts), len(key_verdicts))


# --- what a criterion says, and what makes one invalid ---------------------------------------------


def _num(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = format(Decimal(value).normalize(), "f")
    return text


def level_text(spec: Spec, level: Decimal | None, unit: str) -> str:
    """A level as people write it: "≤ 80 ms", "reduce by ≥ 60% vs 5 %", "≥ 95% of 180 mAh/g"."""
    if level is None:
        return "—"
    op = "≤" if compared_direction(spec) == Direction.LOWER else "≥"
    values = {"op": op, "level": _num(level), "unit": unit, "baseline": _num(spec.baseline),
              "reference": _num(spec.reference)}
    if spec.form == CriterionForm.RELATIVE:
        if spec.direction == Direction.LOWER:
            return _("reduce by %(op)s %(level)s%% vs baseline %(baseline)s %(unit)s") % values
        return _("increase by %(op)s %(level)s%% vs baseline %(baseline)s %(unit)s") % values
    if spec.form == CriterionForm.RATIO:
        return _("%(op)s %(level)s%% of %(reference)s %(unit)s") % values
    return ("{op} {level} {unit}".format(**values)).strip()


def figure_text(spec: Spec, achieved: Decimal | None, unit: str) -> str:
    if achieved is None:
        return "—"
    shown = _num(Decimal(achieved).quantize(Decimal("0.01")) if spec.form != CriterionForm.ABSOLUTE else achieved)
    if spec.form == CriterionForm.ABSOLUTE:
        return (f"{shown} {unit}").strip()
    return f"{shown}%"


def spec_errors(spec: Spec, *, name: str = "") -> dict[str, list[str]]:
    """Why a criterion cannot be judged as stated (field -> messages); empty when it can."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if spec.pass_level is None:
        add("pass_level", _(
            "A success criterion needs a number: “%(name)s” has no pass level. A vague criterion such as "
            "“works well” cannot be judged at the end of the POC; state how much, in which unit "
            "(e.g. ≤ 80 ms, or reduce by ≥ 20%% vs the baseline)."
        ) % {"name": name or _("this criterion")})
    if spec.form == CriterionForm.RELATIVE:
        if spec.baseline is None:
            add("baseline", _("A change against the baseline needs the baseline value."))
        elif Decimal(spec.baseline) == 0:
            add("baseline", _("The baseline cannot be zero: a change in percent of zero means nothing."))
    if spec.form == CriterionForm.RATIO:
        if spec.reference is None:
            add("reference", _("A share of a reference value needs the reference (e.g. the customer's target)."))
        elif Decimal(spec.reference) <= 0:
            add("reference", _("The reference value must be greater than zero."))
    if spec.form in (CriterionForm.RELATIVE, CriterionForm.RATIO):
        for field, level in (("pass_level", spec.pass_level), ("excellent_level", spec.excellent_level)):
            if level is not None and Decimal(level) < 0:
                add(field, _("A percentage level cannot be negative."))
    if spec.pass_level is not None and spec.excellent_level is not None:
        if compared_direction(spec) == Direction.LOWER and spec.excellent_level > spec.pass_level:
            add("excellent_level", _(
                "The excellent level must be at least as demanding as the pass level: at most %(pass)s here."
            ) % {"pass": _num(spec.pass_level)})
        if compared_direction(spec) == Direction.HIGHER and spec.excellent_level < spec.pass_level:
            add("excellent_level", _(
                "The excellent level must be at least as demanding as the pass level: at least %(pass)s here."
            ) % {"pass": _num(spec.pass_level)})
    if spec.sample_size is not None and spec.sample_size < 1:
        add("sample_size", _("The sample size is at least one measurement."))
    return errors
