"""The change-history page: field-level changes, scoped like the record itself."""

import pytest
from django.urls import reverse

from presales.customers import services
from tests.factories import CustomerFactory
from tests.kit import assert_constant_queries, check_access

pytestmark = pytest.mark.django_db


def history_url(obj):
    return reverse("core:history", args=[obj._meta.label_lower, obj.pk])


def test_shows_who_changed_what(client, cast):
    customer = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a, industry="finance")
    client.force_login(cast.engineer_a)
    client.post(reverse("customers:edit", args=[customer.pk]),
                {"name": customer.name, "industry": "robotics", "region": "east", "status": "prospect", "version": 1})
    body = client.get(history_url(customer)).content.decode()
    # choices are shown by label (English msgid until translated), with the author
    assert "Robotics and automation" in body or "机器人" in body
    assert "张工" in body


def test_scope_and_unknown_models(client, cast):
    customer = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    check_access(client, cast, history_url(customer), permitted=["engineer_a", "manager"],
                 hidden=["engineer_b", "nobody"])
    client.force_login(cast.manager)
    assert client.get(reverse("core:history", args=["accounts.user", cast.manager.pk])).status_code == 404
    assert client.get(reverse("core:history", args=["nope.model", 1])).status_code == 404


def test_queries_constant(client, cast):
    customer = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    client.force_login(cast.manager)
    state = {"v": 1}

    def grow():
        for i in range(6):
            services.customer_update(actor=cast.manager, customer=customer, expected_version=state["v"], profile=f"p{i}")
            state["v"] += 1

    assert_constant_queries(client, history_url(customer), grow)
