"""Actions a user may not take are not offered (issue 16): on the detail pages, a person who may
see the record but not take the action finds no button or link for it, and the URL answers 403
(or 404, for a record out of their scope) all the same. The demo company is crawled the same way
for every demo login in tests/demo/test_demo_company.py."""

import pytest
from django.urls import reverse

from presales.accounts.choices import RoleCode
from presales.customers.models import Customer
from presales.opportunities.models import Opportunity
from presales.poc.choices import Status as PocStatus
from presales.poc.models import Poc
from tests.factories.accounts import make_user
from tests.factories.customers import CustomerFactory
from tests.factories.poc import make_opportunity, make_poc
from tests.factories.solutions import make_solution, reviewers

pytestmark = pytest.mark.django_db


def test_poc_moves_are_offered_only_to_who_steers_the_poc(cast, client):
    poc = make_poc(cast)  # led by engineer_a; sales_a is the opportunity's sales owner
    move_url = reverse("poc:move", args=[poc.pk])

    client.force_login(cast.sales_a)  # sees the POC (and may report on it), does not steer it
    page = client.get(poc.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert (
        f'action="{move_url}"' not in body
        and "<button" not in body.split('id="moves"')[1].split("</div></div></div>")[0]
    )
    assert 'data-move="ready"' in body  # what comes next is still said, without a button
    refused = client.post(move_url, {"to_status": PocStatus.READY, "version": poc.version, "reason": "x"})
    assert refused.status_code == 403
    assert Poc.objects.get(pk=poc.pk).status == PocStatus.DRAFT

    client.force_login(cast.engineer_a)  # the presales lead gets the button
    assert f'action="{move_url}"' in client.get(poc.get_absolute_url()).content.decode()


def test_opportunity_page_links_the_customer_only_for_who_may_see_it(cast, client):
    customer = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a, team=cast.team_a)
    sales_b = make_user(RoleCode.SALES, team=cast.team_b, username="sales_b")
    opportunity = make_opportunity(cast, customer=customer, sales=sales_b, stage="discovery")
    customer_url = customer.get_absolute_url()
    record_url = reverse("customers:communication_create", args=[customer.pk])
    assert not Customer.objects.visible_to(sales_b).filter(pk=customer.pk).exists()
    assert Opportunity.objects.visible_to(sales_b).filter(pk=opportunity.pk).exists()

    client.force_login(sales_b)  # the opportunity's sales owner, not the customer's
    page = client.get(opportunity.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert customer.name in body
    assert f'href="{customer_url}"' not in body and record_url not in body
    assert client.get(customer_url).status_code == 404
    assert client.get(record_url).status_code == 404

    client.force_login(cast.sales_a)  # the customer's sales owner gets both links
    body = client.get(opportunity.get_absolute_url()).content.decode()
    assert f'href="{customer_url}"' in body and record_url in body


def test_solution_page_links_the_opportunity_only_for_who_may_see_it(cast, client):
    people = reviewers(cast)  # sets the presales levels; engineer_b (team B) is senior
    opportunity = make_opportunity(cast, stage="solution")
    solution = make_solution(cast, opportunity=opportunity, **{**people, "reviewer_3": cast.engineer_b})
    opportunity_url = opportunity.get_absolute_url()

    client.force_login(cast.engineer_b)  # reviews the solution, may not see team A's opportunity
    page = client.get(solution.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert opportunity.name in body and f'href="{opportunity_url}"' not in body
    assert client.get(opportunity_url).status_code == 404

    client.force_login(cast.engineer_a)
    assert f'href="{opportunity_url}"' in client.get(solution.get_absolute_url()).content.decode()
