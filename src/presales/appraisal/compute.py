"""Computing the scores of many appraisals at once, in a number of queries that does not grow
with the number of people: the scheme items, the evaluators' entries, the committee's adjustments
and the quarterly results (annual cycles) are each read in one query; the computed metrics come
from presales.metrics.registry.compute_many (one call per cycle period); the indicator scores are
replaced with one delete and a bulk insert, the appraisals' totals with a bulk update.

Each IndicatorScore keeps the snapshot of its inputs (indicator version, rule and parameters,
metric value, numerator, denominator, record count, the evaluators' values by source), so a
published score can be explained and recomputed exactly as it was."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import scoring
from .choices import PUBLISHED_STEPS, CycleKind, Source
from .models import Adjustment, Appraisal, IndicatorScore, SourceEntry


def _metrics(codes, user_ids, start, end) -> dict:
    if not codes or not user_ids:
        return {}
    try:
        from presales.metrics import registry
    except ImportError:
        return {}
    return registry.compute_many(sorted(codes), sorted(user_ids), start, end)


def _metric_field(metric, name):
    if metric is None:
        return None
    value = getattr(metric, name, None)
    return scoring.to_decimal(value)


def _rule_score(rule_type, params, value, max_points):
    from presales.kpi import rules

    return rules.score(rule_type, params, value, max_points)


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    return str(value)


def score_item(
    *, item, appraisal, value, metric=None, sources=None, now, data_source: str | None = None
) -> IndicatorScore:
    """One IndicatorScore (unsaved) from a scheme item and its value (`data_source`: the indicator's
    effective source, when the caller has already looked it up)."""
    indicator = item.indicator
    data_source = data_source or indicator.effective_data_source
    row = IndicatorScore(
        appraisal=appraisal,
        indicator=indicator,
        position=item.position,
        indicator_version=indicator.version,
        code=indicator.code,
        name=indicator.name,
        dimension=item.dimension or indicator.dimension,
        data_source=data_source,
        metric_code=indicator.metric_code if data_source == "computed" else "",
        rule_type=indicator.rule_type,
        rule_params=indicator.rule_params or {},
        max_points=indicator.max_points,
        weight=item.weight,
        value=None if value is None else scoring.q2(value) if data_source != "computed" else value,
        numerator=_metric_field(metric, "numerator"),
        denominator=_metric_field(metric, "denominator"),
        record_count=getattr(metric, "count", None) if metric is not None else None,
        sources=_jsonable(sources or {}),
        computed_at=now,
    )
    if value is None:
        row.explanation = (
            _("No records in the period: counts as 0.")
            if data_source == "computed"
            else _("No value entered yet: counts as 0.")
        )
        row.inputs = {}
        return row
    try:
        result = _rule_score(
            indicator.rule_type, indicator.rule_params or {}, Decimal(value), indicator.max_points
        )
    except Exception as exc:  # noqa: BLE001 - a rule that cannot score this value explains why
        row.explanation = _("The rule could not score %(value)s: %(error)s") % {"value": value, "error": exc}
        return row
    row.points = scoring.q2(result.points)
    row.normalized = scoring.q2(result.normalized)
    row.weighted = scoring.q2(Decimal(item.weight) * Decimal(result.normalized) / scoring.HUNDRED)
    row.explanation = str(result.explanation)
    row.inputs = _jsonable(dict(result.inputs or {}))
    return row


def _hand_value(indicator, per_source: dict, weights: dict):
    """The value of a hand-entered indicator from its entries (scoring.combine_sources)."""
    if indicator.effective_data_source == "survey" and per_source.get(Source.CUSTOMER):
        return scoring.combine_sources({Source.CUSTOMER: per_source[Source.CUSTOMER]}, {Source.CUSTOMER: 1})
    return scoring.combine_sources(per_source, weights)


def compute_appraisals(appraisals, *, now=None) -> int:
    """(Re)compute the scores and totals of the given appraisals (published ones are skipped:
    nobody changes a published result). Returns how many were computed. The explanations are
    stored in the site's language, whoever triggers the computation."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        return _compute(appraisals, now=now)


def _compute(appraisals, *, now=None) -> int:
    from presales.kpi.models import SchemeItem

    now = now or timezone.now()
    appraisals = [a for a in appraisals if a.status not in PUBLISHED_STEPS]
    if not appraisals:
        return 0
    ids = [a.pk for a in appraisals]
    quarterly = [a for a in appraisals if a.cycle.kind != CycleKind.ANNUAL]
    annual = [a for a in appraisals if a.cycle.kind == CycleKind.ANNUAL]

    # scheme items, per scheme (1 query)
    items_by_scheme: dict[int, list] = defaultdict(list)
    scheme_ids = {a.scheme_id for a in quarterly if a.scheme_id}
    if scheme_ids:
        for item in (
            SchemeItem.objects.filter(scheme_id__in=scheme_ids)
            .select_related("indicator")
            .order_by("scheme_id", "position", "pk")
        ):
            items_by_scheme[item.scheme_id].append(item)

    # evaluators' entries (1 query): {(appraisal, indicator): {source: [values]}}
    entries: dict[tuple[int, int], dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for appraisal_id, indicator_id, source, value in SourceEntry.objects.filter(
        appraisal_id__in=ids
    ).values_list("appraisal_id", "indicator_id", "source", "value"):
        entries[(appraisal_id, indicator_id)][source].append(value)

    # committee adjustments (1 query)
    adjustments = dict(
        Adjustment.objects.filter(appraisal_id__in=ids)
        .values("appraisal_id")
        .annotate(total=Sum("points"))
        .values_list("appraisal_id", "total")
    )

    # each item's effective source, looked up once (it asks the metrics registry)
    source_of = {item.pk: item.indicator.effective_data_source for items in items_by_scheme.values() for item in items}

    # computed metrics: one compute_many per cycle period
    by_period: dict[tuple, tuple[set, set]] = defaultdict(lambda: (set(), set()))
    for a in quarterly:
        for item in items_by_scheme.get(a.scheme_id, []):
            ind = item.indicator
            if source_of[item.pk] == "computed":
                codes, users = by_period[(a.cycle.start_on, a.cycle.end_on)]
                codes.add(ind.metric_code)
                users.add(a.employee_id)
    metric_values: dict[tuple, dict] = {}
    for (start, end), (codes, users) in by_period.items():
        metric_values[(start, end)] = _metrics(codes, users, start, end)

    rows: list[IndicatorScore] = []
    for a in quarterly:
        period_metrics = metric_values.get((a.cycle.start_on, a.cycle.end_on), {})
        weights = a.cycle.source_weights()
        scheme_rows = []
        for item in items_by_scheme.get(a.scheme_id, []):
            ind = item.indicator
            source = source_of[item.pk]
            if source == "computed":
                metric = period_metrics.get((ind.metric_code, a.employee_id))
                value = _metric_field(metric, "value")
                row = score_item(
                    item=item, appraisal=a, value=value, metric=metric, now=now, data_source=source
                )
            else:
                per_source = entries.get((a.pk, ind.pk), {})
                value, detail = _hand_value(ind, per_source, weights)
                value = None if value is None else scoring.q2(value)  # the value scored is the value shown
                row = score_item(
                    item=item, appraisal=a, value=value, sources=detail, now=now, data_source=source
                )
            scheme_rows.append(row)
        dimension_weights = a.scheme.dimension_weights if a.scheme_id else {}
        for row in scheme_rows:
            dw = (dimension_weights or {}).get(row.dimension)
            row.dimension_weight = scoring.to_decimal(dw)
        rows.extend(scheme_rows)
        a.weighted_total = scoring.weighted_total(
            [scoring.Item(r.weight, r.dimension, r.normalized) for r in scheme_rows], dimension_weights
        )

    # annual: the mean of the published quarters of the year (1 query)
    if annual:
        finals: dict[tuple[int, int], list] = defaultdict(list)
        for employee_id, year, final in Appraisal.objects.filter(
            cycle__kind=CycleKind.QUARTERLY,
            cycle__year__in={a.cycle.year for a in annual},
            employee_id__in={a.employee_id for a in annual},
            status__in=PUBLISHED_STEPS,
        ).values_list("employee_id", "cycle__year", "final_score"):
            finals[(employee_id, year)].append(final)
        for a in annual:
            a.weighted_total = scoring.annual_total(finals.get((a.employee_id, a.cycle.year), []))

    for a in appraisals:
        a.adjustment = scoring.q2(adjustments.get(a.pk) or 0)
        a.final_score = scoring.final_score(a.weighted_total, a.adjustment)
        a.grade, a.bonus_coefficient = scoring.grade_for(a.final_score, a.cycle.bands())
        a.computed_at = now

    IndicatorScore.objects.filter(appraisal_id__in=ids).delete()
    _insert_scores(rows)
    _update_totals(appraisals)
    return len(appraisals)


def _insert_scores(rows: list[IndicatorScore]) -> None:
    """Insert the indicator scores. On PostgreSQL one COPY (a scorecard of 500 people is 7,000+
    rows: bulk_create spends more time preparing its parameters in Python than the server spends
    writing them, and needs one statement per 2,000 rows); elsewhere bulk_create."""
    if connection.vendor != "postgresql" or not rows:
        IndicatorScore.objects.bulk_create(rows, batch_size=2000)
        return
    import json
    import time

    fields = [f for f in IndicatorScore._meta.concrete_fields if not f.primary_key]
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    qn = connection.ops.quote_name
    sql = (
        f"COPY {qn(IndicatorScore._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) FROM STDIN"
    )
    names = [f.attname for f in fields]
    started = time.monotonic()
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(
                [json.dumps(getattr(row, n), ensure_ascii=False) if n in json_fields else getattr(row, n)
                 for n in names]
            )
    if connection.queries_logged:  # counted like any statement by query-count tests and the benchmark
        connection.queries_log.append(
            {"sql": f"{sql} -- {len(rows)} rows", "time": f"{time.monotonic() - started:.3f}"}
        )


TOTAL_FIELDS = ("weighted_total", "adjustment", "final_score", "grade", "bonus_coefficient", "computed_at")


def _update_totals(appraisals) -> None:
    """Write the totals of many appraisals. On PostgreSQL one UPDATE … FROM unnest(arrays) (Django's
    bulk_update builds a CASE per field and row, which costs more in Python than the write itself
    for hundreds of rows); elsewhere bulk_update."""
    if connection.vendor != "postgresql":
        Appraisal.objects.bulk_update(appraisals, list(TOTAL_FIELDS), batch_size=2000)
        return
    meta = Appraisal._meta
    columns = [meta.get_field(name) for name in TOTAL_FIELDS]
    arrays = [[a.pk for a in appraisals]] + [
        [field.get_db_prep_save(getattr(a, field.attname), connection) for a in appraisals]
        for field in columns
    ]
    types = ["bigint"] + [field.db_type(connection).split("(")[0] for field in columns]
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    unnest = ", ".join(f"%s::{t}[]" for t in types)
    names = ", ".join(["id", *(qn(field.column) for field in columns)])
    assignments = ", ".join(f"{qn(field.column)} = v.{qn(field.column)}" for field in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM unnest({unnest}) AS v({names}) "  # noqa: S608 - names from _meta
            f"WHERE {table}.{qn(meta.pk.column)} = v.id",
            arrays,
        )


def compute_cycle(cycle) -> int:
    """Compute the scorecards of every unpublished participant of a cycle."""
    appraisals = list(
        Appraisal.objects.filter(cycle=cycle)
        .exclude(status__in=PUBLISHED_STEPS)
        .select_related("cycle", "scheme")
    )
    return compute_appraisals(appraisals)
