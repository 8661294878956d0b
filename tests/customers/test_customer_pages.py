"""Customer pages: access for each member of the cast, query counts, bad input."""

import pytest
from django.urls import reverse

from presales.customers.models import Contact, Customer, OwnershipChange
from tests.factories import CustomerFactory
from tests.kit import assert_constant_queries, assert_refused, check_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(cast):
    return CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a, name="无锡智造机器人有限公司")


@pytest.fixture
def secret(cast):
    return CustomerFactory(presales_owner=cast.engineer_a2, sales_owner=cast.sales_a, confidential=True)


def test_list_access_and_scope(client, cast, customer, secret):
    url = reverse("customers:list")
    check_access(client, cast, url, permitted=["manager", "engineer_a", "engineer_b", "nobody", "sales_a"])
    client.force_login(cast.engineer_a)
    body = client.get(url).content.decode()
    assert customer.name in body and secret.name not in body
    client.force_login(cast.engineer_b)
    assert customer.name not in client.get(url).content.decode()


def test_list_filters_and_htmx_partial(client, cast, customer):
    CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a, name="杭州云端金融", industry="finance")
    client.force_login(cast.manager)
    body = client.get(reverse("customers:list"), {"industry": "finance"}).content.decode()
    assert "杭州云端金融" in body and customer.name not in body
    partial = client.get(reverse("customers:list"), {"q": "无锡"}, HTTP_HX_REQUEST="true").content.decode()
    assert customer.name in partial and "<html" not in partial


def test_list_queries_constant(client, cast, customer):
    client.force_login(cast.manager)

    def grow():
        for _ in range(15):
            c = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
            c.assistants.add(cast.engineer_a2)

    assert_constant_queries(client, reverse("customers:list"), grow)


def test_detail_access(client, cast, customer, secret):
    check_access(client, cast, customer.get_absolute_url(),
                 permitted=["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a"],
                 hidden=["engineer_b", "nobody"])
    check_access(client, cast, secret.get_absolute_url(),
                 permitted=["manager", "lead_a", "engineer_a2", "sales_a"], hidden=["engineer_a", "engineer_b", "nobody"])
    check_access(client, cast, reverse("customers:detail", args=[999999]), permitted=[], hidden=["manager"])


def test_detail_queries_constant(client, cast, customer):
    from presales.customers.services import contact_create

    client.force_login(cast.manager)

    def grow():
        for i in range(8):
            contact_create(actor=cast.engineer_a, customer=customer, name=f"联系人{i}", role="technical", phone="1")

    assert_constant_queries(client, customer.get_absolute_url(), grow)


def test_create_access(client, cast):
    url = reverse("customers:create")
    check_access(client, cast, url, permitted=["manager", "engineer_a", "sales_a"], forbidden=["nobody"])


def test_create_customer_through_the_page(client, cast):
    client.force_login(cast.engineer_a)
    response = client.post(reverse("customers:create"), {
        "name": "合肥低空飞行器有限公司", "industry": "low_altitude", "region": "east", "status": "prospect",
        "presales_owner": cast.engineer_a.pk, "sales_owner": cast.sales_a.pk,
    })
    customer = Customer.objects.get(name="合肥低空飞行器有限公司")
    assert response.status_code == 302 and response["Location"] == customer.get_absolute_url()
    assert customer.team == cast.team_a and customer.created_by == cast.engineer_a


@pytest.mark.parametrize("data, field", [
    ({"name": "", "industry": "finance", "region": "east"}, "name"),
    ({"name": "X", "industry": "bogus", "region": "east"}, "industry"),
    ({"name": "X", "industry": "finance", "region": "east", "website": "not a url"}, "website"),
])
def test_create_refuses_bad_input(client, cast, data, field):
    client.force_login(cast.engineer_a)
    data = {"status": "prospect", "presales_owner": cast.engineer_a.pk, "sales_owner": cast.sales_a.pk, **data}
    assert_refused(client, reverse("customers:create"), data, fields=[field], models=[Customer, OwnershipChange])


def test_create_refuses_duplicate_name_and_wrong_owner_roles(client, cast, customer):
    client.force_login(cast.engineer_a)
    base = {"industry": "finance", "region": "east", "status": "prospect",
            "presales_owner": cast.engineer_a.pk, "sales_owner": cast.sales_a.pk}
    assert_refused(client, reverse("customers:create"), {**base, "name": customer.name.upper()},
                   fields=["name"], models=[Customer, OwnershipChange])
    # the sales owner list holds only sales reps: an engineer is not a valid choice
    assert_refused(client, reverse("customers:create"), {**base, "name": "新客户", "sales_owner": cast.engineer_a2.pk},
                   fields=["sales_owner"], models=[Customer])


def test_chinese_error_messages_by_default(client, cast):
    client.force_login(cast.engineer_a)
    response = client.post(reverse("customers:create"), {"name": ""})
    assert "该字段是必填项。" in response.content.decode()


def test_edit_access(client, cast, customer):
    check_access(client, cast, reverse("customers:edit", args=[customer.pk]),
                 permitted=["manager", "lead_a", "engineer_a", "sales_a"], forbidden=["engineer_a2"],
                 hidden=["engineer_b", "nobody"])


def test_edit_saves_and_detects_concurrent_edit(client, cast, customer):
    url = reverse("customers:edit", args=[customer.pk])
    form = {"name": customer.name, "industry": "robotics", "region": "east", "status": "active", "version": 1}
    client.force_login(cast.engineer_a)
    assert client.post(url, form).status_code == 302
    customer.refresh_from_db()
    assert customer.industry == "robotics" and customer.version == 2
    # the sales rep opened the form at version 1 too: their save is refused, nothing lost
    client.force_login(cast.sales_a)
    response = assert_refused(client, url, {**form, "industry": "finance"}, models=[Customer])
    assert "version" in response.content.decode()
    customer.refresh_from_db()
    assert customer.industry == "robotics"


def test_reassign_access_and_flow(client, cast, customer):
    url = reverse("customers:reassign", args=[customer.pk])
    check_access(client, cast, url, permitted=["manager", "lead_a"], forbidden=["engineer_a", "sales_a"],
                 hidden=["engineer_b", "nobody"])
    client.force_login(cast.lead_a)
    assert_refused(client, url, {"kind": "presales", "to_user": cast.engineer_a2.pk, "reason": ""},
                   fields=["reason"], models=[Customer, OwnershipChange])
    response = client.post(url, {"kind": "presales", "to_user": cast.engineer_a2.pk, "reason": "张工休产假"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.presales_owner == cast.engineer_a2
    assert "张工休产假" in client.get(customer.get_absolute_url()).content.decode()


def test_contact_pages(client, cast, customer):
    url = reverse("customers:contact_create", args=[customer.pk])
    check_access(client, cast, url, permitted=["engineer_a", "sales_a"], hidden=["engineer_b", "nobody"])
    client.force_login(cast.engineer_a)
    assert_refused(client, url, {"name": "周总", "role": "decision_maker"}, fields=["phone"], models=[Contact])
    assert client.post(url, {"name": "周总", "role": "decision_maker", "phone": "13900000000"}).status_code == 302
    contact = Contact.objects.get(name="周总")
    edit = reverse("customers:contact_edit", args=[contact.pk])
    check_access(client, cast, edit, permitted=["engineer_a", "manager"], hidden=["engineer_b", "nobody"])
    client.force_login(cast.engineer_a)
    data = {"name": "周总", "role": "decision_maker", "phone": "13900000000", "title": "CTO", "version": 1}
    assert client.post(edit, data).status_code == 302
    contact.refresh_from_db()
    assert contact.title == "CTO"


def test_detail_links_to_new_opportunity_support_request_and_history(client, cast, customer):
    client.force_login(cast.sales_a)
    body = client.get(customer.get_absolute_url()).content.decode()
    assert f"{reverse('opportunities:create')}?customer={customer.pk}" in body
    assert f"{reverse('support:create')}?customer={customer.pk}" in body
    assert reverse("core:history", args=["customers.customer", customer.pk]) in body


def test_communication_form_preselects_the_opportunity(client, cast, customer):
    from tests.factories.support import OpportunityFactory

    opportunity = OpportunityFactory(customer=customer)
    client.force_login(cast.engineer_a)
    url = reverse("customers:communication_create", args=[customer.pk])
    form = client.get(url, {"opportunity": opportunity.pk}).context["form"]
    assert form.initial["opportunity"] == opportunity.pk
