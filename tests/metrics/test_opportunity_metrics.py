"""Conversion, project success and follow-up visits, on hand-counted fixtures."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings

from presales.metrics.base import MetricValue
from presales.metrics.registry import METRICS
from presales.opportunities.choices import Stage
from tests.factories.metrics import at, customer_of, project, stage_event
from tests.factories.opportunities import add_communication

from .conftest import AFTER, BEFORE, END, START, assert_records_explain, value_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_projects(cast):
    a, a2 = cast.engineer_a, cast.engineer_a2
    c = customer_of(a, cast.sales_a)
    p = {}
    # counted for A: first instant of the period, won
    p["o1"] = project(c, lead=a, stage=Stage.WON, closed_at=at(START, 0, 0, 0))
    # last instant of the period, lost after negotiating
    p["o2"] = project(c, lead=a, stage=Stage.LOST, closed_at=at(END, 23, 59, 59))
    stage_event(p["o2"], Stage.NEGOTIATION, a, from_stage=Stage.BID)
    # A is a member; led by A2; abandoned without ever negotiating
    p["o3"] = project(c, lead=a2, members=[a], stage=Stage.ABANDONED, closed_at=at(date(2026, 2, 10)))
    stage_event(p["o3"], Stage.SOLUTION, a2, from_stage=Stage.DISCOVERY)
    # A leads and is also listed as a member: counted once
    p["o4"] = project(c, lead=a, members=[a, a2], stage=Stage.WON, closed_at=at(date(2026, 2, 11)))
    # outside the period
    p["o5"] = project(c, lead=a, stage=Stage.WON, closed_at=at(AFTER, 0, 0, 0))
    p["o6"] = project(c, lead=a, stage=Stage.WON, closed_at=at(BEFORE, 23, 59, 59))
    # A2's own win
    p["o7"] = project(c, lead=a2, stage=Stage.WON, closed_at=at(date(2026, 3, 1)))
    # still open (negotiating): not closed, not counted
    p["o8"] = project(c, lead=a, stage=Stage.NEGOTIATION)
    stage_event(p["o8"], Stage.NEGOTIATION, a)
    return p


def test_conversion_rate(cast, closed_projects):
    # A: closed o1 o2 o3 o4 (4), won o1 o4 (2)
    assert value_of("conversion_rate", cast.engineer_a) == MetricValue(Decimal("50.00"), 2, 4, 4)
    # A2: o3 (lead), o4 (member), o7 (lead); won o4 o7
    assert value_of("conversion_rate", cast.engineer_a2) == MetricValue(Decimal("66.67"), 2, 3, 3)
    # nobody's projects: no data, not 0%
    assert value_of("conversion_rate", cast.engineer_b) == MetricValue(None, None, 0, 0)
    records = assert_records_explain("conversion_rate", cast.engineer_a)
    labels = [r.label.split()[0] for r in records]
    assert labels == [closed_projects[k].number for k in ("o1", "o3", "o4", "o2")]  # by closing date
    assert [r.numerator for r in records] == [1, 0, 1, 0]
    assert all(r.url == closed_projects["o1"].get_absolute_url() for r in records[:1])


def test_conversion_many_people_in_one_call(cast, closed_projects):
    values = METRICS["conversion_rate"].compute(
        [cast.engineer_a.pk, cast.engineer_a2.pk, cast.engineer_b.pk], START, END
    )
    assert values[cast.engineer_a.pk].value == Decimal("50.00")
    assert values[cast.engineer_a2.pk].value == Decimal("66.67")
    assert values[cast.engineer_b.pk].value is None


def test_conversion_period_boundaries(cast, closed_projects):
    # the day after: o5 only (closed at 00:00 local on 1 April)
    assert value_of("conversion_rate", cast.engineer_a, AFTER, AFTER) == MetricValue(
        Decimal("100.00"), 1, 1, 1
    )
    # the day before: o6 (23:59:59 local on 31 December)
    assert value_of("conversion_rate", cast.engineer_a, BEFORE, BEFORE).denominator == 1
    # a single day holding o1 only
    assert value_of("conversion_rate", cast.engineer_a, START, START) == MetricValue(
        Decimal("100.00"), 1, 1, 1
    )


def test_project_success_rate(cast, closed_projects):
    # A: o1 won, o2 negotiated (lost on price), o3 never negotiated, o4 won → 3 of 4
    assert value_of("project_success_rate", cast.engineer_a) == MetricValue(Decimal("75.00"), 3, 4, 4)
    # A2: o3 no, o4 won, o7 won → 2 of 3
    assert value_of("project_success_rate", cast.engineer_a2) == MetricValue(Decimal("66.67"), 2, 3, 3)
    assert value_of("project_success_rate", cast.engineer_b).value is None
    records = assert_records_explain("project_success_rate", cast.engineer_a)
    by_number = {r.label.split()[0]: r for r in records}
    assert by_number[closed_projects["o2"].number].numerator == 1
    assert by_number[closed_projects["o3"].number].numerator == 0


# --- follow-up visits: a 4-week period, 7-day slots (1–7, 8–14, 15–21, 22–28 January) ----------

F_START, F_END = date(2026, 1, 1), date(2026, 1, 28)


def _visit(o, when, follow_up=True):
    return add_communication(o, occurred_at=when, is_follow_up=follow_up)


@pytest.fixture
def follow_ups(cast):
    a, a2 = cast.engineer_a, cast.engineer_a2
    c = customer_of(a, cast.sales_a)
    p1 = project(c, lead=a, stage=Stage.SOLUTION, created_at=at(date(2025, 12, 1)))  # owes 4
    _visit(p1, at(date(2026, 1, 2)))  # slot 1
    _visit(p1, at(date(2026, 1, 3)))  # slot 1 again: no extra credit
    _visit(p1, at(date(2026, 1, 9)), follow_up=False)  # slot 2, but not a follow-up visit
    _visit(p1, at(date(2026, 1, 16)))  # slot 3
    _visit(p1, at(date(2026, 1, 28), 23, 59, 59))  # slot 4, last instant
    _visit(p1, at(date(2026, 1, 29), 0, 0, 0))  # after the period
    # created exactly when slot 2 starts, closed exactly when slot 4 starts: owes slots 2 and 3
    p2 = project(
        c,
        lead=a,
        stage=Stage.LOST,
        created_at=at(date(2026, 1, 8), 0, 0, 0),
        closed_at=at(date(2026, 1, 22), 0, 0, 0),
    )
    _visit(p2, at(date(2026, 1, 5)))  # slot 1: not owed (created later)
    _visit(p2, at(date(2026, 1, 10)))  # slot 2
    p3 = project(c, lead=a2, stage=Stage.DISCOVERY, created_at=at(date(2025, 11, 1)))  # A2's, owes 4
    _visit(p3, at(date(2026, 1, 2)))
    p4 = project(c, lead=a, stage=Stage.LEAD, created_at=at(date(2026, 1, 20)))  # owes slot 4 only, no visit
    p5 = project(
        c, lead=a, stage=Stage.WON, created_at=at(date(2025, 10, 1)), closed_at=at(date(2025, 12, 20))
    )
    _visit(p5, at(date(2026, 1, 2)))  # closed before the period: owes nothing
    return p1, p2, p3, p4, p5


def test_follow_up_completion(cast, follow_ups):
    # A: owed 4 (p1) + 2 (p2) + 1 (p4) = 7; done 3 (p1: slots 1, 3, 4) + 1 (p2: slot 2) = 4
    assert value_of("follow_up_completion", cast.engineer_a, F_START, F_END) == MetricValue(
        Decimal("57.14"), 4, 7, 7
    )
    assert value_of("follow_up_completion", cast.engineer_a2, F_START, F_END) == MetricValue(
        Decimal("25.00"), 1, 4, 4
    )
    assert value_of("follow_up_completion", cast.engineer_b, F_START, F_END).value is None
    records = assert_records_explain("follow_up_completion", cast.engineer_a, F_START, F_END)
    projects = [r for r in records if r.denominator is not None]
    assert sorted(r.denominator for r in projects) == [1, 2, 4]
    visits = [r for r in records if r.denominator is None]
    assert len(visits) == 6  # p1 ×4 in the period, p2 ×2; p5's visit: project not owed anything
    assert sum(r.numerator for r in visits) == 4


def test_follow_up_period_shorter_than_a_slot_has_no_value(cast, follow_ups):
    assert (
        value_of("follow_up_completion", cast.engineer_a, F_START, F_START + timedelta(days=5)).value is None
    )
    assert (
        METRICS["follow_up_completion"].records(cast.engineer_a, F_START, F_START + timedelta(days=5)) == []
    )


@override_settings(PRESALES_FOLLOW_UP_DAYS=14)
def test_follow_up_slot_length_is_configurable(cast, follow_ups):
    # two slots: 1–14 and 15–28 January. p1 owes 2, done 2 (2 Jan, 16 Jan); p2 owes none (created
    # 8 Jan, after slot 1 began; closed 22 Jan, before slot 2 ended); p4 owes none → 2 of 2
    assert value_of("follow_up_completion", cast.engineer_a, F_START, F_END) == MetricValue(
        Decimal("100.00"), 2, 2, 2
    )
