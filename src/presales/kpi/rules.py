"""Scoring rules of the indicator library — pure Python, no database.

One typed dataclass per rule type. `Rule.from_params(params, max_points)` parses the JSON
parameters stored on an Indicator, `validate()` raises a DomainError with every problem (field
`rule_params`, or `max_points`), and `score(value)` returns a ScoreResult that says which rule and
which inputs gave which points. The module-level `score(rule_type, params, value, max_points)` does
all three.

Parameter shapes (`rule_params`):

- bands:       {"bands": [{"upto": 3, "points": 30}, {"upto": 10, "points": 20}, {"points": 10}]}
               "upto" bands ascend (value ≤ upto); or {"from": 95, "points": 10} bands descend
               (value ≥ from). The first matching band wins; the last band has no bound and takes
               every other value. Points are between 0 and full marks.
- linear:      {"zero_at": 80, "full_at": 95} — 0 points at or beyond zero_at, full marks at or
               beyond full_at, linear in between. full_at < zero_at means lower is better
               (e.g. response hours: full at 2 h, zero at 24 h).
- deduction:   {"per_occurrence": 5, "floor": 0} — full marks minus per_occurrence for each
               occurrence, never below floor (default 0).
- bonus:       {"per_occurrence": 2, "cap": 10, "base": 0} — base + per_occurrence for each
               occurrence, never above cap (default: full marks).
- pass_line:   {"pass_line": 80, "pass_points": <full>, "fail_points": 0} — value ≥ pass_line
               gives pass_points, otherwise fail_points.
- achievement: {"target": 20, "ceiling_pct": 120, "lower_is_better": false} — full marks ×
               value / target (target / value when lower is better), never below 0 and never above
               ceiling_pct % of full marks (over-achievement may score above full marks, up to the
               ceiling; the default ceiling is 100 %).
- manual:      {"scale": 5} (optional) — the rater gives a value in [0, scale]; points = value /
               scale × full marks. Without a scale the value is the points, in [0, full marks].

No data: `score(..., value=None)` never invents a value: it returns a ScoreResult with
`points=None` and `normalized=None` and the explanation "no data"; the caller (the appraisal)
decides whether the item is left open, entered by hand or counted as zero.

Rounding: points and normalized scores are rounded half-up to 2 decimals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from presales.core.errors import DomainError

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0")


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value: Decimal | None) -> str:
    """A number as people write it: 30 not 30.00, 7.5 not 7.50."""
    if value is None:
        return "—"
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class ScoreResult:
    """The score of one value under one rule. `normalized` = points / max_points × 100 (0..100;
    above 100 only for an achievement rule whose ceiling is above 100 %). `points` and `normalized`
    are None when there was no data."""

    points: Decimal | None
    max_points: Decimal
    normalized: Decimal | None
    explanation: str
    inputs: dict = field(default_factory=dict)
    rule_type: str = ""

    @property
    def has_data(self) -> bool:
        return self.points is not None

    def as_dict(self) -> dict:
        return {
            "rule_type": self.rule_type,
            "points": None if self.points is None else str(self.points),
            "max_points": str(self.max_points),
            "normalized": None if self.normalized is None else str(self.normalized),
            "explanation": self.explanation,
            "inputs": self.inputs,
        }


class _Errors:
    """Collects parameter problems so that validate() reports all of them at once."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, message: str, field: str = "rule_params") -> None:
        self.errors.setdefault(field, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.errors:
            first = next(iter(self.errors.values()))[0]
            raise DomainError(first, code="invalid_rule", errors=self.errors)


def to_decimal(value: Any, *, name: str, errors: _Errors | None = None, field: str = "rule_params") -> Decimal | None:
    """Parse a number (int, float, Decimal or numeric string); bools, NaN and infinities are not
    numbers. With `errors`, a problem is collected and None returned; otherwise it is raised."""
    message = _("“%(name)s” must be a number.") % {"name": name}
    result = None
    if not isinstance(value, bool) and isinstance(value, (int, float, Decimal, str)):
        try:
            result = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            result = None
        if result is not None and not result.is_finite():
            result = None
    if result is None:
        if errors is None:
            raise DomainError(message, code="invalid_number", field=field)
        errors.add(message, field)
    return result


def _check_known(params: dict, known: set[str], errors: _Errors) -> None:
    unknown = sorted(set(params) - known)
    if unknown:
        errors.add(
            _("Unknown parameter(s): %(names)s. Allowed: %(allowed)s.")
            % {"names": ", ".join(unknown), "allowed": ", ".join(sorted(known))}
        )


def _require(params: dict, key: str, errors: _Errors) -> Decimal | None:
    if key not in params or params[key] in (None, ""):
        errors.add(_("“%(name)s” is required.") % {"name": key})
        return None
    return to_decimal(params[key], name=key, errors=errors)


def _optional(params: dict, key: str, default: Decimal | None, errors: _Errors) -> Decimal | None:
    if key not in params or params[key] in (None, ""):
        return default
    return to_decimal(params[key], name=key, errors=errors)


def _count(value: Decimal) -> Decimal:
    """An occurrence count: a whole number, not negative."""
    if value < 0 or value != value.to_integral_value():
        raise DomainError(
            _("The number of occurrences must be a whole number, 0 or more (got %(value)s).") % {"value": fmt(value)},
            code="invalid_value",
            field="value",
        )
    return value


@dataclass
class Rule:
    """Base class: `max_points` is the indicator's full marks."""

    max_points: Decimal
    rule_type: ClassVar[str] = ""
    known_params: ClassVar[set[str]] = set()

    @classmethod
    def from_params(cls, params: dict, max_points: Any) -> Rule:
        errors = _Errors()
        if not isinstance(params, dict):
            errors.add(_("The rule parameters must be an object (JSON {...})."))
            errors.raise_if_any()
        full = to_decimal(max_points, name=_("full marks"), errors=errors, field="max_points")
        if full is not None and full <= 0:
            errors.add(_("Full marks must be more than 0."), "max_points")
        _check_known(params, cls.known_params, errors)
        rule = cls._parse(params, full if full is not None else Decimal(1), errors)
        errors.raise_if_any()
        rule.validate()
        return rule

    @classmethod
    def _parse(cls, params: dict, max_points: Decimal, errors: _Errors) -> Rule:  # pragma: no cover
        raise NotImplementedError

    def validate(self) -> None:
        """Raise a DomainError naming every bad parameter."""
        errors = _Errors()
        if self.max_points <= 0:
            errors.add(_("Full marks must be more than 0."), "max_points")
        self._validate(errors)
        errors.raise_if_any()

    def _validate(self, errors: _Errors) -> None:  # pragma: no cover
        raise NotImplementedError

    def to_params(self) -> dict:  # pragma: no cover
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover
        raise NotImplementedError

    def score(self, value: Any) -> ScoreResult:
        if value is None or value == "":
            return ScoreResult(
                points=None,
                max_points=self.max_points,
                normalized=None,
                explanation=_("No data: not scored."),
                inputs={"value": None},
                rule_type=self.rule_type,
            )
        number = to_decimal(value, name=_("value"), field="value")
        raw, explanation, inputs = self._score(number)
        return ScoreResult(
            points=q2(raw),
            max_points=self.max_points,
            # from the unrounded points, so that a cap holds exactly on both scales
            normalized=q2(raw / self.max_points * HUNDRED),
            explanation=explanation,
            inputs={"value": fmt(number), **inputs},
            rule_type=self.rule_type,
        )

    def _score(self, value: Decimal) -> tuple[Decimal, str, dict]:  # pragma: no cover
        raise NotImplementedError

    def _of(self, points: Decimal) -> str:
        return _("%(points)s of %(max)s points") % {"points": fmt(q2(points)), "max": fmt(self.max_points)}


@dataclass(frozen=True)
class Band:
    points: Decimal
    upto: Decimal | None = None
    from_: Decimal | None = None

    @property
    def bound(self) -> Decimal | None:
        return self.upto if self.upto is not None else self.from_


@dataclass
class BandsRule(Rule):
    bands: list[Band] = field(default_factory=list)
    rule_type: ClassVar[str] = "bands"
    known_params: ClassVar[set[str]] = {"bands"}

    @property
    def ascending(self) -> bool:
        """True for "upto" bands (value ≤ bound), False for "from" bands (value ≥ bound)."""
        return any(b.upto is not None for b in self.bands) or not any(b.from_ is not None for b in self.bands)

    @classmethod
    def _parse(cls, params, max_points, errors):
        raw = params.get("bands")
        bands: list[Band] = []
        if not isinstance(raw, list) or not raw:
            errors.add(_("“bands” must be a list of bands such as {\"upto\": 3, \"points\": 30}."))
            return cls(max_points=max_points, bands=bands)
        for index, item in enumerate(raw, start=1):
            if not isinstance(item, dict):
                errors.add(_("Band %(n)s must be an object with “points” and “upto” or “from”.") % {"n": index})
                continue
            unknown = set(item) - {"upto", "from", "points"}
            if unknown:
                errors.add(
                    _("Band %(n)s: unknown key(s) %(names)s.") % {"n": index, "names": ", ".join(sorted(unknown))}
                )
            if "upto" in item and "from" in item:
                errors.add(_("Band %(n)s: give either “upto” or “from”, not both.") % {"n": index})
            if "points" not in item:
                errors.add(_("Band %(n)s: “points” is required.") % {"n": index})
                continue
            points = to_decimal(item["points"], name=_("band %(n)s points") % {"n": index}, errors=errors)
            upto = from_ = None
            if item.get("upto") is not None:
                upto = to_decimal(item["upto"], name=_("band %(n)s upto") % {"n": index}, errors=errors)
            if item.get("from") is not None:
                from_ = to_decimal(item["from"], name=_("band %(n)s from") % {"n": index}, errors=errors)
            if points is not None:
                bands.append(Band(points=points, upto=upto, from_=from_))
        return cls(max_points=max_points, bands=bands)

    def _validate(self, errors):
        if len(self.bands) < 2:
            errors.add(_("Give at least two bands (the last one without a bound takes every other value)."))
        kinds = {("upto" if b.upto is not None else "from") for b in self.bands if b.bound is not None}
        if len(kinds) > 1:
            errors.add(_("Use “upto” bands (ascending) or “from” bands (descending), not both."))
        for index, band in enumerate(self.bands, start=1):
            if band.points < 0 or band.points > self.max_points:
                errors.add(
                    _("Band %(n)s: points must be between 0 and the full marks %(max)s.")
                    % {"n": index, "max": fmt(self.max_points)}
                )
            last = index == len(self.bands)
            if last and band.bound is not None:
                errors.add(_("The last band must have no bound: it takes every value the other bands do not."))
            if not last and band.bound is None:
                errors.add(_("Band %(n)s needs “upto” or “from”; only the last band has no bound.") % {"n": index})
        bounds = [b.bound for b in self.bands[:-1] if b.bound is not None]
        if len(kinds) == 1 and len(bounds) > 1:
            ascending = "upto" in kinds
            for previous, current in zip(bounds, bounds[1:], strict=False):
                if (ascending and current <= previous) or (not ascending and current >= previous):
                    errors.add(
                        _("Band bounds must strictly ascend for “upto” and descend for “from” (%(a)s then %(b)s).")
                        % {"a": fmt(previous), "b": fmt(current)}
                    )
                    break

    def to_params(self):
        bands = []
        for band in self.bands:
            item: dict[str, Any] = {}
            if band.upto is not None:
                item["upto"] = float(band.upto)
            if band.from_ is not None:
                item["from"] = float(band.from_)
            item["points"] = float(band.points)
            bands.append(item)
        return {"bands": bands}

    def describe(self):
        parts = []
        for band in self.bands:
            if band.upto is not None:
                parts.append(_("≤ %(bound)s → %(points)s") % {"bound": fmt(band.upto), "points": fmt(band.points)})
            elif band.from_ is not None:
                parts.append(_("≥ %(bound)s → %(points)s") % {"bound": fmt(band.from_), "points": fmt(band.points)})
            else:
                parts.append(_("otherwise → %(points)s") % {"points": fmt(band.points)})
        return "; ".join(parts)

    def _score(self, value):
        previous: Band | None = None
        for index, band in enumerate(self.bands, start=1):
            if band.upto is not None and value <= band.upto:
                cond = _("%(value)s ≤ %(bound)s") % {"value": fmt(value), "bound": fmt(band.upto)}
            elif band.from_ is not None and value >= band.from_:
                cond = _("%(value)s ≥ %(bound)s") % {"value": fmt(value), "bound": fmt(band.from_)}
            elif band.bound is None:
                if previous is not None and previous.upto is not None:
                    cond = _("%(value)s > %(bound)s") % {"value": fmt(value), "bound": fmt(previous.upto)}
                elif previous is not None and previous.from_ is not None:
                    cond = _("%(value)s < %(bound)s") % {"value": fmt(value), "bound": fmt(previous.from_)}
                else:  # pragma: no cover - validate() requires two bands
                    cond = fmt(value)
            else:
                previous = band
                continue
            explanation = _("Band %(n)s: %(cond)s → %(of)s") % {"n": index, "cond": cond, "of": self._of(band.points)}
            return band.points, explanation, {"band": index}
        raise AssertionError("the open last band matches every value")  # pragma: no cover


@dataclass
class LinearRule(Rule):
    zero_at: Decimal = ZERO
    full_at: Decimal = HUNDRED
    rule_type: ClassVar[str] = "linear"
    known_params: ClassVar[set[str]] = {"zero_at", "full_at"}

    @classmethod
    def _parse(cls, params, max_points, errors):
        zero_at = _require(params, "zero_at", errors)
        full_at = _require(params, "full_at", errors)
        return cls(max_points=max_points, zero_at=zero_at or ZERO, full_at=full_at if full_at is not None else HUNDRED)

    @property
    def higher_is_better(self) -> bool:
        return self.full_at > self.zero_at

    def _validate(self, errors):
        if self.zero_at == self.full_at:
            errors.add(_("“zero_at” and “full_at” must differ."))

    def to_params(self):
        return {"zero_at": float(self.zero_at), "full_at": float(self.full_at)}

    def describe(self):
        if self.higher_is_better:
            return _("≥ %(full)s full marks, ≤ %(zero)s zero, linear in between") % {
                "full": fmt(self.full_at), "zero": fmt(self.zero_at)}
        return _("≤ %(full)s full marks, ≥ %(zero)s zero, linear in between") % {
            "full": fmt(self.full_at), "zero": fmt(self.zero_at)}

    def _score(self, value):
        span = self.full_at - self.zero_at
        share = (value - self.zero_at) / span
        share = min(max(share, ZERO), Decimal(1))
        points = self.max_points * share
        if share == 1:
            cond = (_("%(value)s ≥ %(full)s") if self.higher_is_better else _("%(value)s ≤ %(full)s")) % {
                "value": fmt(value), "full": fmt(self.full_at)}
        elif share == 0:
            cond = (_("%(value)s ≤ %(zero)s") if self.higher_is_better else _("%(value)s ≥ %(zero)s")) % {
                "value": fmt(value), "zero": fmt(self.zero_at)}
        else:
            cond = _("%(value)s between %(zero)s (0 points) and %(full)s (full marks)") % {
                "value": fmt(value), "zero": fmt(self.zero_at), "full": fmt(self.full_at)}
        return points, _("%(cond)s → %(of)s") % {"cond": cond, "of": self._of(points)}, {"share": fmt(q2(share * HUNDRED))}


@dataclass
class DeductionRule(Rule):
    per_occurrence: Decimal = Decimal(1)
    floor: Decimal = ZERO
    rule_type: ClassVar[str] = "deduction"
    known_params: ClassVar[set[str]] = {"per_occurrence", "floor"}

    @classmethod
    def _parse(cls, params, max_points, errors):
        per = _require(params, "per_occurrence", errors)
        floor = _optional(params, "floor", ZERO, errors)
        return cls(max_points=max_points, per_occurrence=per if per is not None else Decimal(1),
                   floor=floor if floor is not None else ZERO)

    def _validate(self, errors):
        if self.per_occurrence <= 0:
            errors.add(_("“per_occurrence” must be more than 0."))
        if self.floor < 0 or self.floor > self.max_points:
            errors.add(_("“floor” must be between 0 and the full marks %(max)s.") % {"max": fmt(self.max_points)})

    def to_params(self):
        return {"per_occurrence": float(self.per_occurrence), "floor": float(self.floor)}

    def describe(self):
        return _("−%(per)s per occurrence, not below %(floor)s") % {
            "per": fmt(self.per_occurrence), "floor": fmt(self.floor)}

    def _score(self, value):
        count = _count(value)
        raw = self.max_points - self.per_occurrence * count
        points = max(raw, self.floor)
        explanation = _("%(count)s × −%(per)s from %(max)s → %(of)s") % {
            "count": fmt(count), "per": fmt(self.per_occurrence), "max": fmt(self.max_points), "of": self._of(points)}
        if raw < self.floor:
            explanation += _(" (not below %(floor)s)") % {"floor": fmt(self.floor)}
        return points, explanation, {"deducted": fmt(self.max_points - points)}


@dataclass
class BonusRule(Rule):
    per_occurrence: Decimal = Decimal(1)
    cap: Decimal | None = None
    base: Decimal = ZERO
    rule_type: ClassVar[str] = "bonus"
    known_params: ClassVar[set[str]] = {"per_occurrence", "cap", "base"}

    @classmethod
    def _parse(cls, params, max_points, errors):
        per = _require(params, "per_occurrence", errors)
        cap = _optional(params, "cap", None, errors)
        base = _optional(params, "base", ZERO, errors)
        return cls(max_points=max_points, per_occurrence=per if per is not None else Decimal(1), cap=cap,
                   base=base if base is not None else ZERO)

    @property
    def effective_cap(self) -> Decimal:
        return self.cap if self.cap is not None else self.max_points

    def _validate(self, errors):
        if self.per_occurrence <= 0:
            errors.add(_("“per_occurrence” must be more than 0."))
        if self.cap is not None and (self.cap <= 0 or self.cap > self.max_points):
            errors.add(_("“cap” must be more than 0 and at most the full marks %(max)s.") % {"max": fmt(self.max_points)})
        if self.base < 0 or self.base > self.effective_cap:
            errors.add(_("“base” must be between 0 and the cap."))

    def to_params(self):
        params = {"per_occurrence": float(self.per_occurrence), "base": float(self.base)}
        if self.cap is not None:
            params["cap"] = float(self.cap)
        return params

    def describe(self):
        return _("+%(per)s per occurrence, at most %(cap)s") % {
            "per": fmt(self.per_occurrence), "cap": fmt(self.effective_cap)}

    def _score(self, value):
        count = _count(value)
        raw = self.base + self.per_occurrence * count
        points = min(raw, self.effective_cap)
        explanation = _("%(count)s × +%(per)s → %(of)s") % {
            "count": fmt(count), "per": fmt(self.per_occurrence), "of": self._of(points)}
        if self.base:
            explanation = _("%(base)s + %(rest)s") % {"base": fmt(self.base), "rest": explanation}
        if raw > self.effective_cap:
            explanation += _(" (capped at %(cap)s)") % {"cap": fmt(self.effective_cap)}
        return points, explanation, {"capped": raw > self.effective_cap}


@dataclass
class PassLineRule(Rule):
    pass_line: Decimal = Decimal(80)
    pass_points: Decimal | None = None
    fail_points: Decimal = ZERO
    rule_type: ClassVar[str] = "pass_line"
    known_params: ClassVar[set[str]] = {"pass_line", "pass_points", "fail_points"}

    @classmethod
    def _parse(cls, params, max_points, errors):
        line = _require(params, "pass_line", errors)
        pass_points = _optional(params, "pass_points", None, errors)
        fail_points = _optional(params, "fail_points", ZERO, errors)
        return cls(max_points=max_points, pass_line=line if line is not None else Decimal(80),
                   pass_points=pass_points, fail_points=fail_points if fail_points is not None else ZERO)

    @property
    def effective_pass_points(self) -> Decimal:
        return self.pass_points if self.pass_points is not None else self.max_points

    def _validate(self, errors):
        if self.pass_points is not None and (self.pass_points <= 0 or self.pass_points > self.max_points):
            errors.add(_("“pass_points” must be more than 0 and at most the full marks %(max)s.")
                       % {"max": fmt(self.max_points)})
        if self.fail_points < 0 or self.fail_points >= self.effective_pass_points:
            errors.add(_("“fail_points” must be 0 or more and less than the points for passing."))

    def to_params(self):
        params = {"pass_line": float(self.pass_line), "fail_points": float(self.fail_points)}
        if self.pass_points is not None:
            params["pass_points"] = float(self.pass_points)
        return params

    def describe(self):
        return _("≥ %(line)s → %(pass)s, otherwise %(fail)s") % {
            "line": fmt(self.pass_line), "pass": fmt(self.effective_pass_points), "fail": fmt(self.fail_points)}

    def _score(self, value):
        passed = value >= self.pass_line
        if passed:
            points = self.effective_pass_points
            cond = _("%(value)s ≥ pass line %(line)s") % {"value": fmt(value), "line": fmt(self.pass_line)}
        else:
            points = self.fail_points
            cond = _("%(value)s < pass line %(line)s") % {"value": fmt(value), "line": fmt(self.pass_line)}
        return points, _("%(cond)s → %(of)s") % {"cond": cond, "of": self._of(points)}, {"passed": passed}


@dataclass
class AchievementRule(Rule):
    target: Decimal = Decimal(1)
    ceiling_pct: Decimal = HUNDRED
    lower_is_better: bool = False
    rule_type: ClassVar[str] = "achievement"
    known_params: ClassVar[set[str]] = {"target", "ceiling_pct", "lower_is_better"}

    @classmethod
    def _parse(cls, params, max_points, errors):
        target = _require(params, "target", errors)
        ceiling = _optional(params, "ceiling_pct", HUNDRED, errors)
        lower = params.get("lower_is_better", False)
        if not isinstance(lower, bool):
            errors.add(_("“lower_is_better” must be true or false."))
            lower = False
        return cls(max_points=max_points, target=target if target is not None else Decimal(1),
                   ceiling_pct=ceiling if ceiling is not None else HUNDRED, lower_is_better=lower)

    def _validate(self, errors):
        if self.target <= 0:
            errors.add(_("“target” must be more than 0."))
        if self.ceiling_pct < 100 or self.ceiling_pct > 300:
            errors.add(_("“ceiling_pct” must be between 100 and 300 (percent of the target)."))

    def to_params(self):
        return {"target": float(self.target), "ceiling_pct": float(self.ceiling_pct),
                "lower_is_better": self.lower_is_better}

    def describe(self):
        if self.lower_is_better:
            text = _("target %(target)s (lower is better) ÷ value × full marks") % {"target": fmt(self.target)}
        else:
            text = _("value ÷ target %(target)s × full marks") % {"target": fmt(self.target)}
        return _("%(text)s, at most %(ceiling)s%%") % {"text": text, "ceiling": fmt(self.ceiling_pct)}

    def _score(self, value):
        ceiling = self.ceiling_pct / HUNDRED
        if self.lower_is_better:
            ratio = ceiling if value <= 0 else self.target / value
        else:
            ratio = value / self.target
        capped = ratio > ceiling
        ratio = min(max(ratio, ZERO), ceiling)
        points = self.max_points * ratio
        explanation = _("%(value)s against target %(target)s = %(pct)s%% → %(of)s") % {
            "value": fmt(value), "target": fmt(self.target), "pct": fmt(q2(ratio * HUNDRED)), "of": self._of(points)}
        if capped:
            explanation += _(" (capped at %(ceiling)s%%)") % {"ceiling": fmt(self.ceiling_pct)}
        return points, explanation, {"achievement_pct": fmt(q2(ratio * HUNDRED))}


@dataclass
class ManualRule(Rule):
    scale: Decimal | None = None
    rule_type: ClassVar[str] = "manual"
    known_params: ClassVar[set[str]] = {"scale"}

    @classmethod
    def _parse(cls, params, max_points, errors):
        return cls(max_points=max_points, scale=_optional(params, "scale", None, errors))

    @property
    def effective_scale(self) -> Decimal:
        return self.scale if self.scale is not None else self.max_points

    def _validate(self, errors):
        if self.scale is not None and self.scale <= 0:
            errors.add(_("“scale” must be more than 0."))

    def to_params(self):
        return {} if self.scale is None else {"scale": float(self.scale)}

    def describe(self):
        return _("rated by hand from 0 to %(scale)s") % {"scale": fmt(self.effective_scale)}

    def _score(self, value):
        if value < 0 or value > self.effective_scale:
            raise DomainError(
                _("The rating must be between 0 and %(scale)s.") % {"scale": fmt(self.effective_scale)},
                code="invalid_value", field="value",
            )
        points = value / self.effective_scale * self.max_points
        if self.scale is None:
            explanation = _("rated %(value)s → %(of)s") % {"value": fmt(value), "of": self._of(points)}
        else:
            explanation = _("rated %(value)s of %(scale)s → %(of)s") % {
                "value": fmt(value), "scale": fmt(self.scale), "of": self._of(points)}
        return points, explanation, {}


RULES: dict[str, type[Rule]] = {
    cls.rule_type: cls
    for cls in (BandsRule, LinearRule, DeductionRule, BonusRule, PassLineRule, AchievementRule, ManualRule)
}


def rule_for(rule_type: str, params: dict, max_points: Any) -> Rule:
    """Parse and validate a rule; DomainError (fields rule_type / rule_params / max_points) if bad."""
    cls = RULES.get(rule_type)
    if cls is None:
        raise DomainError(
            _("Unknown scoring rule “%(type)s”.") % {"type": rule_type}, code="invalid_rule", field="rule_type"
        )
    return cls.from_params(params if params is not None else {}, max_points)


def validate(rule_type: str, params: dict, max_points: Any) -> dict:
    """Validate and return the parameters in canonical form (numbers as JSON numbers)."""
    return rule_for(rule_type, params, max_points).to_params()


def describe(rule_type: str, params: dict, max_points: Any) -> str:
    """A one-line human description of the rule ("≤ 3 → 30; ≤ 10 → 20; otherwise → 10")."""
    return rule_for(rule_type, params, max_points).describe()


def score(rule_type: str, params: dict, value: Any, max_points: Any) -> ScoreResult:
    """Score `value` under the rule. value None → a no-data result (points None)."""
    return rule_for(rule_type, params, max_points).score(value)


def contribution(result: ScoreResult, weight: Any) -> Decimal | None:
    """What one scheme item adds to a 0..100 total: normalized × weight % (None without data)."""
    if result.normalized is None:
        return None
    return q2(result.normalized * to_decimal(weight, name="weight", field="weight") / HUNDRED)
