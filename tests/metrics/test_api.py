"""The read-only metrics API: definitions, values for a person and period, one metric's breakdown."""

from datetime import date

import pytest
from django.urls import reverse

from presales.opportunities.choices import Stage
from tests.factories.customers import ComplaintFactory
from tests.factories.metrics import at, customer_of, project
from tests.kit import assert_constant_queries, check_access

pytestmark = pytest.mark.django_db

PERIOD = "start=2026-01-01&end=2026-03-31"


def test_list_and_retrieve_definitions(client, cast):
    url = reverse("metrics-list")
    check_access(client, cast, url, permitted=list(cast.users()), api=True)
    client.force_login(cast.engineer_a)
    data = client.get(url, HTTP_ACCEPT="application/json").json()
    assert len(data) == 15
    by_code = {m["code"]: m for m in data}
    assert by_code["knowledge_shares"]["available"] is True
    assert by_code["conversion_rate"]["available"] is True
    assert by_code["conversion_rate"]["unit"] == "percent"
    detail = client.get(reverse("metrics-detail", args=["complaints"])).json()
    assert detail["kind"] == "count" and detail["higher_is_better"] is False
    assert client.get(reverse("metrics-detail", args=["nope"])).status_code == 404


@pytest.fixture
def data(cast):
    c = customer_of(cast.engineer_a, cast.sales_a)
    won = project(c, lead=cast.engineer_a, stage=Stage.WON, closed_at=at(date(2026, 2, 1)))
    project(c, lead=cast.engineer_a, stage=Stage.LOST, closed_at=at(date(2026, 2, 2)))
    ComplaintFactory(customer=c, against=cast.engineer_a, received_on=date(2026, 2, 3))
    return won


def test_compute_breakdown(client, cast, committee, data):
    url = reverse("metrics-compute", args=["conversion_rate"]) + f"?user={cast.engineer_a.pk}&{PERIOD}"
    check_access(
        client,
        cast,
        url,
        permitted=["engineer_a", "lead_a", "manager"],
        hidden=["engineer_a2", "sales_a", "engineer_b", "nobody"],
        api=True,
    )
    client.force_login(committee)
    body = client.get(url, HTTP_ACCEPT="application/json").json()
    assert body["value"] == "50.00" and body["numerator"] == "1.00" and body["denominator"] == "2.00"
    assert body["count"] == 2 and body["metric"]["code"] == "conversion_rate"
    assert [r["numerator"] for r in body["records"]] == ["1.00", "0.00"]
    assert body["records"][0]["url"] == data.get_absolute_url()


def test_compute_defaults_to_self_and_this_quarter(client, cast):
    client.force_login(cast.engineer_a)
    body = client.get(reverse("metrics-compute", args=["complaints"])).json()
    assert body["user"] == cast.engineer_a.pk and body["value"] == "0.00" and body["records"] == []


def test_compute_refusals(client, cast):
    client.force_login(cast.manager)
    base = reverse("metrics-compute", args=["complaints"])
    bad_period = client.get(base + "?start=2026-03-01&end=2026-02-01")
    assert bad_period.status_code == 400 and "end" in bad_period.json()
    assert client.get(base + "?start=garbage").status_code == 400
    assert client.get(base + "?user=abc").status_code == 400
    assert client.get(base + "?user=999999").status_code == 404
    assert client.get(reverse("metrics-compute", args=["knowledge_shares"])).status_code == 200
    assert client.get(reverse("metrics-compute", args=["nope"])).status_code == 404


def test_values_of_a_person(client, cast, data):
    url = reverse("metrics-values") + f"?user={cast.engineer_a.pk}&{PERIOD}"
    check_access(
        client,
        cast,
        url,
        permitted=["engineer_a", "lead_a", "manager"],
        hidden=["engineer_a2", "sales_a", "engineer_b", "nobody"],
        api=True,
    )
    client.force_login(cast.lead_a)
    values = {row["code"]: row for row in client.get(url).json()}
    assert "knowledge_shares" in values
    assert values["conversion_rate"]["value"] == "50.00"
    assert values["complaints"]["value"] == "1.00"
    assert values["customer_satisfaction"]["value"] is None


def test_api_query_counts_are_constant(client, cast, data):
    client.force_login(cast.manager)
    c = data.customer

    def grow():
        for i in range(5):
            project(c, lead=cast.engineer_a, stage=Stage.LOST, closed_at=at(date(2026, 3, 1 + i)))
            ComplaintFactory(customer=c, against=cast.engineer_a, received_on=date(2026, 3, 1 + i))

    for url in (
        reverse("metrics-values") + f"?user={cast.engineer_a.pk}&{PERIOD}",
        reverse("metrics-compute", args=["conversion_rate"]) + f"?user={cast.engineer_a.pk}&{PERIOD}",
    ):
        assert_constant_queries(client, url, grow, api=True)
