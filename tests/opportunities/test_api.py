"""Opportunity API: the same rules as the pages, ETag/If-Match, 409 with reasons on a refused move."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from presales.opportunities.choices import Outcome, Stage
from presales.opportunities.models import Handover, Opportunity, Retrospective, StageEvent
from tests.factories import CustomerFactory
from tests.factories.opportunities import (
    HandoverFactory,
    OpportunityFactory,
    RetrospectiveFactory,
    add_communication,
    ready_for_negotiation,
)
from tests.kit import assert_constant_queries, assert_refused, check_access

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def customer(cast):
    return CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)


@pytest.fixture
def opp(cast, customer):
    return OpportunityFactory(customer=customer, presales_lead=cast.engineer_a, stage=Stage.DISCOVERY)


def payload(customer, **kw):
    return {"name": "电网巡检无人机平台", "customer": customer.pk, "source": "partner", **kw}


def test_list_and_detail_access(client, cast, opp):
    check_access(
        client, cast, reverse("opportunity-list"), api=True, permitted=["manager", "engineer_a", "nobody"]
    )
    check_access(
        client,
        cast,
        reverse("opportunity-detail", args=[opp.pk]),
        api=True,
        permitted=["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a"],
        hidden=["engineer_b", "nobody"],
    )
    client.force_login(cast.engineer_b)
    assert client.get(reverse("opportunity-list")).json()["count"] == 0
    client.force_login(cast.engineer_a)
    body = client.get(reverse("opportunity-detail", args=[opp.pk]))
    assert body["ETag"] == '"1"' and body.json()["stage"] == "discovery"
    assert body.json()["early_involvement_seconds"] == 0


def test_list_filters_share_the_pages_filterset(client, cast, customer, opp):
    OpportunityFactory(customer=customer, stage=Stage.WON)
    client.force_login(cast.manager)
    url = reverse("opportunity-list")
    assert [o["id"] for o in client.get(url, {"stage": "discovery"}).json()["results"]] == [opp.pk]
    assert client.get(url, {"status": "closed"}).json()["count"] == 1
    assert client.get(url, {"q": opp.number}).json()["count"] == 1
    assert client.get(url, {"stage": "bogus"}).status_code == 400


def test_list_queries_constant(client, cast, customer, opp):
    client.force_login(cast.manager)

    def grow():
        for _ in range(10):
            o = OpportunityFactory(customer=customer, presales_lead=cast.engineer_a)
            o.members.add(cast.engineer_a2, cast.lead_a)

    assert_constant_queries(client, reverse("opportunity-list"), grow, api=True)


def test_create(client, cast, customer):
    url = reverse("opportunity-list")
    check_access(
        client,
        cast,
        url,
        method="post",
        api=True,
        data=payload(customer),
        permitted=["engineer_a", "manager"],
        forbidden=["nobody"],
        ok=(201,),
    )
    client.force_login(cast.sales_a)
    response = client.post(
        url,
        payload(customer, presales_lead=cast.engineer_a.pk, estimated_amount="880000.00"),
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert response["ETag"] == '"1"' and data["number"].startswith("SJ-") and data["stage"] == "lead"
    assert data["presales_lead_name"] == str(cast.engineer_a) and data["estimated_amount"] == "880000.00"
    assert data["early_involvement_seconds"] == 0


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"name": ""}, "name"),
        ({"source": "rumour"}, "source"),
        ({"industry": "moon"}, "industry"),
        ({"estimated_amount": "-1"}, "estimated_amount"),
        ({"budget": "lots"}, "budget"),
        ({"sales_owner": 0}, "sales_owner"),
        ({"presales_lead": "SALES"}, "presales_lead"),
        ({"members": ["SALES"]}, "members"),
    ],
)
def test_create_refuses_bad_input(client, cast, customer, bad, field):
    people = {"SALES": cast.sales_a.pk}
    bad = {
        k: ([people.get(x, x) for x in v] if isinstance(v, list) else people.get(v, v))
        for k, v in bad.items()
    }
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        reverse("opportunity-list"),
        payload(customer, **bad),
        fields=[field],
        models=[Opportunity, StageEvent],
        api=True,
    )


def test_create_refuses_a_customer_out_of_scope(client, cast, customer):
    client.force_login(cast.engineer_b)
    assert_refused(
        client,
        reverse("opportunity-list"),
        payload(customer),
        fields=["customer"],
        models=[Opportunity],
        api=True,
    )


def test_update_requires_version_and_refuses_stale(client, cast, opp):
    url = reverse("opportunity-detail", args=[opp.pk])
    client.force_login(cast.engineer_a)
    etag = client.get(url)["ETag"]
    assert client.patch(url, {"competitors": "华为"}, content_type=JSON).status_code == 428
    ok = client.patch(
        url, {"competitors": "华为", "members": [cast.engineer_a2.pk]}, content_type=JSON, HTTP_IF_MATCH=etag
    )
    assert ok.status_code == 200 and ok["ETag"] == '"2"' and ok.json()["members"] == [cast.engineer_a2.pk]
    stale = client.patch(url, {"competitors": "阿里云"}, content_type=JSON, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    opp.refresh_from_db()
    assert opp.competitors == "华为"
    bad = client.patch(url, {"budget": "-5", "version": 2}, content_type=JSON)
    assert bad.status_code == 400 and "budget" in bad.json()["errors"]
    check_access(
        client,
        cast,
        url,
        method="patch",
        api=True,
        data={"description": "x", "version": 99},
        permitted=[],
        forbidden=["engineer_a2"],
        hidden=["engineer_b", "nobody"],
    )


def test_stage_customer_and_lead_are_read_only_on_update(client, cast, opp):
    client.force_login(cast.manager)
    url = reverse("opportunity-detail", args=[opp.pk])
    client.patch(
        url,
        {"stage": "won", "presales_lead": cast.engineer_a2.pk, "number": "X", "version": 1},
        content_type=JSON,
    )
    opp.refresh_from_db()
    assert (
        opp.stage == Stage.DISCOVERY and opp.presales_lead == cast.engineer_a and opp.number.startswith("SJ-")
    )


def test_moves_lists_reasons(client, cast, opp):
    url = reverse("opportunity-moves", args=[opp.pk])
    check_access(
        client, cast, url, api=True, permitted=["manager", "engineer_a", "sales_a"], hidden=["engineer_b"]
    )
    client.force_login(cast.sales_a)
    moves = {m["to_stage"]: m for m in client.get(url).json()}
    assert set(moves) == {"solution", "lost", "abandoned", "lead"}
    assert moves["solution"]["kind"] == "forward" and not moves["solution"]["permitted"]
    assert moves["solution"]["reasons"] and not moves["solution"]["ready"]
    assert moves["lost"]["permitted"] and not moves["lost"]["allowed"] and not moves["lost"]["can_override"]
    assert moves["lead"]["ready"] and moves["lead"]["kind"] == "back"


@pytest.mark.usefixtures("foundation_gates")
def test_move_refused_with_reasons_then_done(client, cast, opp):
    url = reverse("opportunity-move", args=[opp.pk])
    client.force_login(cast.engineer_a)
    assert client.post(url, {"to_stage": "solution"}, content_type=JSON).status_code == 428
    refused = assert_refused(
        client,
        url,
        {"to_stage": "solution", "version": 1},
        models=[Opportunity, StageEvent],
        api=True,
        status=409,
    )
    assert refused.json()["code"] == "transition_refused" and len(refused.json()["reasons"]) == 1
    add_communication(opp)
    done = client.post(
        url, {"to_stage": "solution", "reason": "调研完成"}, content_type=JSON, HTTP_IF_MATCH='"1"'
    )
    assert done.status_code == 200 and done.json()["stage"] == "solution" and done["ETag"] == '"2"'
    stale = client.post(url, {"to_stage": "demo_poc"}, content_type=JSON, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412


@pytest.mark.parametrize(
    "data, field, status",
    [
        ({"to_stage": "bogus", "version": 1}, "to_stage", 400),
        ({"to_stage": "won", "version": 1}, "to_stage", 400),
        ({"to_stage": "lead", "version": 1}, "reason", 400),
        ({"to_stage": "solution", "override": True, "version": 1}, None, 403),  # not a manager
    ],
)
def test_move_refuses_bad_input(client, cast, opp, data, field, status):
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        reverse("opportunity-move", args=[opp.pk]),
        data,
        fields=[field] if field else [],
        models=[Opportunity, StageEvent],
        api=True,
        status=status,
    )


def test_move_access_and_override(client, cast, opp):
    url = reverse("opportunity-move", args=[opp.pk])
    check_access(
        client,
        cast,
        url,
        method="post",
        api=True,
        data={"to_stage": "lead", "reason": "r", "version": 1},
        permitted=[],
        forbidden=["engineer_a2"],
        hidden=["engineer_b", "nobody"],
    )
    client.force_login(cast.manager)
    assert_refused(
        client,
        url,
        {"to_stage": "solution", "override": True, "version": 1},
        fields=["reason"],
        models=[Opportunity, StageEvent],
        api=True,
    )
    response = client.post(
        url,
        {"to_stage": "solution", "override": True, "reason": "客户已邮件确认", "version": 1},
        content_type=JSON,
    )
    assert response.status_code == 200
    event = StageEvent.objects.get(to_stage=Stage.SOLUTION)
    events = client.get(reverse("stage-event-list"), {"opportunity": opp.pk}).json()["results"]
    assert events[0]["id"] == event.pk and events[0]["overridden"] and events[0]["overridden_reasons"]


def test_assign_lead(client, cast, customer):
    unled = OpportunityFactory(customer=customer)
    url = reverse("opportunity-assign-lead", args=[unled.pk])
    check_access(
        client,
        cast,
        url,
        method="post",
        api=True,
        data={"presales_lead": cast.engineer_a.pk},
        permitted=[],
        forbidden=["sales_a"],
        hidden=["engineer_b"],
    )
    client.force_login(cast.lead_a)
    assert_refused(
        client,
        url,
        {"presales_lead": cast.sales_a.pk},
        fields=["presales_lead"],
        models=[Opportunity],
        api=True,
    )
    assert_refused(
        client, url, {"presales_lead": 0}, fields=["presales_lead"], models=[Opportunity], api=True
    )
    response = client.post(
        url, {"presales_lead": cast.engineer_a.pk, "reason": "行业经验", "version": 1}, content_type=JSON
    )
    assert response.status_code == 200 and response.json()["presales_lead"] == cast.engineer_a.pk
    assert response.json()["presales_assigned_at"] is not None and response["ETag"] == '"2"'


def test_stage_events_are_read_only_and_scoped(client, cast, customer, opp):
    secret = OpportunityFactory(customer=customer, confidential=True, presales_lead=cast.engineer_a2)
    mine = StageEvent.objects.create(opportunity=opp, from_stage="", to_stage=Stage.LEAD, actor=cast.sales_a)
    hidden = StageEvent.objects.create(
        opportunity=secret, from_stage="", to_stage=Stage.LEAD, actor=cast.sales_a
    )
    check_access(client, cast, reverse("stage-event-list"), api=True, permitted=["engineer_a", "nobody"])
    check_access(
        client,
        cast,
        reverse("stage-event-detail", args=[mine.pk]),
        api=True,
        permitted=["engineer_a", "manager"],
        hidden=["engineer_b"],
    )
    check_access(
        client,
        cast,
        reverse("stage-event-detail", args=[hidden.pk]),
        api=True,
        permitted=["engineer_a2"],
        hidden=["engineer_a"],
    )
    client.force_login(cast.engineer_a)
    assert [e["id"] for e in client.get(reverse("stage-event-list")).json()["results"]] == [mine.pk]
    assert client.post(reverse("stage-event-list"), {}, content_type=JSON).status_code == 405
    client.force_login(cast.manager)
    listed = lambda **q: [e["id"] for e in client.get(reverse("stage-event-list"), q).json()["results"]]  # noqa: E731
    assert listed(opportunity=secret.pk) == [hidden.pk] and listed(to_stage="discovery") == []
    assert listed(overridden="false") == [hidden.pk, mine.pk]
    client.force_login(cast.engineer_a)

    def grow():
        for _ in range(10):
            StageEvent.objects.create(
                opportunity=opp, from_stage=Stage.LEAD, to_stage=Stage.DISCOVERY, actor=cast.engineer_a
            )

    assert_constant_queries(client, reverse("stage-event-list"), grow, api=True)


def retro_payload(opp, **kw):
    return {
        "opportunity": opp.pk,
        "outcome": "lost",
        "summary": "价格高",
        "lessons": "提早摸底",
        "held_on": timezone.localdate().isoformat(),
        **kw,
    }


def test_retrospectives(client, cast, customer, opp):
    url = reverse("retrospective-list")
    check_access(
        client,
        cast,
        url,
        method="post",
        api=True,
        data=lambda: retro_payload(opp),
        permitted=["engineer_a"],
        forbidden=["engineer_a2"],
        ok=(201,),
        reset=lambda: Retrospective.objects.all().delete(),
    )
    Retrospective.objects.all().delete()
    client.force_login(cast.engineer_a)
    response = client.post(url, retro_payload(opp), content_type=JSON)
    assert response.status_code == 201 and response["ETag"] == '"1"'
    retro_id = response.json()["id"]
    assert_refused(client, url, retro_payload(opp), fields=["opportunity"], models=[Retrospective], api=True)
    detail = reverse("retrospective-detail", args=[retro_id])
    check_access(client, cast, detail, api=True, permitted=["engineer_a", "sales_a"], hidden=["engineer_b"])
    client.force_login(cast.sales_a)
    assert client.patch(detail, {"lessons": "x"}, content_type=JSON).status_code == 428
    ok = client.patch(detail, {"lessons": "更早让决策者参与"}, content_type=JSON, HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok.json()["lessons"] == "更早让决策者参与" and ok["ETag"] == '"2"'
    assert client.patch(detail, {"lessons": "y"}, content_type=JSON, HTTP_IF_MATCH='"1"').status_code == 412
    # The opportunity is set at creation only: another value is refused, naming the field (#16).
    moved = client.patch(detail, {"opportunity": 0, "summary": "z", "version": 2}, content_type=JSON)
    assert moved.status_code == 400 and "opportunity" in moved.json()
    assert Retrospective.objects.get().summary != "z"
    assert client.patch(detail, {"summary": "z", "version": 2}, content_type=JSON).status_code == 200
    assert Retrospective.objects.get().opportunity == opp
    assert client.get(url, {"opportunity": opp.pk}).json()["count"] == 1
    assert client.get(url, {"opportunity": opp.pk + 1000}).json()["count"] == 0

    def grow():
        for _ in range(5):
            RetrospectiveFactory(
                opportunity=OpportunityFactory(customer=customer, presales_lead=cast.engineer_a)
            )

    client.force_login(cast.manager)
    assert_constant_queries(client, url, grow, api=True)


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"summary": ""}, "summary"),
        ({"outcome": "draw"}, "outcome"),
        ({"held_on": "2999-01-01"}, "held_on"),
        ({"held_on": "yesterday"}, "held_on"),
        ({"opportunity": 0}, "opportunity"),
    ],
)
def test_retrospective_refuses_bad_input(client, cast, opp, bad, field):
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        reverse("retrospective-list"),
        retro_payload(opp, **bad),
        fields=[field],
        models=[Retrospective],
        api=True,
    )


def test_retrospective_of_a_hidden_opportunity_is_refused(client, cast, opp):
    client.force_login(cast.engineer_b)
    assert_refused(
        client,
        reverse("retrospective-list"),
        retro_payload(opp),
        fields=["opportunity"],
        models=[Retrospective],
        api=True,
    )


def handover_payload(cast, opp, **kw):
    return {
        "opportunity": opp.pk,
        "delivery_owner": cast.engineer_a2.pk,
        "handover_on": "2030-03-01",
        "responsibilities": "实施与验收",
        **kw,
    }


def test_handovers(client, cast, customer):
    negotiating = OpportunityFactory(
        customer=customer, stage=Stage.NEGOTIATION, presales_lead=cast.engineer_a, **ready_for_negotiation()
    )
    url = reverse("handover-list")
    check_access(
        client,
        cast,
        url,
        method="post",
        api=True,
        data=handover_payload(cast, negotiating),
        permitted=["engineer_a"],
        forbidden=["engineer_a2"],
        ok=(201,),
        reset=lambda: Handover.objects.all().delete(),
    )
    Handover.objects.all().delete()
    client.force_login(cast.engineer_a)
    response = client.post(url, handover_payload(cast, negotiating), content_type=JSON)
    assert response.status_code == 201
    detail = reverse("handover-detail", args=[response.json()["id"]])
    check_access(
        client, cast, detail, api=True, permitted=["engineer_a", "manager"], hidden=["engineer_b", "nobody"]
    )
    client.force_login(cast.engineer_a)
    ok = client.patch(detail, {"notes": "春节前上线"}, content_type=JSON, HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok.json()["notes"] == "春节前上线"
    # now winning needs only the retrospective
    RetrospectiveFactory(opportunity=negotiating, outcome=Outcome.WON)
    move = client.post(
        reverse("opportunity-move", args=[negotiating.pk]),
        {"to_stage": "won", "version": 1},
        content_type=JSON,
    )
    assert move.status_code == 200 and move.json()["closed_at"] is not None

    def grow():
        for _ in range(5):
            HandoverFactory(opportunity=OpportunityFactory(customer=customer, stage=Stage.WON))

    client.force_login(cast.manager)
    assert_constant_queries(client, url, grow, api=True)


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"responsibilities": ""}, "responsibilities"),
        ({"delivery_owner": 0}, "delivery_owner"),
        ({"handover_on": ""}, "handover_on"),
    ],
)
def test_handover_refuses_bad_input(client, cast, customer, bad, field):
    negotiating = OpportunityFactory(
        customer=customer, stage=Stage.NEGOTIATION, presales_lead=cast.engineer_a
    )
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        reverse("handover-list"),
        handover_payload(cast, negotiating, **bad),
        fields=[field],
        models=[Handover],
        api=True,
    )


def test_handover_refused_in_an_early_stage(client, cast, opp):
    client.force_login(cast.engineer_a)
    response = assert_refused(
        client,
        reverse("handover-list"),
        handover_payload(cast, opp),
        fields=["opportunity"],
        models=[Handover],
        api=True,
    )
    assert response.json()["code"] == "handover_not_allowed"


def test_schema_documents_the_endpoints(client, cast):
    client.force_login(cast.manager)
    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/opportunities/",
        "/api/opportunities/{id}/move/",
        "/api/opportunities/{id}/moves/",
        "/api/opportunities/{id}/assign-lead/",
        "/api/stage-events/",
        "/api/retrospectives/",
        "/api/handovers/{id}/",
    ):
        assert path in paths, path
    assert "409" in paths["/api/opportunities/{id}/move/"]["post"]["responses"]


def test_decimal_amounts_round_trip(client, cast, customer):
    client.force_login(cast.manager)
    response = client.post(
        reverse("opportunity-list"),
        payload(
            customer,
            estimated_amount="1234567.89",
            expected_close_on=str(timezone.localdate() + timedelta(days=30)),
        ),
        content_type=JSON,
    )
    assert Opportunity.objects.get(pk=response.json()["id"]).estimated_amount == Decimal("1234567.89")
