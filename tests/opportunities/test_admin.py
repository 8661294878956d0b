"""The admin pages of the opportunity models render (list, change, history)."""

import pytest
from django.urls import reverse

from presales.opportunities.choices import Stage
from presales.opportunities.models import StageEvent
from tests.factories import make_user
from tests.factories.opportunities import HandoverFactory, OpportunityFactory, RetrospectiveFactory

pytestmark = pytest.mark.django_db


def test_admin_pages_render(client, cast):
    admin = make_user(username="root", is_staff=True, is_superuser=True)
    opp = OpportunityFactory(customer__presales_owner=cast.engineer_a, customer__sales_owner=cast.sales_a,
                             stage=Stage.WON, presales_lead=cast.engineer_a)
    event = StageEvent.objects.create(opportunity=opp, from_stage=Stage.NEGOTIATION, to_stage=Stage.WON,
                                      actor=cast.sales_a, reason="中标")
    objects = [opp, event, RetrospectiveFactory(opportunity=opp), HandoverFactory(opportunity=opp)]
    client.force_login(admin)
    for obj in objects:
        meta = obj._meta
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        assert client.get(reverse(f"{prefix}_changelist")).status_code == 200
        assert client.get(reverse(f"{prefix}_changelist"), {"q": "SJ"}).status_code == 200
        assert client.get(reverse(f"{prefix}_change", args=[obj.pk])).status_code == 200
        if hasattr(obj, "history"):
            assert client.get(reverse(f"{prefix}_history", args=[obj.pk])).status_code == 200
