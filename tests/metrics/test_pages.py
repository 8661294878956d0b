"""The overview and the drill-down pages: who sees whose metrics, what they show, bad periods,
pagination, and a query count that does not grow with the records."""

from datetime import date

import pytest
from django.urls import reverse

from presales.opportunities.choices import Stage
from tests.factories.customers import ComplaintFactory
from tests.factories.metrics import at, customer_of, project
from tests.kit import assert_constant_queries, check_access

pytestmark = pytest.mark.django_db

PERIOD = "?start=2026-01-01&end=2026-03-31"


def drilldown(code, user, query=PERIOD):
    return reverse("metrics:drilldown", args=[code, user.pk]) + query


@pytest.fixture
def closed(cast):
    c = customer_of(cast.engineer_a, cast.sales_a)
    won = project(c, lead=cast.engineer_a, stage=Stage.WON, closed_at=at(date(2026, 2, 1)))
    lost = project(c, lead=cast.engineer_a, stage=Stage.LOST, closed_at=at(date(2026, 2, 2)))
    return won, lost


def test_drilldown_access(client, cast, committee, closed):
    url = drilldown("conversion_rate", cast.engineer_a)
    check_access(
        client,
        cast,
        url,
        permitted=["engineer_a", "lead_a", "manager"],
        hidden=["engineer_a2", "sales_a", "engineer_b", "nobody"],
    )
    client.force_login(committee)
    assert client.get(url).status_code == 200


def test_drilldown_unknown_metric_or_person_is_404(client, cast):
    client.force_login(cast.manager)
    assert client.get(reverse("metrics:drilldown", args=["no_such", cast.engineer_a.pk])).status_code == 404
    assert client.get(reverse("metrics:drilldown", args=["complaints", 999999])).status_code == 404


def test_drilldown_shows_definition_value_and_records(client, cast, closed):
    won, lost = closed
    client.force_login(cast.engineer_a)
    response = client.get(drilldown("conversion_rate", cast.engineer_a))
    body = response.content.decode()
    assert response.context["value"].value == 50
    assert response.context["metric"].code == "conversion_rate"
    assert 'data-testid="definition"' in body
    assert body.count("data-record") == 2
    assert won.get_absolute_url() in body and lost.get_absolute_url() in body
    assert "50" in body


def test_drilldown_default_period_is_this_quarter(client, cast):
    from presales.metrics.period import current_quarter

    client.force_login(cast.engineer_a)
    response = client.get(drilldown("complaints", cast.engineer_a, query=""))
    assert response.status_code == 200
    start, end = current_quarter()
    form = response.context["form"]
    assert (form.cleaned_data["start"], form.cleaned_data["end"]) == (start, end)
    assert "empty-state" in response.content.decode()  # nothing recorded


@pytest.mark.parametrize(
    "query, field",
    [
        ("?start=2026-03-01&end=2026-02-01", "end"),
        ("?start=nonsense&end=2026-02-01", "start"),
        ("?start=2020-01-01&end=2026-02-01", "end"),
    ],
)
def test_drilldown_bad_period_is_a_field_error(client, cast, query, field):
    client.force_login(cast.engineer_a)
    response = client.get(drilldown("complaints", cast.engineer_a, query=query))
    assert response.status_code == 200
    assert f'data-field-error="{field}"' in response.content.decode()
    assert response.context["value"] is None


def test_drilldown_of_knowledge_shares_is_computed(client, cast):
    client.force_login(cast.engineer_a)
    response = client.get(drilldown("knowledge_shares", cast.engineer_a))
    assert response.status_code == 200
    assert "data-unavailable" not in response.content.decode()


def test_drilldown_paginates_long_record_lists(client, cast):
    c = customer_of(cast.engineer_a, cast.sales_a)
    for i in range(55):
        ComplaintFactory(customer=c, against=cast.engineer_a, received_on=date(2026, 1, 1 + i % 28))
    client.force_login(cast.engineer_a)
    first = client.get(drilldown("complaints", cast.engineer_a))
    assert first.content.decode().count("data-record") == 50
    assert first.context["value"].value == 55
    second = client.get(drilldown("complaints", cast.engineer_a) + "&page=2")
    assert second.content.decode().count("data-record") == 5


def test_drilldown_query_count_is_constant(client, cast):
    c = customer_of(cast.engineer_a, cast.sales_a)
    client.force_login(cast.lead_a)

    def grow():
        for i in range(5):
            project(
                c,
                lead=cast.engineer_a,
                stage=Stage.WON,
                closed_at=at(date(2026, 2, 1 + i)),
                members=[cast.engineer_a2],
            )

    grow()
    for code in ("conversion_rate", "project_success_rate"):
        assert_constant_queries(client, drilldown(code, cast.engineer_a), grow)


def test_overview_access_and_content(client, cast, committee, closed):
    url = reverse("metrics:overview") + PERIOD
    check_access(client, cast, url, permitted=list(cast.users()))
    client.force_login(cast.engineer_a)
    response = client.get(url)
    body = response.content.decode()
    assert body.count("data-metric=") == 15
    assert 'data-metric="knowledge_shares"' in body
    assert reverse("metrics:drilldown", args=["conversion_rate", cast.engineer_a.pk]) in body
    rows = {row["metric"].code: row for row in response.context["rows"]}
    assert rows["conversion_rate"]["value"].value == 50
    assert "knowledge_shares" in rows


def test_overview_of_another_person(client, cast, committee):
    url = reverse("metrics:overview") + PERIOD + f"&user={cast.engineer_a.pk}"
    check_access(
        client,
        cast,
        url,
        permitted=["engineer_a", "lead_a", "manager"],
        hidden=["engineer_a2", "sales_a", "engineer_b", "nobody"],
    )
    client.force_login(committee)
    response = client.get(url)
    assert response.context["person"] == cast.engineer_a
    assert 'name="user"' in response.content.decode()  # the person picker of those who see others
    client.force_login(cast.manager)
    assert client.get(reverse("metrics:overview") + "?user=abc").status_code == 404


def test_overview_query_count_is_constant(client, cast):
    c = customer_of(cast.engineer_a, cast.sales_a)
    client.force_login(cast.engineer_a)

    def grow():
        for i in range(5):
            project(c, lead=cast.engineer_a, stage=Stage.LOST, closed_at=at(date(2026, 2, 1 + i)))
            ComplaintFactory(customer=c, against=cast.engineer_a, received_on=date(2026, 2, 1 + i))

    assert_constant_queries(client, reverse("metrics:overview") + PERIOD, grow)
