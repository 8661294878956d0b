"""The demo company is deterministic: the same seed builds the same company, another seed another.
(Apart from tests/demo/test_demo_company.py, whose module-wide demo company would collide with
these builds.)"""

from datetime import UTC, datetime

from django.db import transaction

from presales.accounts.models import User
from presales.customers.models import Customer
from presales.demo.company import DemoCompany
from presales.opportunities.models import Opportunity
from presales.support.models import SupportRequest


def test_same_seed_same_company(db):
    now = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)

    def snapshot(seed):
        class Rollback(Exception):
            pass

        try:
            with transaction.atomic():
                DemoCompany(seed=seed, now=now).build()
                result = (
                    list(User.objects.order_by("username").values_list("username", "display_name")),
                    list(Customer.objects.order_by("name").values_list("name", "presales_owner__username")),
                    list(
                        Opportunity.objects.order_by("number").values_list(
                            "number", "name", "stage", "created_at"
                        )
                    ),
                    list(
                        SupportRequest.objects.order_by("number").values_list(
                            "number", "status", "submitted_at"
                        )
                    ),
                )
                raise Rollback
        except Rollback:
            return result

    first = snapshot(7)
    assert snapshot(7) == first
    assert snapshot(8) != first
