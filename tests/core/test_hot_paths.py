"""The hot endpoints of issue 15 keep their query counts and payload sizes: a request by a process
that has served the user before (roles and led teams kept: accounts.authz) costs exactly the
queries pinned here, whatever the number of rows; the POC API answers in a bounded number of bytes
per POC. A change that adds a query or fattens a payload must update these figures on purpose
(and docs/benchmarks.md, issue 15)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.poc import add_criterion, make_opportunity, make_poc

pytestmark = pytest.mark.django_db

# name -> (url, API?); the counts are in PINNED, for a manager and for a presales engineer (team scope)
HOT = {
    "poc list API": ("/api/pocs/?page_size=100", True),
    "poc detail API": ("/api/pocs/{poc}/", True),
    "board by stage": ("/opportunities/board/", False),
    "board by progress": ("/opportunities/board/?by=progress", False),
    "board cards by stage": ("/opportunities/board/cards/demo_poc/", False),
    "board cards by progress": ("/opportunities/board/cards/validating/?by=progress", False),
    "opportunity list": ("/opportunities/", False),
    "my work": ("/insights/my-work/", False),
    "opportunity detail": ("/opportunities/{opportunity}/", False),
    "support list": ("/support/", False),
    "customer list": ("/customers/", False),
}


def grow(cast, n):
    pocs = []
    for i in range(n):
        opportunity = make_opportunity(cast, members=[cast.engineer_a2], name=f"热点项目{i}")
        poc = make_poc(cast, opportunity=opportunity)
        add_criterion(poc, cast.engineer_a)
        add_criterion(poc, cast.engineer_a, name="吞吐量", unit="TPS", direction="higher", pass_level=100,
                      excellent_level=200, is_key=False)
        pocs.append(poc)
    return pocs


def warm_count(client, url, api):
    headers = {"HTTP_ACCEPT": "application/json"} if api else {}
    assert client.get(url, **headers).status_code == 200  # the process has served this user
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("who", ["manager", "engineer_a"])
@pytest.mark.parametrize("name", list(HOT))
def test_hot_endpoint_queries_are_pinned_and_flat(client, cast, name, who):
    path, api = HOT[name]
    client.force_login(getattr(cast, who))
    first = grow(cast, 2)
    url = path.format(poc=first[0].pk, opportunity=first[0].opportunity_id)
    small, _ = warm_count(client, url, api)
    grow(cast, 6)
    large, _ = warm_count(client, url, api)
    assert small == large, f"{name}: {small} queries with 2 POCs, {large} with 8 (N+1?)"
    assert large == PINNED[(name, who)], f"{name} as {who}: {large} queries, pinned {PINNED[(name, who)]}"


PINNED = {
    # The list: session, user, the page with its total (core.pagination.CountedBy, one statement).
    ("poc list API", "manager"): 3,
    ("poc list API", "engineer_a"): 3,
    ("poc detail API", "manager"): 4,
    ("poc detail API", "engineer_a"): 4,
    # The board's page: session, user, column totals (BoardTotal for a manager, a GROUP BY for a
    # team member), the filter selects (teams, presales leads, sales owners), the unread badge.
    ("board by stage", "manager"): 7,
    ("board by stage", "engineer_a"): 7,
    ("board by progress", "manager"): 7,
    ("board by progress", "engineer_a"): 7,
    # One column's cards (loaded by the page, htmx): session, user, the cards, their probabilities.
    ("board cards by stage", "manager"): 4,
    ("board cards by stage", "engineer_a"): 4,
    ("board cards by progress", "manager"): 4,
    ("board cards by progress", "engineer_a"): 4,
    ("opportunity list", "manager"): 8,
    ("opportunity list", "engineer_a"): 8,
    # my work: the sections' totals are window counts of their list query (no second query); the
    # KPIs, the status chart and the weekly responses are one grouped aggregate.
    ("my work", "manager"): 11,
    ("my work", "engineer_a"): 9,
    # The opportunity page, the panels of the other apps included; a gate shared by several moves
    # (solution, POC, demo) is asked once; the communications and their total are one query; a
    # manager's customer scope is every customer (no query). The gates and the panels read the
    # POCs, demos, bids and solutions once (`on_page`); the research figures are one statement.
    ("opportunity detail", "manager"): 14,
    ("opportunity detail", "engineer_a"): 15,
    ("support list", "manager"): 7,
    ("support list", "engineer_a"): 7,
    ("customer list", "manager"): 7,
    ("customer list", "engineer_a"): 7,
}


def test_poc_list_payload_per_poc(client, cast):
    grow(cast, 5)
    client.force_login(cast.manager)
    response = client.get("/api/pocs/?page_size=100", HTTP_ACCEPT="application/json")
    body = response.json()
    assert body["count"] == 5 and len(body["results"]) == 5
    assert "criteria" not in body["results"][0]  # the list stays lean: criteria are in the detail
    per_poc = len(response.content) / 5
    assert per_poc < 1100, f"{per_poc:.0f} bytes per POC in the list"


def test_poc_detail_embeds_its_criteria_with_their_levels(client, cast, django_assert_max_num_queries):
    poc = grow(cast, 1)[0]
    client.force_login(cast.engineer_a)
    response = client.get(f"/api/pocs/{poc.pk}/", HTTP_ACCEPT="application/json")
    criteria = response.json()["criteria"]
    listed = client.get(f"/api/poc-criteria/?poc={poc.pk}", HTTP_ACCEPT="application/json").json()["results"]
    assert criteria == listed  # the same records, as the criteria endpoint shows them
    assert [(c["name"], c["pass_level"], c["excellent_level"]) for c in criteria] == [
        ("BMS响应时间", "80.000000", "50.000000"), ("吞吐量", "100.000000", "200.000000")]
    assert len(response.content) < 1200 + 1100 * len(criteria)
    assert json.loads(response.content)["number"] == poc.number


@pytest.mark.parametrize("who", ["manager", "engineer_a"])
def test_poc_api_with_a_token_costs_two_or_three_queries(client, cast, who):
    """As the benchmark calls it (bench/speed.py poc): the token (with its user), then the page
    with its total for the list, the POC and its criteria for the detail — flat with the data."""
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=getattr(cast, who)).key
    headers = {"HTTP_ACCEPT": "application/json", "HTTP_AUTHORIZATION": f"Token {key}"}
    first = grow(cast, 2)
    for url, expected in (("/api/pocs/?page_size=100", 2), (f"/api/pocs/{first[0].pk}/", 3)):
        assert client.get(url, **headers).status_code == 200
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url, **headers).status_code == 200
            counts.append(len(ctx.captured_queries))
            grow(cast, 3)
        assert counts == [expected, expected], f"{url} as {who}: {counts} queries"
