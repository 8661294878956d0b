"""Satisfaction, complaints and customers with unresolved technical issues, hand-counted."""

from datetime import date
from decimal import Decimal

import pytest

from presales.customers.choices import IssueStatus
from presales.metrics.base import MetricValue
from tests.factories.customers import ComplaintFactory, SurveyFactory, TechnicalIssueFactory
from tests.factories.metrics import at, customer_of

from .conftest import AFTER, BEFORE, END, START, assert_records_explain, value_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(cast):
    return customer_of(cast.engineer_a, cast.sales_a)


def test_customer_satisfaction(cast, customer):
    a = cast.engineer_a
    SurveyFactory(customer=customer, engineer=a, surveyed_on=START, score=90, nps=9)
    SurveyFactory(customer=customer, engineer=a, surveyed_on=END, score=80, nps=None)
    SurveyFactory(customer=customer, engineer=a, surveyed_on=AFTER, score=70)
    SurveyFactory(customer=customer, engineer=a, surveyed_on=BEFORE, score=60)
    SurveyFactory(customer=customer, engineer=cast.engineer_a2, surveyed_on=START, score=100)
    assert value_of("customer_satisfaction", a) == MetricValue(Decimal("85.00"), 170, 2, 2)
    assert value_of("customer_satisfaction", cast.engineer_a2) == MetricValue(Decimal("100.00"), 100, 1, 1)
    assert value_of("customer_satisfaction", cast.engineer_b) == MetricValue(None, None, 0, 0)
    records = assert_records_explain("customer_satisfaction", a)
    assert [r.numerator for r in records] == [90, 80]
    assert records[0].url == customer.get_absolute_url()


def test_customer_satisfaction_rounds_to_two_places(cast, customer):
    for score in (90, 90, 91):
        SurveyFactory(customer=customer, engineer=cast.engineer_a, surveyed_on=START, score=score)
    assert value_of("customer_satisfaction", cast.engineer_a).value == Decimal("90.33")


def test_complaints_count(cast, customer):
    a = cast.engineer_a
    ComplaintFactory(customer=customer, against=a, received_on=START)
    ComplaintFactory(customer=customer, against=a, received_on=END)
    ComplaintFactory(customer=customer, against=a, received_on=AFTER)
    ComplaintFactory(customer=customer, against=a, received_on=BEFORE)
    ComplaintFactory(customer=customer, against=cast.engineer_a2, received_on=START)
    ComplaintFactory(customer=customer, against=None, received_on=START)
    assert value_of("complaints", a) == MetricValue(Decimal(2), 2, None, 2)
    assert value_of("complaints", cast.engineer_a2) == MetricValue(Decimal(1), 1, None, 1)
    # no complaint is a result (0), not missing data
    assert value_of("complaints", cast.engineer_b) == MetricValue(Decimal(0), 0, None, 0)
    records = assert_records_explain("complaints", a)
    assert [r.date for r in records] == [START, END]


def _issue(customer, owner, *, raised, due, resolved_at=None):
    extra = {}
    if resolved_at is not None:
        extra = dict(status=IssueStatus.RESOLVED, resolved_at=resolved_at, resolution="更换了采集网关固件")
    return TechnicalIssueFactory(customer=customer, owner=owner, raised_on=raised, due_on=due, **extra)


def test_unresolved_issue_customers(cast):
    a, s = cast.engineer_a, cast.sales_a
    c1, c2, c3, c4, c5, c6 = (customer_of(a, s) for _ in range(6))
    _issue(c1, a, raised=date(2026, 1, 5), due=date(2026, 2, 1))  # open, overdue: C1
    _issue(c1, a, raised=date(2026, 2, 1), due=END)  # open, due on the last day: C1 again
    # resolved only after the period (00:00 local on 1 April): C2
    _issue(c2, a, raised=date(2025, 11, 1), due=date(2025, 12, 1), resolved_at=at(AFTER, 0, 0, 0))
    # resolved on the last evening of the period: not counted
    _issue(c3, a, raised=date(2026, 2, 1), due=date(2026, 3, 1), resolved_at=at(END, 23, 0))
    _issue(c4, a, raised=date(2026, 3, 20), due=AFTER)  # open but not due yet at the period's end
    _issue(c5, a, raised=date(2026, 4, 2), due=date(2026, 4, 3))  # raised after the period
    _issue(c6, cast.engineer_a2, raised=date(2026, 1, 5), due=date(2026, 1, 6))  # A2's
    assert value_of("unresolved_issue_customers", a) == MetricValue(Decimal(2), 2, None, 3)
    assert value_of("unresolved_issue_customers", cast.engineer_a2) == MetricValue(Decimal(1), 1, None, 1)
    assert value_of("unresolved_issue_customers", cast.engineer_b) == MetricValue(Decimal(0), 0, None, 0)
    records = assert_records_explain("unresolved_issue_customers", a)
    assert len(records) == 3 and sum(r.numerator for r in records) == 2
    # at the end of January only the first issue was overdue and open
    assert value_of("unresolved_issue_customers", a, START, date(2026, 2, 1)).value == Decimal(2)  # C1 + C2
    assert value_of("unresolved_issue_customers", a, START, date(2026, 1, 31)).value == Decimal(1)  # C2
