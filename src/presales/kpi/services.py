"""Every write to the indicator library and the schemes. Views, the API, the demo and migrations'
callers go through these functions: they check permission and rules, lock the row, save, and keep
the indicator's version snapshots.

Scheme weight rules (one rule, the simplest consistent one):
- an item's weight is a percentage of the WHOLE scheme, 2 decimals, 0..100;
- activating needs at least one item and the items summing to exactly 100.00;
- with dimension weights ({dimension: percent}, summing to exactly 100), every item's dimension
  must be one of them and the items of each dimension must sum to exactly that dimension's weight
  (so the total is 100 too);
- an active scheme stays valid: a change that would break these rules is refused (edit a draft
  copy, or change several weights at once with `scheme_set_weights`);
- a scheme used by a published appraisal (`Scheme.is_locked()`) is not changed at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from presales.core.concurrency import check_version, lock, save_fields
from presales.core.errors import DomainError, PermissionDenied
from presales.core.services import require_text, validate_or_raise

from . import ahp, rules
from .choices import Dimension, IndicatorStatus, ReviewDecision, SchemeStatus
from .models import AhpRun, Indicator, IndicatorReview, IndicatorVersion, Scheme, SchemeItem
from .permissions import can_edit_library
from .seed import SNAPSHOT_FIELDS, indicator_snapshot

HUNDRED = Decimal("100.00")
CENT = Decimal("0.01")

INDICATOR_FIELDS = (
    "code", "name", "dimension", "definition", "data_source", "metric_code", "unit", "rule_type",
    "rule_params", "max_points", "evaluation_sources",
)
SCHEME_FIELDS = ("name", "code", "description", "role", "position", "dimension_weights")


def _require_editor(actor) -> None:
    if not can_edit_library(actor):
        raise PermissionDenied(_("Only managers and appraisal committee members may change the KPI library."))


def _require_unlocked(scheme: Scheme) -> None:
    if scheme.is_locked():
        raise DomainError(
            _("This scheme is used by a published appraisal and can no longer be changed. Copy it to make a new one."),
            code="scheme_locked",
        )


# --- indicators --------------------------------------------------------------------------------


def _clean_indicator(indicator: Indicator) -> None:
    """Model validation + the rule parameters + the metric code."""
    errors: dict[str, list[str]] = {}
    try:
        validate_or_raise(indicator, exclude=["applicable_roles"])
    except DomainError as exc:
        errors.update(exc.errors)
    if "rule_type" not in errors and "max_points" not in errors:
        try:
            indicator.rule_params = rules.validate(indicator.rule_type, indicator.rule_params, indicator.max_points)
        except DomainError as exc:
            for field, messages in exc.errors.items():
                errors.setdefault(field, []).extend(messages)
    from .choices import DataSource

    if indicator.data_source == DataSource.COMPUTED and not indicator.metric_code:
        errors.setdefault("metric_code", []).append(_("A computed indicator names the metric it is computed from."))
    if indicator.data_source != DataSource.COMPUTED and indicator.metric_code:
        errors.setdefault("metric_code", []).append(_("Only a computed indicator has a metric code."))
    sources = indicator.evaluation_sources or []
    from .choices import EvaluationSource

    if not isinstance(sources, list) or any(s not in EvaluationSource.values for s in sources):
        errors.setdefault("evaluation_sources", []).append(_("Choose evaluation sources from the list."))
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, code="invalid", errors=errors)


def _record_version(indicator: Indicator, *, actor, summary: str) -> IndicatorVersion:
    role_codes = list(indicator.applicable_roles.values_list("code", flat=True))
    return IndicatorVersion.objects.create(
        indicator=indicator, number=indicator.version, snapshot=indicator_snapshot(indicator, role_codes),
        change_summary=summary[:300], changed_by=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def indicator_create(*, actor, code: str, name: str, dimension: str, data_source: str, rule_type: str,
                     rule_params: dict | None = None, max_points, definition: str = "", metric_code: str = "", unit: str = "",
                     applicable_roles: Iterable = (), evaluation_sources: Sequence[str] = ()) -> Indicator:
    _require_editor(actor)
    indicator = Indicator(
        code=(code or "").strip(), name=(name or "").strip(), dimension=dimension, definition=definition or "",
        data_source=data_source, metric_code=(metric_code or "").strip(), unit=(unit or "").strip(),
        rule_type=rule_type, rule_params=rule_params if rule_params is not None else {},
        max_points=max_points, evaluation_sources=list(evaluation_sources or []), created_by=actor,
    )
    _clean_indicator(indicator)
    indicator.save()
    indicator.applicable_roles.set(list(applicable_roles or []))
    _record_version(indicator, actor=actor, summary=_("Created"))
    return indicator


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, expected_version: int | None, change_summary: str = "",
                     **changes) -> Indicator:
    """Change an indicator. Every saved change bumps its version and records the snapshot."""
    _require_editor(actor)
    unknown = set(changes) - set(INDICATOR_FIELDS) - {"applicable_roles"}
    if unknown:  # pragma: no cover - programming error
        raise TypeError(f"unknown indicator fields: {sorted(unknown)}")
    indicator = lock(Indicator, indicator.pk, expected_version=expected_version)
    roles = changes.pop("applicable_roles", None)
    for field, value in changes.items():
        if isinstance(value, str) and field not in ("definition",):
            value = value.strip()
        setattr(indicator, field, value)
    _clean_indicator(indicator)
    before = Indicator.objects.get(pk=indicator.pk)
    changed = [f for f in changes if getattr(before, f) != getattr(indicator, f)]
    roles_changed = False
    if roles is not None:
        new_ids = sorted(r.pk for r in roles)
        old_ids = sorted(indicator.applicable_roles.values_list("pk", flat=True))
        roles_changed = new_ids != old_ids
    if not changed and not roles_changed:
        return indicator
    if roles_changed:
        indicator.applicable_roles.set(list(roles))
    save_fields(indicator, changed or ["updated_at"])
    summary = change_summary.strip() or _("Changed: %(fields)s") % {
        "fields": ", ".join(str(Indicator._meta.get_field(f).verbose_name) for f in changed + (
            ["applicable_roles"] if roles_changed else []))
    }
    _record_version(indicator, actor=actor, summary=summary)
    return indicator


@transaction.atomic
def indicator_review(*, actor, indicator: Indicator, quarter: str, decision: str, reason: str,
                     replaced_by: Indicator | None = None, expected_version: int | None = None) -> IndicatorReview:
    """Record the quarterly review. Replace and retire retire the indicator (replace also points
    it at its successor); keep changes nothing but the record."""
    _require_editor(actor)
    indicator = lock(Indicator, indicator.pk, expected_version=expected_version)
    reason = require_text(reason, field="reason", message=_("Give the reason for the decision."))
    errors: dict[str, list[str]] = {}
    if decision not in ReviewDecision.values:
        errors["decision"] = [_("Choose keep, replace or retire.")]
    if decision == ReviewDecision.REPLACE:
        if replaced_by is None:
            errors["replaced_by"] = [_("Name the indicator that replaces this one.")]
        elif replaced_by.pk == indicator.pk:
            errors["replaced_by"] = [_("An indicator cannot replace itself.")]
        elif not Indicator.objects.filter(pk=replaced_by.pk, status=IndicatorStatus.ACTIVE).exists():
            errors["replaced_by"] = [_("The replacement must be an active indicator.")]
    elif replaced_by is not None:
        errors["replaced_by"] = [_("Only a replacement names a successor.")]
    if decision in (ReviewDecision.KEEP, ReviewDecision.REPLACE, ReviewDecision.RETIRE) and \
            indicator.status == IndicatorStatus.RETIRED:
        errors.setdefault("decision", []).append(_("This indicator is already retired."))
    if errors:
        raise DomainError(next(iter(errors.values()))[0], code="invalid", errors=errors)
    review = IndicatorReview(
        indicator=indicator, quarter=(quarter or "").strip().upper(), decision=decision, reason=reason,
        replaced_by=replaced_by if decision == ReviewDecision.REPLACE else None, reviewer=actor,
        at=timezone.now(), indicator_version=indicator.version,
    )
    validate_or_raise(review)
    review.save()
    if decision in (ReviewDecision.REPLACE, ReviewDecision.RETIRE):
        indicator.status = IndicatorStatus.RETIRED
        changed = ["status"]
        if decision == ReviewDecision.REPLACE:
            indicator.replaced_by = replaced_by
            changed.append("replaced_by")
        save_fields(indicator, changed)
        label = ReviewDecision(decision).label
        _record_version(indicator, actor=actor, summary=_("%(decision)s in review %(quarter)s") % {
            "decision": label, "quarter": review.quarter})
    return review


def indicator_try(indicator: Indicator, value) -> rules.ScoreResult:
    """Score a value with the indicator's current rule (the "try the rule" box)."""
    return rules.score(indicator.rule_type, indicator.rule_params, value, indicator.max_points)


def snapshot_fields() -> tuple[str, ...]:
    return SNAPSHOT_FIELDS


# --- schemes -----------------------------------------------------------------------------------


def _parse_weight(value, *, field: str = "weight") -> Decimal:
    try:
        weight = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("Enter the weight as a number of percent."), code="invalid", field=field) from None
    if not weight.is_finite() or weight < 0 or weight > 100:
        raise DomainError(_("A weight is between 0 and 100."), code="invalid", field=field)
    if weight != weight.quantize(CENT):
        raise DomainError(_("A weight has at most 2 decimals."), code="invalid", field=field)
    return weight.quantize(CENT)


def clean_dimension_weights(raw) -> dict[str, int | float]:
    """{dimension: percent} with known dimensions, each 0 < w ≤ 100, summing to exactly 100
    (an empty dict means no dimension weights)."""
    if raw in (None, "", {}):
        return {}
    if not isinstance(raw, dict):
        raise DomainError(_("Dimension weights are a mapping of dimension to percent."), code="invalid",
                          field="dimension_weights")
    cleaned: dict[str, Decimal] = {}
    for key, value in raw.items():
        if key not in Dimension.values:
            raise DomainError(_("Unknown dimension “%(key)s”.") % {"key": key}, code="invalid",
                              field="dimension_weights")
        weight = _parse_weight(value, field="dimension_weights")
        if weight <= 0:
            raise DomainError(_("Leave out a dimension rather than giving it a weight of 0."), code="invalid",
                              field="dimension_weights")
        cleaned[key] = weight
    total = sum(cleaned.values(), Decimal(0))
    if total != HUNDRED:
        raise DomainError(
            _("Dimension weights must sum to exactly 100 (now %(total)s).") % {"total": rules.fmt(total)},
            code="dimension_weights_sum", field="dimension_weights",
        )
    return {k: (int(v) if v == v.to_integral_value() else float(v)) for k, v in cleaned.items()}


def weight_problems(scheme: Scheme, items: Sequence[SchemeItem] | None = None) -> dict[str, list[str]]:
    """Why the scheme cannot be active (empty dict when it can). Field-level: "weight" for the
    item total, "dimension_weights" for dimension totals, "items" for missing items."""
    items = list(scheme.items.all()) if items is None else list(items)
    problems: dict[str, list[str]] = {}
    if not items:
        problems["items"] = [_("Add at least one indicator.")]
        return problems
    total = sum((item.weight for item in items), Decimal(0))
    if total != HUNDRED:
        problems["weight"] = [_("The weights of the items must sum to exactly 100.00 %% (now %(total)s %%).")
                              % {"total": f"{total:.2f}"}]
    dims = scheme.dimension_weights or {}
    if dims:
        by_dim: dict[str, Decimal] = {}
        for item in items:
            by_dim[item.dimension] = by_dim.get(item.dimension, Decimal(0)) + item.weight
        messages = []
        for dim in sorted(set(by_dim) - set(dims)):
            messages.append(_("Items are counted in “%(dim)s”, which has no dimension weight.")
                            % {"dim": Dimension(dim).label})
        for dim, weight in dims.items():
            got = by_dim.get(dim, Decimal(0))
            if got != Decimal(str(weight)).quantize(CENT):
                messages.append(_("“%(dim)s”: the items sum to %(got)s %%, the dimension weight is %(want)s %%.")
                                % {"dim": Dimension(dim).label, "got": f"{got:.2f}", "want": rules.fmt(Decimal(str(weight)))})
        if messages:
            problems["dimension_weights"] = messages
    return problems


def _check_active_still_valid(scheme: Scheme) -> None:
    if scheme.status != SchemeStatus.ACTIVE:
        return
    problems = weight_problems(scheme)
    if problems:
        first = next(iter(problems.values()))[0]
        raise DomainError(
            _("An active scheme must stay valid: %(problem)s") % {"problem": first},
            code="active_scheme_invalid", errors=problems,
        )


@transaction.atomic
def scheme_create(*, actor, name: str, code: str, description: str = "", role=None, position: str = "",
                  dimension_weights: dict | None = None) -> Scheme:
    _require_editor(actor)
    scheme = Scheme(
        name=(name or "").strip(), code=(code or "").strip(), description=description or "", role=role,
        position=(position or "").strip(), status=SchemeStatus.DRAFT, created_by=actor,
    )
    errors = {}
    try:
        scheme.dimension_weights = clean_dimension_weights(dimension_weights)
    except DomainError as exc:
        errors.update(exc.errors)
    try:
        validate_or_raise(scheme)
    except DomainError as exc:
        errors.update(exc.errors)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], code="invalid", errors=errors)
    scheme.save()
    return scheme


@transaction.atomic
def scheme_update(*, actor, scheme: Scheme, expected_version: int | None, **changes) -> Scheme:
    _require_editor(actor)
    unknown = set(changes) - set(SCHEME_FIELDS)
    if unknown:  # pragma: no cover - programming error
        raise TypeError(f"unknown scheme fields: {sorted(unknown)}")
    scheme = lock(Scheme, scheme.pk, expected_version=expected_version)
    _require_unlocked(scheme)
    errors = {}
    if "dimension_weights" in changes:
        try:
            changes["dimension_weights"] = clean_dimension_weights(changes["dimension_weights"])
        except DomainError as exc:
            errors.update(exc.errors)
            changes.pop("dimension_weights")
    changed = []
    for field, value in changes.items():
        if isinstance(value, str) and field != "description":
            value = value.strip()
        if getattr(scheme, field) != value:
            setattr(scheme, field, value)
            changed.append(field)
    try:
        validate_or_raise(scheme)
    except DomainError as exc:
        errors.update(exc.errors)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], code="invalid", errors=errors)
    _check_active_still_valid(scheme)
    save_fields(scheme, changed)
    return scheme


def _touch(scheme: Scheme) -> None:
    """Item changes are changes of the scheme: bump its version (optimistic lock for the editor)."""
    save_fields(scheme, ["updated_at"])


@transaction.atomic
def scheme_item_add(*, actor, scheme: Scheme, indicator: Indicator, weight, dimension: str = "",
                    expected_version: int | None = None) -> SchemeItem:
    _require_editor(actor)
    scheme = lock(Scheme, scheme.pk, expected_version=expected_version)
    _require_unlocked(scheme)
    indicator = Indicator.objects.get(pk=indicator.pk)  # its current status, not the caller's copy
    if indicator.status != IndicatorStatus.ACTIVE:
        raise DomainError(_("A retired indicator cannot be added to a scheme."), code="invalid", field="indicator")
    weight = _parse_weight(weight)
    dimension = dimension or indicator.dimension
    dims = scheme.dimension_weights or {}
    if dims and dimension not in dims:
        raise DomainError(
            _("This scheme weighs the dimensions %(dims)s: count the indicator in one of them.")
            % {"dims": ", ".join(str(Dimension(d).label) for d in dims)},
            code="invalid", field="dimension",
        )
    position = (scheme.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    item = SchemeItem(scheme=scheme, indicator=indicator, weight=weight, dimension=dimension, position=position)
    validate_or_raise(item)
    item.save()
    _check_active_still_valid(scheme)
    _touch(scheme)
    return item


@transaction.atomic
def scheme_item_update(*, actor, item: SchemeItem, expected_version: int | None = None, weight=None,
                       dimension: str | None = None, position: int | None = None) -> SchemeItem:
    _require_editor(actor)
    scheme = lock(Scheme, item.scheme_id, expected_version=expected_version)
    _require_unlocked(scheme)
    item = SchemeItem.objects.select_for_update().get(pk=item.pk)
    if weight is not None:
        item.weight = _parse_weight(weight)
    if dimension is not None:
        dims = scheme.dimension_weights or {}
        if dims and dimension not in dims:
            raise DomainError(_("Count the indicator in one of the scheme's weighted dimensions."),
                              code="invalid", field="dimension")
        item.dimension = dimension
    if position is not None:
        item.position = position
    validate_or_raise(item)
    item.save()
    _check_active_still_valid(scheme)
    _touch(scheme)
    return item


@transaction.atomic
def scheme_item_remove(*, actor, item: SchemeItem, expected_version: int | None = None) -> None:
    _require_editor(actor)
    scheme = lock(Scheme, item.scheme_id, expected_version=expected_version)
    _require_unlocked(scheme)
    SchemeItem.objects.filter(pk=item.pk).delete()
    _check_active_still_valid(scheme)
    _touch(scheme)


@transaction.atomic
def scheme_set_weights(*, actor, scheme: Scheme, weights: dict, expected_version: int | None,
                       dimensions: dict | None = None) -> Scheme:
    """Set several item weights at once ({item id: weight}) — the scheme editor's save. Errors are
    keyed "weight_<item id>"; nothing is saved when one is bad."""
    _require_editor(actor)
    scheme = lock(Scheme, scheme.pk, expected_version=expected_version)
    _require_unlocked(scheme)
    items = {item.pk: item for item in scheme.items.select_for_update()}
    errors: dict[str, list[str]] = {}
    dims = scheme.dimension_weights or {}
    for pk, raw in weights.items():
        pk = int(pk)
        if pk not in items:
            raise DomainError(_("That item is not in this scheme."), code="invalid", field="weight")
        try:
            items[pk].weight = _parse_weight(raw, field=f"weight_{pk}")
        except DomainError as exc:
            errors.update(exc.errors)
    for pk, dim in (dimensions or {}).items():
        pk = int(pk)
        if pk not in items:
            raise DomainError(_("That item is not in this scheme."), code="invalid", field="dimension")
        if dim not in Dimension.values or (dims and dim not in dims):
            errors[f"dimension_{pk}"] = [_("Count the indicator in one of the scheme's weighted dimensions.")]
        else:
            items[pk].dimension = dim
    if errors:
        raise DomainError(next(iter(errors.values()))[0], code="invalid", errors=errors)
    if scheme.status == SchemeStatus.ACTIVE:
        problems = weight_problems(scheme, list(items.values()))
        if problems:
            first = next(iter(problems.values()))[0]
            raise DomainError(_("An active scheme must stay valid: %(problem)s") % {"problem": first},
                              code="active_scheme_invalid", errors=problems)
    for item in items.values():
        item.save(update_fields=["weight", "dimension"])
    _touch(scheme)
    return scheme


@transaction.atomic
def scheme_activate(*, actor, scheme: Scheme, expected_version: int | None) -> Scheme:
    """Draft (or retired) → active, only when the weights add up (see the module docstring)."""
    _require_editor(actor)
    scheme = lock(Scheme, scheme.pk, expected_version=expected_version)
    _require_unlocked(scheme)
    if scheme.status == SchemeStatus.ACTIVE:
        raise DomainError(_("This scheme is already active."), code="already_active")
    problems = weight_problems(scheme)
    retired = [item.indicator.code for item in scheme.items.select_related("indicator")
               if item.indicator.status != IndicatorStatus.ACTIVE]
    if retired:
        problems.setdefault("items", []).append(
            _("Retired indicators must be replaced first: %(codes)s.") % {"codes": ", ".join(retired)})
    if problems:
        first = next(iter(problems.values()))[0]
        raise DomainError(first, code="weights_invalid", errors=problems)
    scheme.status = SchemeStatus.ACTIVE
    scheme.activated_at = timezone.now()
    save_fields(scheme, ["status", "activated_at"])
    return scheme


@transaction.atomic
def scheme_retire(*, actor, scheme: Scheme, expected_version: int | None) -> Scheme:
    _require_editor(actor)
    scheme = lock(Scheme, scheme.pk, expected_version=expected_version)
    if scheme.status == SchemeStatus.RETIRED:
        raise DomainError(_("This scheme is already retired."), code="already_retired")
    scheme.status = SchemeStatus.RETIRED
    save_fields(scheme, ["status"])
    return scheme


@transaction.atomic
def scheme_copy(*, actor, scheme: Scheme, code: str, name: str) -> Scheme:
    """A new draft with the same items, weights and dimension weights (e.g. to change a locked one)."""
    _require_editor(actor)
    copy = scheme_create(actor=actor, name=name, code=code, description=scheme.description, role=scheme.role,
                         position=scheme.position, dimension_weights=scheme.dimension_weights)
    SchemeItem.objects.bulk_create([
        SchemeItem(scheme=copy, indicator_id=item.indicator_id, weight=item.weight, dimension=item.dimension,
                   position=item.position)
        for item in scheme.items.all()
    ])
    return copy


# --- AHP -----------------------------------------------------------------------------------------


def ahp_scope_items(scheme: Scheme, dimension: str = "") -> list[SchemeItem]:
    items = list(scheme.items.select_related("indicator").order_by("position", "pk"))
    if dimension:
        items = [item for item in items if item.dimension == dimension]
    return items


def ahp_scope_total(scheme: Scheme, dimension: str, items: Sequence[SchemeItem]) -> Decimal:
    """The percentage the AHP weights share out: 100 for the whole scheme; for one dimension its
    dimension weight, or (without dimension weights) what its items weigh now."""
    if not dimension:
        return HUNDRED
    dims = scheme.dimension_weights or {}
    if dimension in dims:
        return Decimal(str(dims[dimension])).quantize(CENT)
    return sum((item.weight for item in items), Decimal(0)).quantize(CENT)


@transaction.atomic
def scheme_apply_ahp(*, actor, scheme: Scheme, matrix, dimension: str = "",
                     expected_version: int | None = None) -> AhpRun:
    """Compute AHP weights for the scheme's items (all, or one dimension's, in the editor's order)
    and apply them: percentages rounded to 2 decimals by the largest-remainder rule so that they
    sum to exactly the scope's total (ahp.to_percentages). CR ≥ 0.1 is refused, nothing changes."""
    _require_editor(actor)
    scheme = lock(Scheme, scheme.pk, expected_version=expected_version)
    _require_unlocked(scheme)
    if dimension and dimension not in Dimension.values:
        raise DomainError(_("Unknown dimension “%(key)s”.") % {"key": dimension}, code="invalid", field="dimension")
    if not dimension and scheme.dimension_weights:
        raise DomainError(
            _("This scheme weighs its dimensions: compare the indicators of one dimension at a time."),
            code="invalid", field="dimension",
        )
    items = ahp_scope_items(scheme, dimension)
    if len(items) < 2:
        raise DomainError(_("Compare at least two indicators."), code="invalid", field="matrix")
    if not isinstance(matrix, list) or len(matrix) != len(items):
        raise DomainError(
            _("The matrix must have one row per compared indicator (%(n)s).") % {"n": len(items)},
            code="invalid", field="matrix",
        )
    result = ahp.weights(matrix, labels=[item.indicator.name for item in items])
    total = ahp_scope_total(scheme, dimension, items)
    percentages = ahp.to_percentages(result.weights, total)
    for item, weight in zip(items, percentages, strict=True):
        item.weight = weight
        item.save(update_fields=["weight"])
    _check_active_still_valid(scheme)
    _touch(scheme)
    return AhpRun.objects.create(
        scheme=scheme, dimension=dimension, indicator_codes=[item.indicator.code for item in items],
        matrix=[[float(x) for x in row] for row in ahp.validate_matrix(matrix).tolist()],
        weights=result.weights, applied_weights=[str(p) for p in percentages],
        consistency_ratio=result.cr, lambda_max=result.lambda_max, by=actor,
    )


def check_scheme_version(scheme: Scheme, expected_version: int | None) -> None:
    check_version(scheme, expected_version)
