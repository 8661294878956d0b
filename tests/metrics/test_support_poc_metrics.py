"""Average first-response hours and POC success rate, hand-counted."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from presales.metrics.base import MetricValue
from presales.opportunities.choices import Stage
from presales.poc.choices import Level, Status
from presales.support.choices import RequestStatus
from tests.factories.metrics import at, customer_of, poc_row, project
from tests.factories.support import SupportRequestFactory

from .conftest import AFTER, END, START, assert_records_explain, value_of

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def _request(customer, engineer, submitted, responded_after=None):
    return SupportRequestFactory(
        customer=customer,
        assignee=engineer,
        submitted_at=submitted,
        response_due_at=submitted + 8 * H,
        wanted_by=submitted + 72 * H,
        assigned_at=submitted,
        status=RequestStatus.IN_PROGRESS if responded_after is not None else RequestStatus.ASSIGNED,
        first_response_at=submitted + responded_after if responded_after is not None else None,
    )


def test_support_response_hours(cast):
    a = cast.engineer_a
    c = customer_of(a, cast.sales_a)
    _request(c, a, at(START, 0, 0, 0), 2 * H)  # first instant of the period: 2 h
    _request(c, a, at(END, 23, 0), 5 * H)  # submitted in the period, answered in April: 5 h
    _request(c, a, at(date(2026, 2, 1)))  # still waiting: listed, not averaged
    _request(c, a, at(AFTER, 0, 0, 0), 1 * H)  # submitted after the period
    _request(c, cast.engineer_a2, at(date(2026, 2, 1)), 10 * H)  # A2's
    _request(c, a, at(date(2026, 2, 3)), 30 * H + timedelta(minutes=30))  # 30.5 h
    assert value_of("support_response_hours", a) == MetricValue(Decimal("12.50"), Decimal("37.50"), 3, 3)
    assert value_of("support_response_hours", cast.engineer_a2) == MetricValue(
        Decimal("10.00"), Decimal("10.00"), 1, 1
    )
    assert value_of("support_response_hours", cast.engineer_b).value is None
    records = assert_records_explain("support_response_hours", a)
    assert len(records) == 4  # the waiting request is shown, contributing nothing
    assert [r.numerator for r in records if r.denominator is None] == [None]


def test_support_response_without_any_answer_has_no_value(cast):
    c = customer_of(cast.engineer_a, cast.sales_a)
    _request(c, cast.engineer_a, at(date(2026, 2, 1)))
    assert value_of("support_response_hours", cast.engineer_a) == MetricValue(None, None, 0, 0)


def test_poc_success_rate(cast):
    a, a2 = cast.engineer_a, cast.engineer_a2
    c = customer_of(a, cast.sales_a)
    mine = project(c, lead=a, stage=Stage.DEMO_POC)
    theirs = project(c, lead=a2, members=[a], stage=Stage.DEMO_POC)
    poc_row(mine, status=Status.PASSED, verdict=Level.EXCELLENT, ended_at=at(START, 0, 0, 0))  # a pass
    poc_row(mine, status=Status.FAILED, verdict=Level.FAILED, ended_at=at(END, 23, 59, 59))
    poc_row(mine, status=Status.ABANDONED, ended_at=at(date(2026, 2, 1)))  # ended without a pass
    poc_row(mine, status=Status.PASSED, verdict=Level.PASSED, ended_at=at(AFTER, 0, 0, 0))  # after
    poc_row(mine, status=Status.RUNNING)  # not ended
    poc_row(theirs, status=Status.PASSED, verdict=Level.PASSED, ended_at=at(date(2026, 2, 2)))  # led by A2
    assert value_of("poc_success_rate", a) == MetricValue(Decimal("33.33"), 1, 3, 3)
    assert value_of("poc_success_rate", a2) == MetricValue(Decimal("100.00"), 1, 1, 1)
    assert value_of("poc_success_rate", cast.engineer_b).value is None
    records = assert_records_explain("poc_success_rate", a)
    assert [r.numerator for r in records] == [1, 0, 0]
    assert records[0].url.startswith("/poc/")
