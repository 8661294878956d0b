"""The boards' column totals (BoardTotal) equal a full recount after any sequence of writes
through the services (create, edit, move, place) and of artefact changes that move the derived
progress; the manager's unfiltered board shows them; the command rebuilds them."""

import contextlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presales.core.errors import DomainError
from presales.opportunities import board_totals, services
from presales.opportunities.choices import Stage
from presales.opportunities.models import BoardTotal, Opportunity
from tests.factories.customers import CustomerFactory
from tests.factories.poc import make_opportunity, make_poc

pytestmark = pytest.mark.django_db


def assert_consistent():
    assert board_totals.stored() == board_totals.recount()


def create(cast, customer, amount, team):
    return services.opportunity_create(
        actor=cast.manager, name="储能项目", customer=customer, source="inquiry", industry="energy_storage",
        estimated_amount=amount, sales_owner=cast.sales_a, team=team,
        expected_close_on=timezone.localdate() + timedelta(days=30),
    )


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["create", "amount", "move", "place", "poc", "lead"]),
        st.integers(min_value=0, max_value=50),
        st.sampled_from([None, Decimal("0"), Decimal("120000.50"), Decimal("3000000")]),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_totals_equal_a_full_recount_after_any_sequence_of_writes(cast, operations):
    with transaction.atomic():  # each example from the same start: rolled back at its end
        run_operations(cast, operations)
        transaction.set_rollback(True)


def run_operations(cast, operations):
    customer = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    opportunities = [create(cast, customer, Decimal("500000"), cast.team_a)]
    assert_consistent()
    for op, pick, amount in operations:
        opp = Opportunity.objects.get(pk=opportunities[pick % len(opportunities)].pk)
        if op == "create":
            opportunities.append(create(cast, customer, amount, [cast.team_a, cast.team_b][pick % 2]))
        elif op == "amount":
            services.opportunity_update(actor=cast.manager, opportunity=opp, expected_version=opp.version,
                                        estimated_amount=amount)
        elif op == "move" and not opp.is_closed:
            target = [Stage.DISCOVERY, Stage.LOST, Stage.ABANDONED][pick % 3]
            with contextlib.suppress(DomainError):  # a move the workflow refuses changes nothing
                services.opportunity_move(actor=cast.manager, opportunity=opp, to_stage=target, reason="测试",
                                          override=True)
        elif op == "place" and not opp.is_closed:
            with contextlib.suppress(DomainError):  # a backwards placement is refused
                services.opportunity_place(actor=cast.manager, opportunity=opp, to_stage=Stage.DEMO_POC,
                                           reason="导入")
        elif op == "poc" and opp.stage == Stage.DEMO_POC:
            make_poc(cast, opportunity=opp, actor=cast.manager)  # moves the derived progress (a bulk UPDATE)
        elif op == "lead":
            with contextlib.suppress(DomainError):  # already the lead, or the opportunity is closed
                services.opportunity_assign_lead(actor=cast.manager, opportunity=opp,
                                                 presales_lead=cast.engineer_a2, expected_version=opp.version)
        assert_consistent()


def test_factories_deletes_and_progress_updates_keep_the_totals(cast):
    opportunity = make_opportunity(cast, stage=Stage.DEMO_POC)
    assert_consistent()
    make_poc(cast, opportunity=opportunity)  # the progress moves by a bulk UPDATE
    assert_consistent()
    other = make_opportunity(cast, stage=Stage.LEAD, team=cast.team_b)
    other.delete()
    assert_consistent()


def test_rebuild_command_repairs_the_table(cast):
    make_opportunity(cast, stage=Stage.BID)
    make_opportunity(cast, stage=Stage.LEAD, team=cast.team_b)
    BoardTotal.objects.update(count=99)
    Opportunity.objects.filter(stage=Stage.BID).update(estimated_amount=Decimal("7"))  # bypasses the signals
    assert board_totals.stored() != board_totals.recount()
    call_command("rebuild_board_totals", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert_consistent()


def test_the_managers_unfiltered_board_reads_the_totals(client, cast):
    make_opportunity(cast, stage=Stage.BID)
    client.force_login(cast.manager)
    # Counts as the totals say (deliberately wrong here, to see where they come from) ...
    BoardTotal.objects.filter(dimension="stage", key=Stage.BID).update(count=41, amount=Decimal("9"))
    columns = {c.stage: c for c in client.get(reverse("opportunities:board")).context["columns"]}
    assert (columns[Stage.BID].count, columns[Stage.BID].amount) == (41, Decimal("9"))
    # ... a filtered board and a team member's board count the rows themselves.
    columns = {c.stage: c for c in client.get(reverse("opportunities:board"), {"q": "储能"}).context["columns"]}
    assert columns[Stage.BID].count == 1
    client.force_login(cast.engineer_a)
    columns = {c.stage: c for c in client.get(reverse("opportunities:board")).context["columns"]}
    assert columns[Stage.BID].count == 1
