"""Customer API: same rules as the pages, ETag/If-Match, error format."""

import pytest
from django.urls import reverse

from presales.customers.models import Contact, Customer
from tests.factories import CustomerFactory
from tests.kit import assert_constant_queries, assert_refused, check_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(cast):
    return CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)


def payload(cast, **kw):
    return {"name": "成都天府低空科技", "industry": "low_altitude", "region": "southwest",
            "presales_owner": cast.engineer_a.pk, "sales_owner": cast.sales_a.pk, **kw}


def test_list_and_detail_access(client, cast, customer):
    check_access(client, cast, reverse("customer-list"), api=True, permitted=["manager", "engineer_a", "nobody"])
    check_access(client, cast, reverse("customer-detail", args=[customer.pk]), api=True,
                 permitted=["manager", "engineer_a", "sales_a"], hidden=["engineer_b", "nobody"])
    client.force_login(cast.engineer_b)
    assert client.get(reverse("customer-list")).json()["count"] == 0


def test_list_queries_constant(client, cast, customer):
    client.force_login(cast.manager)
    assert_constant_queries(
        client, reverse("customer-list"),
        lambda: [CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a) for _ in range(10)],
        api=True,
    )


def test_create_via_api(client, cast):
    url = reverse("customer-list")
    check_access(client, cast, url, method="post", api=True, data=lambda: payload(cast, name=f"客户{Customer.objects.count()}"),
                 permitted=["engineer_a", "manager"], forbidden=["nobody"])
    client.force_login(cast.engineer_a)
    response = client.post(url, payload(cast), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response["ETag"] == '"1"'
    assert response.json()["presales_owner_name"] == str(cast.engineer_a)


@pytest.mark.parametrize("bad, field", [
    ({"industry": "nope"}, "industry"),
    ({"name": ""}, "name"),
    ({"sales_owner": None}, "sales_owner"),
])
def test_create_refuses_bad_input(client, cast, bad, field):
    client.force_login(cast.engineer_a)
    assert_refused(client, reverse("customer-list"), payload(cast, **bad), fields=[field], models=[Customer], api=True)


def test_create_refuses_duplicate_with_field_error(client, cast, customer):
    client.force_login(cast.engineer_a)
    response = assert_refused(client, reverse("customer-list"), payload(cast, name=customer.name), fields=["name"],
                              models=[Customer], api=True)
    assert response.json()["code"] == "invalid"


def test_update_requires_version_and_refuses_stale(client, cast, customer):
    url = reverse("customer-detail", args=[customer.pk])
    client.force_login(cast.engineer_a)
    etag = client.get(url)["ETag"]
    assert client.patch(url, {"profile": "a"}, content_type="application/json").status_code == 428
    ok = client.patch(url, {"profile": "a"}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    stale = client.patch(url, {"profile": "b"}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    customer.refresh_from_db()
    assert customer.profile == "a"
    check_access(client, cast, url, method="patch", api=True, data={"profile": "c", "version": 99},
                 permitted=[], forbidden=["engineer_a2"], hidden=["engineer_b", "nobody"])


def test_owners_are_read_only_on_update(client, cast, customer):
    client.force_login(cast.manager)
    url = reverse("customer-detail", args=[customer.pk])
    client.patch(url, {"presales_owner": cast.engineer_a2.pk, "version": 1}, content_type="application/json")
    customer.refresh_from_db()
    assert customer.presales_owner == cast.engineer_a


def test_reassign_endpoint(client, cast, customer):
    url = reverse("customer-reassign", args=[customer.pk])
    data = {"kind": "presales", "to_user": cast.engineer_a2.pk, "reason": "轮岗"}
    check_access(client, cast, url, method="post", api=True, data=data, permitted=[],
                 forbidden=["engineer_a"], hidden=["engineer_b"])
    client.force_login(cast.lead_a)
    response = client.post(url, data, content_type="application/json")
    assert response.status_code == 201 and response.json()["to_user"] == cast.engineer_a2.pk
    customer.refresh_from_db()
    assert customer.presales_owner == cast.engineer_a2


def test_contacts_endpoint(client, cast, customer):
    list_url = reverse("contact-list")
    data = {"customer": customer.pk, "name": "吴工", "role": "technical", "email": "wu@example.com"}
    check_access(client, cast, list_url, method="post", api=True, data=data, permitted=["engineer_a"],
                 forbidden=["nobody"] if False else [], ok=(201,))
    client.force_login(cast.engineer_b)  # cannot attach a contact to a customer out of scope
    assert_refused(client, list_url, data, fields=["customer"], models=[Contact], api=True)
    contact = Contact.objects.first()
    detail = reverse("contact-detail", args=[contact.pk])
    check_access(client, cast, detail, api=True, permitted=["engineer_a"], hidden=["engineer_b"])
    client.force_login(cast.engineer_a)
    response = client.patch(detail, {"title": "架构师"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.json()["title"] == "架构师"
