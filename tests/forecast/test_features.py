"""The feature matrix: each feature computed from the records on a hand-built opportunity, with
a number of queries that does not depend on how many opportunities there are."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from presales.bids import services as bid_services
from presales.demos.models import Demo
from presales.discovery import services as discovery_services
from presales.forecast.features import amount_band, model_input, opportunity_features
from presales.opportunities.models import Opportunity, StageEvent
from presales.poc.models import Poc
from presales.solutions.models import Solution
from tests.factories.bids import make_bid
from tests.factories.customers import CommunicationFactory, ComplaintFactory, TechnicalIssueFactory
from tests.factories.demos import make_demo
from tests.factories.discovery import researched
from tests.factories.poc import make_opportunity, make_poc
from tests.factories.solutions import make_solution

pytestmark = pytest.mark.django_db


def moves(opportunity, start, steps):
    """StageEvents: enter each stage `days` after the previous move."""
    at, previous = start, ""
    for stage, days in steps:
        at = at + timedelta(days=days)
        StageEvent.objects.create(
            opportunity=opportunity, from_stage=previous, to_stage=stage, actor=opportunity.presales_lead
        )
        StageEvent.objects.filter(opportunity=opportunity, to_stage=stage).update(at=at)
        previous = stage
    return at


def test_features_of_a_hand_built_opportunity(cast):
    opp = make_opportunity(cast, stage="bid")
    start = timezone.now() - timedelta(days=40)
    Opportunity.objects.filter(pk=opp.pk).update(
        created_at=start,
        presales_assigned_at=start + timedelta(hours=3),
        estimated_amount=Decimal("3200000"),
        source="partner",
    )
    opp.refresh_from_db()
    # What each module recorded.
    researched(cast, opp)  # research plan, activity, items and a customer confirmation
    discovery_services.report_create(actor=cast.engineer_a, opportunity=opp, summary="调研结论：告警误报多")
    solution = make_solution(cast, opportunity=opp)
    Solution.objects.filter(pk=solution.pk).update(first_pass=False)
    demo = make_demo(cast, opportunity=opp)
    Demo.objects.filter(pk=demo.pk).update(status="summarised")
    failed = make_poc(cast, opportunity=opp)
    Poc.objects.filter(pk=failed.pk).update(status="failed")
    passed = make_poc(cast, opportunity=opp, title="第二轮验证")
    Poc.objects.filter(pk=passed.pk).update(status="passed")
    bid = make_bid(cast, opportunity=opp)
    for i, deviation in enumerate(["positive", "negative", "none"], start=1):
        bid_services.deviation_create(
            actor=cast.engineer_a,
            bid=bid,
            item_no=i,
            requirement=f"要求{i}",
            response="响应",
            deviation=deviation,
            explanation="说明",
        )
    for _ in range(4):
        CommunicationFactory(customer=opp.customer, opportunity=opp)
    TechnicalIssueFactory(customer=opp.customer, opportunity=opp)
    TechnicalIssueFactory(
        customer=opp.customer,
        opportunity=opp,
        status="resolved",
        resolved_at=timezone.now(),
        resolution="已修复",
    )
    ComplaintFactory(customer=opp.customer, opportunity=opp)
    # Stage history: lead 2 d, discovery 3 d, solution 5 d, demo/POC 10 d, then bid since.
    StageEvent.objects.filter(opportunity=opp).delete()
    entered_bid = moves(
        opp, start, [("lead", 0), ("discovery", 2), ("solution", 3), ("demo_poc", 5), ("bid", 10)]
    )
    now = entered_bid + timedelta(days=4)

    [row] = opportunity_features(Opportunity.objects.filter(pk=opp.pk), now=now)

    assert row["id"] == opp.pk and row["stage"] == "bid"
    assert (row["industry"], row["source"], row["amount_band"]) == ("energy_storage", "partner", "2m_5m")
    assert row["days_lead"] == pytest.approx(2) and row["days_discovery"] == pytest.approx(3)
    assert row["days_solution"] == pytest.approx(5) and row["days_demo_poc"] == pytest.approx(10)
    assert row["days_bid"] == pytest.approx(4) and row["days_negotiation"] == 0
    assert row["early_involvement"] == 1
    assert row["research_done"] == 1 and row["requirements_confirmed"] == 1
    assert row["solution_review"] == "returned"
    assert row["demo_summarised"] == 1
    assert row["poc_verdict"] == "passed"  # a passed POC counts over an earlier failed one
    assert row["bid_deviations"] == 2  # positive and negative; "none" is no deviation
    assert row["open_issues"] == 1 and row["complaints"] == 1
    life = (now - start).total_seconds() / 86400
    assert row["communications_per_month"] == pytest.approx(4 * 30 / life, abs=1e-3)
    values = model_input(row)
    assert values[:5] == ["energy_storage", "2m_5m", "partner", "returned", "passed"]


def test_defaults_of_a_bare_closed_opportunity(cast):
    opp = make_opportunity(cast, stage="lost")
    start = timezone.now() - timedelta(days=30)
    Opportunity.objects.filter(pk=opp.pk).update(
        created_at=start,
        presales_assigned_at=start + timedelta(hours=30),
        closed_at=start + timedelta(days=20),
        estimated_amount=None,
    )
    moves(opp, start, [("lead", 0), ("discovery", 8), ("lost", 12)])
    [row] = opportunity_features(Opportunity.objects.filter(pk=opp.pk), now=timezone.now())
    assert row["days_lead"] == pytest.approx(8) and row["days_discovery"] == pytest.approx(12)
    assert row["days_solution"] == 0  # a closed opportunity's clock stops at the close
    assert row["early_involvement"] == 0  # presales joined after 30 hours
    assert (row["amount_band"], row["solution_review"], row["poc_verdict"]) == ("unknown", "none", "none")
    assert (row["research_done"], row["requirements_confirmed"], row["demo_summarised"]) == (0, 0, 0)
    assert (
        row["bid_deviations"],
        row["communications_per_month"],
        row["open_issues"],
        row["complaints"],
    ) == (0, 0, 0, 0)


def test_amount_bands():
    assert [amount_band(Decimal(v)) for v in ("0", "499999", "500000", "2000000", "9999999", "10000000")] == [
        "under_0_5m",
        "under_0_5m",
        "0_5m_2m",
        "2m_5m",
        "5m_10m",
        "over_10m",
    ]


def test_query_count_does_not_grow_with_the_opportunities(history):
    history(20)
    with CaptureQueriesContext(connection) as few:
        opportunity_features(Opportunity.objects.all(), now=timezone.now())
    history(60, seed=5)
    with CaptureQueriesContext(connection) as many:
        rows = opportunity_features(Opportunity.objects.all(), now=timezone.now())
    assert len(rows) == 80
    assert len(few.captured_queries) == len(many.captured_queries) <= 12
