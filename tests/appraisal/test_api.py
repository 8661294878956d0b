"""The appraisal API: access per person, the steps, refusals (field errors, 409, 412), query counts."""

from decimal import Decimal

import pytest

from presales.appraisal import services
from presales.appraisal.api.serializers import SCORE_FIELDS
from presales.appraisal.choices import Step
from presales.appraisal.models import Adjustment, Appraisal, Cycle, SourceEntry
from tests.factories.accounts import make_user
from tests.factories.appraisal import hand_items, make_scheme, published, running_cycle, to_committee
from tests.kit import assert_constant_queries, assert_refused, check_access

pytestmark = pytest.mark.django_db

EVERYONE = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody"]


def api(path):
    return f"/api/{path}"


def post(client, path, data, **headers):
    return client.post(
        api(path), data, content_type="application/json", HTTP_ACCEPT="application/json", **headers
    )


def test_cycles_endpoints(client, cast, committee, cycle, scheme):
    check_access(client, cast, api("appraisal-cycles/"), permitted=EVERYONE, api=True)
    check_access(
        client,
        cast,
        api(f"appraisal-cycles/{cycle.pk}/"),
        api=True,
        permitted=["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a"],
        hidden=["engineer_b", "nobody"],
    )
    client.force_login(committee)
    data = {
        "name": "Q3",
        "kind": "quarterly",
        "year": 2026,
        "quarter": 3,
        "start_on": "2026-07-01",
        "end_on": "2026-09-30",
        "weight_self": "10",
        "weight_supervisor": "50",
        "weight_customer": "20",
        "weight_peer": "20",
    }
    response = post(client, "appraisal-cycles/", data)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["grade_bands"][0]["grade"] == "S"
    assert_refused(
        client,
        api("appraisal-cycles/"),
        {**data, "weight_peer": "25", "quarter": 7},
        api=True,
        fields=["weight_self", "quarter"],
        models=[Cycle],
    )
    client.force_login(cast.lead_a)
    assert post(client, "appraisal-cycles/", data).status_code == 403
    client.force_login(committee)
    path = f"appraisal-cycles/{created['id']}/"
    response = client.patch(api(path), {"name": "Q3改"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.json()["name"] == "Q3改"
    response = client.patch(api(path), {"name": "旧"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 412
    response = post(client, f"{path}participants/", {"employee": cast.engineer_a2.pk, "scheme": scheme.pk})
    assert response.status_code == 201, response.content
    assert post(client, f"{path}participants/", {"employee": 99999, "scheme": scheme.pk}).status_code == 400
    assert post(client, f"{path}open/", {}).status_code == 200
    assert post(client, f"{path}compute/", {}).status_code == 200
    response = post(client, f"{path}close/", {})
    assert response.status_code == 409 and response.json()["reasons"]


def test_appraisal_endpoints_and_flow(client, cast, committee, appraisal):
    check_access(client, cast, api("appraisals/"), permitted=EVERYONE, api=True)
    check_access(
        client,
        cast,
        api(f"appraisals/{appraisal.pk}/"),
        api=True,
        permitted=["manager", "lead_a", "engineer_a"],
        hidden=["engineer_a2", "sales_a", "engineer_b", "nobody"],
    )
    path = f"appraisals/{appraisal.pk}/"
    items = hand_items(appraisal)
    values = {str(i.indicator_id): ("4" if i.indicator.data_source == "manual" else "85") for i in items}
    client.force_login(cast.engineer_a)
    own = client.get(api(path), HTTP_ACCEPT="application/json").json()
    assert own["status"] and all(own[name] is None for name in SCORE_FIELDS)  # same keys, withheld
    assert client.get(api(f"{path}scorecard/"), HTTP_ACCEPT="application/json").status_code == 403
    rating = next(i for i in items if i.indicator.data_source == "manual")
    assert_refused(
        client,
        api(f"{path}entries/"),
        {"source": "self", "values": {str(rating.indicator_id): "x"}},
        api=True,
        fields=[f"value_{rating.indicator_id}"],
        models=[SourceEntry],
    )
    assert (
        post(client, f"{path}entries/", {"source": "self", "values": values, "summary": "API"}).status_code
        == 200
    )
    response = post(client, f"{path}move/", {"to_status": "supervisor_review", "version": 1})
    assert response.status_code == 412
    response = post(client, f"{path}move/", {"to_status": "published"})
    assert response.status_code == 409
    assert post(client, f"{path}move/", {"to_status": "supervisor_review"}).status_code == 200
    client.force_login(cast.lead_a)
    assert post(client, f"{path}entries/", {"source": "supervisor", "values": values}).status_code == 200
    assert post(client, f"{path}move/", {"to_status": "feedback"}).status_code == 200
    client.force_login(cast.engineer_a2)  # a peer (same team) may enter 360° values, not see the appraisal
    assert client.get(api(path), HTTP_ACCEPT="application/json").status_code == 404
    assert (
        post(
            client, f"{path}entries/", {"source": "peer", "values": {str(rating.indicator_id): "5"}}
        ).status_code
        == 200
    )
    client.force_login(cast.lead_a)
    assert post(client, f"{path}move/", {"to_status": "committee_review"}).status_code == 200
    client.force_login(committee)
    assert_refused(
        client,
        api(f"{path}adjustments/"),
        {"points": "3", "reason": ""},
        api=True,
        fields=["reason"],
        models=[Adjustment],
    )
    assert post(client, f"{path}adjustments/", {"points": "3", "reason": "攻坚"}).status_code == 201
    response = client.get(api(f"{path}scorecard/"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    card = response.json()
    assert len(card["scores"]) == 3 and all(s["explanation"] for s in card["scores"])
    assert post(client, f"{path}publish/", {}).status_code == 200
    assert post(client, f"{path}adjustments/", {"points": "3", "reason": "再调"}).status_code == 400
    client.force_login(cast.engineer_a)
    assert post(client, f"{path}appeal/", {}).status_code == 400
    assert post(client, f"{path}appeal/", {"reason": "复核"}).status_code == 200
    client.force_login(committee)
    assert post(client, f"{path}answer/", {"outcome": "rejected", "answer": "维持"}).status_code == 200
    client.force_login(cast.engineer_a)
    response = post(client, f"{path}acknowledge/", {})
    assert response.status_code == 200 and response.json()["status"] == Step.ACKNOWLEDGED
    assert client.get(api(f"{path}scorecard/"), HTTP_ACCEPT="application/json").status_code == 200


def test_scores_entries_adjustments_lists(client, cast, committee, cycle):
    a = published(cycle.appraisals.get(employee=cast.engineer_a), cast, committee=committee)
    b = to_committee(cycle.appraisals.get(employee=cast.engineer_a2), cast, committee=committee)
    services.adjustment_add(actor=committee, appraisal=b, points=2, reason="x")
    for endpoint in ("appraisal-scores/", "appraisal-entries/", "appraisal-adjustments/"):
        check_access(client, cast, api(endpoint), permitted=EVERYONE, api=True)
    client.force_login(cast.engineer_a2)  # own scores hidden before publication
    own = client.get(api(f"appraisals/{b.pk}/"), HTTP_ACCEPT="application/json").json()
    assert set(SCORE_FIELDS) <= set(own) and all(own[name] is None for name in SCORE_FIELDS)
    listed = client.get(api("appraisals/"), HTTP_ACCEPT="application/json").json()["results"]
    assert [row["adjustment"] for row in listed if row["id"] == b.pk] == [None]
    ids = {
        row["appraisal"]
        for row in client.get(api("appraisal-scores/"), HTTP_ACCEPT="application/json").json()["results"]
    }
    assert ids == set()
    client.force_login(cast.engineer_a)
    ids = {
        row["appraisal"]
        for row in client.get(api("appraisal-scores/"), HTTP_ACCEPT="application/json").json()["results"]
    }
    assert ids == {a.pk}
    client.force_login(cast.lead_a)
    ids = {
        row["appraisal"]
        for row in client.get(api("appraisal-scores/"), HTTP_ACCEPT="application/json").json()["results"]
    }
    assert ids == {a.pk, b.pk}
    seen = client.get(api(f"appraisals/{b.pk}/"), HTTP_ACCEPT="application/json").json()  # the supervisor
    assert Decimal(seen["adjustment"]) == 2 and seen["weighted_total"] is not None
    client.force_login(cast.engineer_b)
    assert client.get(api("appraisal-adjustments/"), HTTP_ACCEPT="application/json").json()["count"] == 0


def test_api_lists_constant_queries(client, cast, committee):
    scheme = make_scheme()
    cycle = running_cycle(cast, committee=committee, scheme=scheme, people=[cast.engineer_a])
    published(cycle.appraisals.get(), cast, committee=committee)
    client.force_login(committee)
    n = [0]

    def grow():
        for _ in range(3):
            n[0] += 1
            person = make_user("presales_engineer", team=cast.team_a, username=f"api{n[0]}")
            extra = services.participant_add(
                actor=committee, cycle=cycle, employee=person, scheme=scheme, supervisor=cast.lead_a
            )
            published(extra, cast, committee=committee)

    for endpoint in (
        "appraisal-cycles/",
        "appraisals/",
        "appraisal-scores/",
        "appraisal-entries/",
        "appraisal-adjustments/",
    ):
        assert_constant_queries(client, api(endpoint), grow, api=True)
    assert Appraisal.objects.count() > 3


def test_score_entry_adjustment_details_follow_the_list_scope(client, cast, committee, cycle):
    """Each row of the scores, entries and adjustments lists opens on its own; a colleague of
    another team gets 404 for the same id, as for one that does not exist."""
    a = published(cycle.appraisals.get(employee=cast.engineer_a), cast, committee=committee)
    b = to_committee(cycle.appraisals.get(employee=cast.engineer_a2), cast, committee=committee)
    services.adjustment_add(actor=committee, appraisal=b, points=2, reason="跨部门协作加分")
    for endpoint in ("appraisal-scores/", "appraisal-entries/", "appraisal-adjustments/"):
        client.force_login(cast.lead_a)
        rows = client.get(api(endpoint), HTTP_ACCEPT="application/json").json()["results"]
        assert rows, endpoint
        row = rows[0]
        detail = client.get(api(f"{endpoint}{row['id']}/"), HTTP_ACCEPT="application/json")
        assert detail.status_code == 200 and detail.json() == row, endpoint
        assert detail.json()["appraisal"] in {a.pk, b.pk}
        client.force_login(cast.engineer_b)
        assert client.get(api(f"{endpoint}{row['id']}/"), HTTP_ACCEPT="application/json").status_code == 404
    client.force_login(cast.lead_a)
    adjustment = client.get(api("appraisal-adjustments/"), HTTP_ACCEPT="application/json").json()["results"][0]
    assert adjustment["reason"] == "跨部门协作加分"
