"""The registry's interface: codes, availability, compute_many, the period, no fake values."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from presales.metrics import bench
from presales.metrics.base import Metric, MetricValue
from presales.metrics.period import Period, quarter_of
from presales.metrics.registry import METRICS, available_metrics, compute_many, is_available
from presales.opportunities.choices import Stage
from tests.factories.customers import ComplaintFactory
from tests.factories.metrics import at, customer_of, project

from .conftest import END, START

CODES = {
    "conversion_rate",
    "bid_win_rate",
    "project_success_rate",
    "support_response_hours",
    "solution_completeness",
    "review_first_pass_rate",
    "customer_satisfaction",
    "follow_up_completion",
    "complaints",
    "unresolved_issue_customers",
    "knowledge_shares",
    "sales_trainings",
    "mentoring",
    "poc_success_rate",
    "daily_report_quality",
}


def test_exactly_the_agreed_codes():
    assert set(METRICS) == CODES


def test_every_metric_is_described():
    for metric in METRICS.values():
        assert str(metric.label) and str(metric.description) and metric.sources
        assert metric.as_dict()["code"] == metric.code
        assert str(metric.unit_label)


def test_knowledge_shares_is_computed_from_the_knowledge_base():
    # Entered by hand until the knowledge app existed; now computed (tests/knowledge/test_loop.py).
    assert is_available("knowledge_shares")
    assert "knowledge_shares" in {m.code for m in available_metrics()}
    assert not is_available("no_such_metric")


def test_the_core_metrics_are_available():
    for code in (
        "conversion_rate",
        "project_success_rate",
        "support_response_hours",
        "customer_satisfaction",
        "follow_up_completion",
        "complaints",
        "unresolved_issue_customers",
        "poc_success_rate",
    ):
        assert is_available(code), code


def test_a_metric_whose_app_or_model_or_field_is_missing_is_not_available():
    def fake(**kw):
        base = dict(
            code="x",
            label="x",
            unit="count",
            kind="count",
            description="x",
            sources=("customers",),
            requires=(),
            compute_fn=lambda ids, p: {},
            records_fn=lambda u, p: [],
        )
        base.update(kw)
        return Metric(**base)

    assert fake().is_available()
    assert not fake(sources=("nosuchapp",)).is_available()
    assert not fake(requires=(("customers.NoSuchModel", ()),)).is_available()
    assert not fake(requires=(("nosuchapp.Model", ()),)).is_available()
    assert not fake(requires=(("customers.Complaint", ("no_such_field",)),)).is_available()
    assert not fake(compute_fn=None).is_available()


@pytest.mark.django_db
def test_compute_many_skips_unknown_and_unavailable_codes(cast):
    c = customer_of(cast.engineer_a, cast.sales_a)
    ComplaintFactory(customer=c, against=cast.engineer_a, received_on=START)
    result = compute_many(
        ["complaints", "knowledge_shares", "nope", "complaints"],
        [cast.engineer_a.pk, cast.engineer_b.pk],
        START,
        END,
    )
    assert result == {
        ("complaints", cast.engineer_a.pk): MetricValue(Decimal(1), 1, None, 1),
        ("complaints", cast.engineer_b.pk): MetricValue(Decimal(0), 0, None, 0),
        # computed since the knowledge base exists (nothing published here)
        ("knowledge_shares", cast.engineer_a.pk): MetricValue(Decimal(0), 0, None, 0),
        ("knowledge_shares", cast.engineer_b.pk): MetricValue(Decimal(0), 0, None, 0),
    }
    assert compute_many(["complaints"], [], START, END) == {}


@pytest.mark.django_db
def test_bench_compute_all_answers_every_available_metric_for_every_person(cast):
    ids = [cast.engineer_a.pk, cast.engineer_b.pk]
    result = bench.compute_all(ids, START, END)
    assert set(result) == {(m.code, pk) for m in available_metrics() for pk in ids}
    # nobody has any data: rates and averages have no value, counts are zero
    for (code, _pk), value in result.items():
        if METRICS[code].kind == "count":
            assert value.value == Decimal(0)
        else:
            assert value.value is None and value.count == 0


@pytest.mark.django_db
def test_query_count_does_not_grow_with_people_or_rows(cast):
    """One or two grouped queries per metric, for one person or thirty, with or without rows."""
    from tests.factories import make_user

    people = [make_user("presales_engineer", team=cast.team_a) for _ in range(29)] + [cast.engineer_a]
    for i, person in enumerate(people[:10]):
        c = customer_of(person, cast.sales_a)
        project(c, lead=person, stage=Stage.WON, closed_at=at(date(2026, 2, 1 + i)))
        ComplaintFactory(customer=c, against=person, received_on=date(2026, 2, 1 + i))
    for metric in available_metrics():
        with CaptureQueriesContext(connection) as one:
            metric.compute([cast.engineer_a.pk], START, END)
        with CaptureQueriesContext(connection) as thirty:
            metric.compute([p.pk for p in people], START, END)
        assert len(one) == len(thirty) <= 2, (metric.code, len(one), len(thirty))
    with CaptureQueriesContext(connection) as one:
        bench.compute_all([cast.engineer_a.pk], START, END)
    with CaptureQueriesContext(connection) as thirty:
        bench.compute_all([p.pk for p in people], START, END)
    assert len(one) == len(thirty) <= 2 * len(available_metrics())


def test_period_boundaries_are_local_midnights():
    p = Period(date(2026, 1, 1), date(2026, 3, 31))
    assert p.days == 90
    assert p.since == at(date(2026, 1, 1), 0, 0, 0)
    assert p.until == at(date(2026, 4, 1), 0, 0, 0)
    assert p.since.utcoffset().total_seconds() == 8 * 3600  # Asia/Shanghai
    with pytest.raises(ValueError):
        Period(date(2026, 2, 1), date(2026, 1, 31))


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 5, 31), (date(2026, 4, 1), date(2026, 6, 30))),
        (date(2026, 9, 30), (date(2026, 7, 1), date(2026, 9, 30))),
        (date(2026, 12, 31), (date(2026, 10, 1), date(2026, 12, 31))),
    ],
)
def test_quarter_of(day, expected):
    assert quarter_of(day) == expected


def test_metric_value_helpers():
    assert MetricValue.rate(0, 0) == MetricValue(None, 0, 0, 0)
    assert MetricValue.rate(1, 3) == MetricValue(Decimal("33.33"), 1, 3, 3)
    assert MetricValue.rate(2, 3).value == Decimal("66.67")
    assert MetricValue.average(0, 0).value is None
    assert MetricValue.average(Decimal("7"), 2) == MetricValue(Decimal("3.50"), Decimal("7.00"), 2, 2)
    assert MetricValue.of_count(0) == MetricValue(Decimal(0), 0, None, 0)
    assert MetricValue.of_count(2, records=5).count == 5
