"""Support request API: the same rules as the pages; lifecycle steps as POST actions with a
version; 400 / 403 / 404 / 409 / 412 / 428 answers with their reasons."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from presales.support import services
from presales.support.models import SupportRequest, SupportRequestEvent
from tests.factories import CustomerFactory, make_user
from tests.factories.support import OpportunityFactory, SupportRequestFactory
from tests.kit import assert_constant_queries, assert_refused, check_access, snapshot

pytestmark = pytest.mark.django_db

MODELS = [SupportRequest, SupportRequestEvent]


def payload(for_customer, **kw):
    data = {
        "customer": for_customer.pk,
        "title": "投标技术答疑",
        "request_type": "bid",
        "priority": "normal",
        "description": "招标文件第五章技术参数需要确认",
        "wanted_by": (timezone.now() + timedelta(days=2)).isoformat(),
    }
    data.update(kw)
    return data


def post(client, url, data=None, **headers):
    return client.post(url, data or {}, content_type="application/json", **headers)


def test_list_and_detail_access(client, cast, new_request):
    check_access(
        client,
        cast,
        reverse("support-request-list"),
        api=True,
        permitted=["manager", "engineer_a", "sales_a", "engineer_b", "nobody"],
    )
    check_access(
        client,
        cast,
        reverse("support-request-detail", args=[new_request.pk]),
        api=True,
        permitted=["manager", "lead_a", "engineer_a", "sales_a"],
        hidden=["engineer_b", "nobody"],
    )
    client.force_login(cast.engineer_b)
    assert client.get(reverse("support-request-list")).json()["count"] == 0
    client.force_login(cast.sales_a)
    response = client.get(reverse("support-request-detail", args=[new_request.pk]))
    body = response.json()
    assert response["ETag"] == '"1"'
    assert body["number"] == new_request.number and body["response_state"] == "running"
    assert body["due_state"] == "on_time" and body["response_hours"] is None


def test_list_filters(client, cast, customer, new_request):
    now = timezone.now()
    late = SupportRequestFactory(
        customer=customer,
        submitted_at=now - timedelta(hours=9),
        response_due_at=now - timedelta(hours=1),
        wanted_by=now + timedelta(days=1),
    )
    client.force_login(cast.manager)
    url = reverse("support-request-list")

    def ids(**params):
        return {row["id"] for row in client.get(url, params).json()["results"]}

    assert ids(response="overdue") == {late.pk}
    assert ids(overdue="true") == {late.pk}
    assert ids(customer=customer.pk) == {late.pk, new_request.pk}
    assert ids(opportunity=new_request.opportunity_id) == {new_request.pk}
    assert ids(status="new", priority="high") == {new_request.pk}
    assert [r["id"] for r in client.get(url, {"ordering": "response_due_at"}).json()["results"]] == [
        late.pk,
        new_request.pk,
    ]


def test_list_queries_constant(client, cast, customer, new_request):
    client.force_login(cast.manager)

    def grow():
        for i in range(10):
            SupportRequestFactory(customer=customer, assignee=cast.engineer_a if i % 2 else None)

    assert_constant_queries(client, reverse("support-request-list"), grow, api=True)


def test_create(client, cast, customer, opportunity):
    url = reverse("support-request-list")
    check_access(
        client,
        cast,
        url,
        method="post",
        api=True,
        data=lambda: payload(customer),
        permitted=["sales_a", "engineer_a", "manager"],
        forbidden=["nobody"],
        ok=(201,),
    )
    client.force_login(cast.sales_a)
    response = post(client, url, payload(customer, opportunity=opportunity.pk, priority="urgent"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["ETag"] == '"1"' and body["status"] == "new" and body["number"].startswith("ZC-")
    assert body["team"] == cast.team_a.pk and body["requester"] == cast.sales_a.pk
    assert SupportRequestEvent.objects.filter(request_id=body["id"], action="submitted").count() == 1


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"title": ""}, "title"),
        ({"request_type": "magic"}, "request_type"),
        ({"priority": "asap"}, "priority"),
        ({"wanted_by": "not a time"}, "wanted_by"),
        ({"wanted_by": None}, "wanted_by"),
        ({"customer": None}, "customer"),
        ({"customer": 999999}, "customer"),
    ],
)
def test_create_refuses_bad_input(client, cast, customer, bad, field):
    client.force_login(cast.sales_a)
    assert_refused(
        client,
        reverse("support-request-list"),
        payload(customer, **bad),
        fields=[field],
        models=MODELS,
        api=True,
    )


def test_create_refuses_broken_rules(client, cast, customer):
    client.force_login(cast.sales_a)
    url = reverse("support-request-list")
    past = (timezone.now() - timedelta(minutes=1)).isoformat()
    response = assert_refused(
        client, url, payload(customer, wanted_by=past), fields=["wanted_by"], models=MODELS, api=True
    )
    assert response.json()["code"] == "invalid"
    foreign = OpportunityFactory(
        customer=CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    )
    assert_refused(
        client,
        url,
        payload(customer, opportunity=foreign.pk),
        fields=["opportunity"],
        models=MODELS,
        api=True,
    )
    hidden = CustomerFactory(presales_owner=cast.engineer_b, sales_owner=make_user("sales"))
    client.force_login(cast.engineer_a)
    assert_refused(client, url, payload(hidden), fields=["customer"], models=MODELS, api=True)


def test_no_update_no_delete(client, cast, new_request):
    client.force_login(cast.manager)
    url = reverse("support-request-detail", args=[new_request.pk])
    assert (
        client.patch(url, {"title": "x"}, content_type="application/json", HTTP_IF_MATCH='"1"').status_code
        == 405
    )
    assert client.delete(url).status_code == 405


def test_assign_action(client, cast, new_request):
    url = reverse("support-request-assign", args=[new_request.pk])
    data = {"assignee": cast.engineer_a.pk, "version": 1}
    check_access(
        client,
        cast,
        url,
        method="post",
        api=True,
        data=data,
        permitted=[],
        forbidden=["engineer_a", "sales_a"],
        hidden=["engineer_b", "nobody"],
    )
    client.force_login(cast.lead_a)
    assert post(client, url, {"assignee": cast.engineer_a.pk}).status_code == 428
    assert_refused(
        client, url, {"assignee": cast.sales_a.pk, "version": 1}, fields=["assignee"], models=MODELS, api=True
    )
    assert_refused(
        client, url, {"assignee": 999999, "version": 1}, fields=["assignee"], models=MODELS, api=True
    )
    response = post(client, url, data)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "assigned" and response["ETag"] == '"2"'
    stale = post(client, url, {"assignee": cast.engineer_a2.pk}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    ok = post(client, url, {"assignee": cast.engineer_a2.pk}, HTTP_IF_MATCH='"2"')
    assert ok.status_code == 200 and ok.json()["assignee"] == cast.engineer_a2.pk


def test_respond_action(client, cast, assigned_request):
    url = reverse("support-request-respond", args=[assigned_request.pk])
    check_access(
        client,
        cast,
        url,
        method="post",
        api=True,
        data={"note": "收到", "version": 2},
        permitted=[],
        forbidden=["manager", "lead_a", "sales_a"],
        hidden=["engineer_b"],
    )
    client.force_login(cast.engineer_a)
    assert_refused(client, url, {"note": "", "version": 2}, fields=["note"], models=MODELS, api=True)
    assert_refused(client, url, {"note": "x", "version": "two"}, fields=["version"], models=MODELS, api=True)
    response = post(client, url, {"note": "收到，下午联系客户", "version": 2})
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    assert response.json()["response_state"] == "met" and response.json()["response_hours"] >= 0


def test_complete_action_refused_with_reasons_then_done(client, cast, assigned_request):
    url = reverse("support-request-complete", args=[assigned_request.pk])
    check_access(
        client,
        cast,
        url,
        method="post",
        api=True,
        data={"outcome": "x", "version": 2},
        permitted=[],
        forbidden=["lead_a", "sales_a"],
        hidden=["nobody"],
    )
    client.force_login(cast.engineer_a)
    before = snapshot(*MODELS)
    refused = post(client, url, {"outcome": "已交付", "version": 2})
    assert refused.status_code == 409
    assert refused.json()["code"] == "transition_refused" and refused.json()["reasons"]
    assert snapshot(*MODELS) == before
    services.support_request_respond(actor=cast.engineer_a, support_request=assigned_request, note="开始")
    assert_refused(client, url, {"outcome": " ", "version": 3}, fields=["outcome"], models=MODELS, api=True)
    done = post(client, url, {"outcome": "已交付方案", "version": 3})
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["done_at"]


def test_cancel_action(client, cast, new_request):
    url = reverse("support-request-cancel", args=[new_request.pk])
    check_access(
        client,
        cast,
        url,
        method="post",
        api=True,
        data={"reason": "x", "version": 1},
        permitted=[],
        forbidden=["engineer_a", "lead_a"],
        hidden=["engineer_b", "nobody"],
    )
    client.force_login(cast.sales_a)
    assert_refused(client, url, {"reason": "", "version": 1}, fields=["reason"], models=MODELS, api=True)
    response = post(client, url, {"reason": "客户推迟采购", "version": 1})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = post(client, url, {"reason": "again", "version": 2})
    assert again.status_code == 409 and again.json()["reasons"]


def test_events_endpoint(client, cast, in_progress_request):
    url = reverse("support-request-event-list")
    check_access(client, cast, url, api=True, permitted=["manager", "engineer_a", "nobody"])
    client.force_login(cast.engineer_a)
    rows = client.get(url, {"request": in_progress_request.pk}).json()["results"]
    assert [r["action"] for r in rows] == ["submitted", "assigned", "responded"]
    assert rows[1]["assignee"] == cast.engineer_a.pk and rows[1]["actor_name"] == str(cast.lead_a)
    event = SupportRequestEvent.objects.filter(request=in_progress_request).first()
    check_access(
        client,
        cast,
        reverse("support-request-event-detail", args=[event.pk]),
        api=True,
        permitted=["sales_a", "lead_a"],
        hidden=["engineer_b", "nobody"],
    )
    client.force_login(cast.engineer_b)
    assert client.get(url).json()["count"] == 0


def test_events_queries_constant(client, cast, assigned_request):
    client.force_login(cast.manager)

    def grow():
        req = services.support_request_respond(
            actor=cast.engineer_a, support_request=assigned_request, note="收到"
        )
        for i in range(6):
            services.support_request_respond(actor=cast.engineer_a, support_request=req, note=f"进展{i}")

    assert_constant_queries(client, reverse("support-request-event-list"), grow, api=True)


def test_schema_lists_the_actions(client, cast):
    client.force_login(cast.engineer_a)
    paths = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for action in ("assign", "respond", "complete", "cancel"):
        assert f"/api/support-requests/{{id}}/{action}/" in paths
    assert "/api/support-request-events/" in paths
