"""opportunity_place: an imported opportunity put at the stage its CRM reports."""

import pytest
from django.utils import translation

from presales.core.errors import DomainError, PermissionDenied
from presales.opportunities import services
from presales.opportunities.choices import Stage
from presales.opportunities.models import Opportunity, StageEvent
from tests.factories import CustomerFactory
from tests.factories.opportunities import OpportunityFactory
from tests.kit import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def opportunity(cast):
    customer = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    return OpportunityFactory(customer=customer, presales_lead=cast.engineer_a)


def test_jumps_to_the_stage_and_records_the_unmet_gates_as_overridden(cast, opportunity):
    event = services.opportunity_place(actor=cast.lead_a, opportunity=opportunity, to_stage=Stage.NEGOTIATION,
                                       reason="CRM import #1")
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.version, opportunity.closed_at) == (Stage.NEGOTIATION, 2, None)
    assert (event.from_stage, event.to_stage, event.actor, event.reason) == (
        Stage.LEAD, Stage.NEGOTIATION, cast.lead_a, "CRM import #1"
    )
    # research, amount and close date were never recorded here: the gates are listed, not enforced
    assert event.overridden and any("amount" in r for r in event.overridden_reasons)
    assert opportunity.history.first().history_change_reason == "CRM import #1"
    services.opportunity_place(actor=cast.manager, opportunity=opportunity, to_stage=Stage.WON, reason="CRM")
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.WON and opportunity.closed_at is not None


@pytest.mark.parametrize(
    ("stage", "to_stage", "code"),
    [
        (Stage.SOLUTION, Stage.DISCOVERY, "backwards"),
        (Stage.WON, Stage.NEGOTIATION, "closed"),
        (Stage.LOST, Stage.WON, "closed"),
        (Stage.BID, Stage.BID, "unchanged"),
        (Stage.LEAD, "paid", "invalid"),
    ],
)
def test_never_backwards_never_out_of_a_closed_stage(cast, opportunity, stage, to_stage, code):
    Opportunity.objects.filter(pk=opportunity.pk).update(stage=stage)
    before = snapshot(Opportunity, StageEvent)
    with pytest.raises(DomainError) as refused:
        services.opportunity_place(actor=cast.manager, opportunity=opportunity, to_stage=to_stage, reason="CRM")
    assert refused.value.code == code and refused.value.field == "stage"
    assert snapshot(Opportunity, StageEvent) == before


def test_only_managers_and_the_team_lead_place_and_a_reason_is_required(cast, opportunity):
    before = snapshot(Opportunity, StageEvent)
    for user in (cast.engineer_a, cast.sales_a, cast.engineer_b):
        with pytest.raises(PermissionDenied):
            services.opportunity_place(actor=user, opportunity=opportunity, to_stage=Stage.SOLUTION, reason="CRM")
    with pytest.raises(DomainError) as refused:
        services.opportunity_place(actor=cast.manager, opportunity=opportunity, to_stage=Stage.SOLUTION, reason=" ")
    assert refused.value.field == "reason"
    assert snapshot(Opportunity, StageEvent) == before
