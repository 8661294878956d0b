"""The POC panel on the opportunity page: the opportunity's POCs and the way to start one."""

import pytest
from django.urls import reverse

from tests.factories.poc import make_poc
from tests.kit import assert_constant_queries

pytestmark = pytest.mark.django_db


def test_panel_lists_pocs_and_offers_a_new_one(client, cast, opportunity, poc):
    client.force_login(cast.engineer_a)
    body = client.get(opportunity.get_absolute_url()).content.decode()
    assert poc.number in body
    assert f"{reverse('poc:create')}?opportunity={opportunity.pk}" in body
    assert f"{reverse('support:create')}?customer={opportunity.customer_id}&amp;opportunity={opportunity.pk}" in body


def test_out_of_scope_user_never_sees_the_panel(client, cast, opportunity, poc):
    client.force_login(cast.engineer_b)
    assert client.get(opportunity.get_absolute_url()).status_code == 404


def test_panel_queries_constant(client, cast, opportunity, poc):

    client.force_login(cast.manager)

    def grow():
        for i in range(3):
            make_poc(cast, opportunity=opportunity)

    assert_constant_queries(client, opportunity.get_absolute_url(), grow)


def test_opportunity_page_links_to_its_documents(client, cast, opportunity):
    client.force_login(cast.engineer_a)
    body = client.get(opportunity.get_absolute_url()).content.decode()
    assert f"{reverse('documents:list')}?opportunity={opportunity.pk}" in body
