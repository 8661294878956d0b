"""The arithmetic of an appraisal, as pure functions (no database), so that every rule is
unit-tested on its own.

Source weights (per cycle): self-assessment, supervisor, customer survey and 360° peers, each a
percentage, summing to exactly 100.

A hand-entered ("manual") indicator's value combines the evaluators' entries: the mean of each
source's entries (several peers give several entries), then the weighted mean of these source
means with the cycle's source weights, re-normalised over the sources that entered something and
have a weight above zero. A "survey" indicator takes the customer survey's mean when there is one,
else the same combination. A "computed" indicator takes the metric's value (presales.metrics).

Indicator score: presales.kpi.rules.score(rule_type, params, value, max_points) gives points and
`normalized` (0–100). Weighted total = Σ weight × normalized / 100 over the scheme's items (weights
in percent of the scheme). With dimension weights, each dimension's subtotal is the weight-averaged
normalized score of its items, and the total = Σ dimension weight × subtotal / 100 (the same
number when the items of each dimension sum to its weight, as kpi schemes require).

Final score = weighted total + the committee's adjustments, kept within 0–100.

Grade bands (per cycle): best grade first, each with its lowest total and a bonus coefficient; the
lowest band starts at 0, the limits strictly decrease, so the bands are contiguous and cover 0–100.
A total gets the first band whose lower limit it reaches.

Annual rule: an annual cycle's total for a person is the arithmetic mean of the final scores of
that person's published quarterly appraisals of the year (published, acknowledged or appealed
results of cycles of kind "quarterly" whose year is the annual cycle's year), rounded half-up to
2 decimals; quarters in which the person did not take part do not count (no zero filled in). The
committee may adjust the annual total (with a reason) like any other; the grade comes from the
annual cycle's own bands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

HUNDRED = Decimal("100")
ZERO = Decimal("0")
CENT = Decimal("0.01")


def q2(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def plain(value) -> str:
    """A decimal without trailing zeros nor exponent: 90, 87.5."""
    text = format(Decimal(value).normalize(), "f")
    return text


def to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return result if result.is_finite() else None


# --- source weights ------------------------------------------------------------------------------


def source_weight_errors(weights: Mapping[str, object]) -> dict[str, list[str]]:
    """Field errors of a set of source weights (keys: self, supervisor, customer, peer)."""
    errors: dict[str, list[str]] = {}
    total = ZERO
    for source, raw in weights.items():
        value = to_decimal(raw)
        field = f"weight_{source}"
        if value is None:
            errors[field] = [_("Enter a number.")]
            continue
        if value < 0 or value > HUNDRED:
            errors[field] = [_("A weight is between 0 and 100.")]
            continue
        total += value
    if not errors and total != HUNDRED:
        errors["weight_self"] = [
            _("The source weights must sum to 100 (now %(total)s).") % {"total": plain(total)}
        ]
    return errors


def combine_sources(
    values: Mapping[str, Iterable], weights: Mapping[str, object]
) -> tuple[Decimal | None, dict]:
    """The value of a hand-entered indicator from the evaluators' entries (see module docstring).
    Returns (value, detail) where detail = {source: {"mean", "weight", "count"}}."""
    detail: dict[str, dict] = {}
    weighted = ZERO
    weight_sum = ZERO
    for source, entries in values.items():
        entries = [to_decimal(v) for v in entries]
        entries = [v for v in entries if v is not None]
        if not entries:
            continue
        mean = sum(entries, ZERO) / len(entries)
        weight = to_decimal(weights.get(source)) or ZERO
        detail[source] = {"mean": str(q2(mean)), "weight": str(weight), "count": len(entries)}
        if weight > 0:
            weighted += weight * mean
            weight_sum += weight
    if weight_sum == 0:
        return None, detail
    return weighted / weight_sum, detail


# --- totals --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    weight: Decimal  # percent of the scheme
    dimension: str
    normalized: Decimal | None  # 0..100, None when not scored yet


def weighted_total(items: Iterable[Item], dimension_weights: Mapping[str, object] | None = None) -> Decimal:
    """Σ weight × normalized / 100, or by dimension with dimension weights (module docstring).
    An item without a score counts as 0."""
    items = list(items)
    dims = {k: to_decimal(v) for k, v in (dimension_weights or {}).items()}
    dims = {k: v for k, v in dims.items() if v is not None and v > 0}
    if dims:
        total = ZERO
        for dimension, dim_weight in dims.items():
            members = [i for i in items if i.dimension == dimension]
            weight_sum = sum((i.weight for i in members), ZERO)
            if weight_sum <= 0:
                continue
            subtotal = sum((i.weight * (i.normalized or ZERO) for i in members), ZERO) / weight_sum
            total += dim_weight * subtotal / HUNDRED
        return q2(total)
    return q2(sum((i.weight * (i.normalized or ZERO) for i in items), ZERO) / HUNDRED)


def final_score(total: Decimal | None, adjustment: Decimal = ZERO) -> Decimal | None:
    if total is None:
        return None
    return q2(min(HUNDRED, max(ZERO, Decimal(total) + Decimal(adjustment or 0))))


# --- grade bands -----------------------------------------------------------------------------------


def grade_band_errors(bands) -> list[str]:
    """Every reason the bands are not valid (empty list when they are)."""
    if not isinstance(bands, list) or not bands:
        return [_("Define at least one grade band.")]
    errors: list[str] = []
    seen: set[str] = set()
    previous: Decimal | None = None
    for number, band in enumerate(bands, start=1):
        if not isinstance(band, Mapping):
            errors.append(_("Band %(n)s: not a band.") % {"n": number})
            continue
        grade = str(band.get("grade") or "").strip()
        low = to_decimal(band.get("min"))
        coefficient = to_decimal(band.get("coefficient"))
        if not grade:
            errors.append(_("Band %(n)s: the grade is missing.") % {"n": number})
        elif grade in seen:
            errors.append(_("Grade “%(grade)s” appears twice.") % {"grade": grade})
        seen.add(grade)
        if low is None or low < 0 or low > HUNDRED:
            errors.append(_("Band %(n)s: the lowest total is a number between 0 and 100.") % {"n": number})
        elif previous is not None and low >= previous:
            errors.append(
                _("Band %(n)s: the lowest totals must decrease from the best grade to the worst.")
                % {"n": number}
            )
        else:
            previous = low
        if coefficient is None or coefficient < 0 or coefficient > 10:
            errors.append(
                _("Band %(n)s: the bonus coefficient is a number between 0 and 10.") % {"n": number}
            )
    if not errors and previous != ZERO:
        errors.append(_("The worst grade must start at 0, so that every total gets a grade."))
    return errors


def grade_for(total: Decimal | None, bands) -> tuple[str, Decimal | None]:
    """(grade, bonus coefficient) of a total; ("", None) without a total."""
    if total is None:
        return "", None
    for band in bands:
        if Decimal(total) >= Decimal(str(band["min"])):
            return str(band["grade"]), q2(Decimal(str(band["coefficient"])))
    last = bands[-1]
    return str(last["grade"]), q2(Decimal(str(last["coefficient"])))


def parse_bands(text: str) -> list[dict]:
    """“S 90 1.5; A 80 1.2; …” (one band per line or separated by ;) → the JSON form."""
    bands = []
    for chunk in text.replace(";", "\n").replace(";", "\n").splitlines():
        parts = chunk.replace(",", " ").replace(",", " ").split()
        if not parts:
            continue
        bands.append(
            {
                "grade": parts[0],
                "min": parts[1] if len(parts) > 1 else "",
                "coefficient": parts[2] if len(parts) > 2 else "",
            }
        )
    return bands


def format_bands(bands) -> str:
    return "\n".join(f"{b['grade']} {b['min']} {b['coefficient']}" for b in bands)


# --- annual ----------------------------------------------------------------------------------------


def annual_total(quarter_finals: Iterable) -> Decimal | None:
    """The annual rule (module docstring): the mean of the published quarterly final scores."""
    values = [Decimal(v) for v in quarter_finals if v is not None]
    if not values:
        return None
    return q2(sum(values, ZERO) / len(values))
