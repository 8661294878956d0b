"""The research API: access for each member of the cast on every endpoint, constant query counts on
every list, bad input refused with field-level errors and nothing changed, versions, and the flows."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from presales.discovery import services
from presales.discovery.models import (
    RequirementConfirmation,
    RequirementItem,
    ResearchActivity,
    ResearchPlan,
    ResearchReport,
)
from tests.factories.discovery import add_activity, add_item, make_contact, researched
from tests.kit import assert_refused, check_access, count_queries

from .conftest import CONFIRMERS, HIDDEN, RESEARCHERS, VISIBLE

pytestmark = pytest.mark.django_db
JSON = "application/json"


def api(path):
    return f"/api/{path}"


def others(allowed):
    return [n for n in VISIBLE if n not in allowed]


def get_json(client, path, **params):
    response = client.get(api(path), params, HTTP_ACCEPT=JSON)
    assert response.status_code == 200, response.content[:400]
    return response.json()


def plan_body(opp, **changes):
    today = timezone.localdate()
    body = {"opportunity": opp.pk, "goals": "目标", "content": "内容", "methods": ["interview"],
            "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=5)).isoformat()}
    body.update(changes)
    return body


def test_plan_create_refusals_and_access(client, cast, opportunity):
    client.force_login(cast.engineer_a)
    for changes, field in (({"ends_on": "2020-01-01"}, "ends_on"), ({"methods": []}, "methods"),
                           ({"methods": ["magic"]}, "methods"), ({"opportunity": 999999}, "opportunity"),
                           ({"goals": ""}, "goals")):
        assert_refused(client, api("discovery-plans/"), plan_body(opportunity, **changes), fields=[field],
                       models=[ResearchPlan], api=True)
    client.force_login(cast.sales_a)
    assert client.post(api("discovery-plans/"), plan_body(opportunity), content_type=JSON).status_code == 403
    client.force_login(cast.engineer_a)
    response = client.post(api("discovery-plans/"), plan_body(opportunity), content_type=JSON)
    assert response.status_code == 201 and response["ETag"] == '"1"'
    plan_id = response.json()["id"]
    assert client.post(api("discovery-plans/"), plan_body(opportunity), content_type=JSON).status_code == 400
    check_access(client, cast, api("discovery-plans/"), permitted=[*VISIBLE, *HIDDEN], api=True)
    check_access(client, cast, api(f"discovery-plans/{plan_id}/"), permitted=VISIBLE, hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_b)
    assert get_json(client, "discovery-plans/")["count"] == 0


def test_plan_update_needs_the_version(client, cast, opportunity, plan):
    client.force_login(cast.engineer_a)
    path = api(f"discovery-plans/{plan.pk}/")
    assert client.patch(path, {"goals": "x"}, content_type=JSON).status_code == 428
    response = client.patch(path, {"goals": "新目标"}, content_type=JSON, HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.json()["version"] == 2
    assert client.patch(path, {"goals": "再改"}, content_type=JSON, HTTP_IF_MATCH='"1"').status_code == 412
    check_access(client, cast, path, method="patch", data={"goals": "权限", "version": 2}, permitted=[],
                 forbidden=others(RESEARCHERS), hidden=HIDDEN, api=True)


def test_state_and_confirm_actions(client, cast, opportunity, plan):
    item = add_item(cast, opportunity)
    state = api(f"discovery-plans/{plan.pk}/state/")
    check_access(client, cast, state, permitted=VISIBLE, hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_a)
    data = get_json(client, f"discovery-plans/{plan.pk}/state/")
    assert data["progress"] == "awaiting_confirmation" and not data["confirmed"] and data["gate_reasons"]
    path = api(f"discovery-plans/{plan.pk}/confirm/")
    body = {"method": "email", "confirmed_on": timezone.localdate().isoformat(), "signatory_name": "王主任"}
    assert_refused(client, path, body, fields=["reference"], models=[RequirementConfirmation], api=True)
    assert_refused(client, path, {**body, "method": "pigeon"}, fields=["method"], models=[RequirementConfirmation],
                   api=True)
    check_access(client, cast, path, method="post", data={**body, "reference": "邮件确认"}, permitted=CONFIRMERS,
                 forbidden=others(CONFIRMERS), hidden=HIDDEN, api=True, ok=(201, 400),
                 reset=lambda: RequirementConfirmation.objects.all().delete())
    RequirementConfirmation.objects.all().delete()
    client.force_login(cast.sales_a)
    response = client.post(path, {**body, "reference": "邮件确认"}, content_type=JSON)
    assert response.status_code == 201 and response.json()["round"] == 1
    assert client.post(path, {**body, "reference": "again"}, content_type=JSON).json()["code"] == "already_confirmed"
    client.force_login(cast.engineer_a)
    assert get_json(client, f"discovery-plans/{plan.pk}/state/")["confirmed"]
    response = client.patch(api(f"discovery-requirements/{item.pk}/"), {"title": "改了"}, content_type=JSON,
                            HTTP_IF_MATCH='"1"')
    assert response.status_code == 200
    data = get_json(client, f"discovery-plans/{plan.pk}/state/")
    assert not data["confirmed"] and data["changes_since_confirmation"]["changed"] == ["REQ-001"]
    assert "需求确认已过期" in data["gate_reasons"][0]


def test_activity_endpoints(client, cast, opportunity, plan):
    client.force_login(cast.engineer_a)
    contact = make_contact(opportunity.customer)
    when = (timezone.now() - timedelta(hours=1)).isoformat()
    base = {"opportunity": opportunity.pk, "kind": "interview", "subject": "访谈", "scheduled_at": when,
            "customer_contacts": [contact.pk], "our_participants": [cast.engineer_a.pk]}
    assert_refused(client, api("discovery-activities/"), {**base, "done": True, "notes": ""}, fields=["notes"],
                   models=[ResearchActivity], api=True)
    assert_refused(client, api("discovery-activities/"), {**base, "kind": "dance"}, fields=["kind"],
                   models=[ResearchActivity], api=True)
    response = client.post(api("discovery-activities/"), base, content_type=JSON)
    assert response.status_code == 201 and response.json()["status"] == "planned"
    pk = response.json()["id"]
    check_access(client, cast, api(f"discovery-activities/{pk}/"), permitted=VISIBLE, hidden=HIDDEN, api=True)
    done = api(f"discovery-activities/{pk}/done/")
    client.force_login(cast.engineer_a)
    assert_refused(client, done, {"notes": "", "version": 1}, fields=["notes"], models=[ResearchActivity], api=True)
    check_access(client, cast, done, method="post", data={"notes": "记录"}, permitted=[],
                 forbidden=others(RESEARCHERS), hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_a2)
    response = client.post(done, {"notes": "客户想要手机告警", "version": 1}, content_type=JSON)
    assert response.status_code == 200 and response.json()["status"] == "done" and response["ETag"] == '"2"'
    assert client.post(done, {"notes": "again"}, content_type=JSON).status_code == 409
    response = client.patch(api(f"discovery-activities/{pk}/"), {"location": "会议室"}, content_type=JSON,
                            HTTP_IF_MATCH='"2"')
    assert response.status_code == 200 and response.json()["version"] == 3
    upload = SimpleUploadedFile("记录.txt", "访谈记录".encode(), content_type="text/plain")
    response = client.post(api(f"discovery-activities/{pk}/attach/"), {"file": upload, "title": "访谈记录"})
    assert response.status_code == 201 and response.json()["number"].startswith("QD")
    other = add_activity(cast, opportunity)
    cancel = api(f"discovery-activities/{other.pk}/cancel/")
    check_access(client, cast, cancel, method="post", data={}, permitted=[], forbidden=others(RESEARCHERS),
                 hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_a)
    assert client.post(cancel, {"version": 1}, content_type=JSON).json()["status"] == "cancelled"
    assert client.post(cancel, {}, content_type=JSON).status_code == 409


def test_requirement_endpoints(client, cast, opportunity, plan):
    client.force_login(cast.engineer_a)
    base = {"opportunity": opportunity.pk, "title": "告警推送", "priority": "must", "category": "functional"}
    for changes, field in (({"title": ""}, "title"), ({"priority": "urgent"}, "priority"),
                           ({"category": "magic"}, "category")):
        assert_refused(client, api("discovery-requirements/"), {**base, **changes}, fields=[field],
                       models=[RequirementItem], api=True)
    response = client.post(api("discovery-requirements/"), base, content_type=JSON)
    assert response.status_code == 201 and response.json()["code"] == "REQ-001"
    pk = response.json()["id"]
    check_access(client, cast, api(f"discovery-requirements/{pk}/"), permitted=VISIBLE, hidden=HIDDEN, api=True)
    check_access(client, cast, api(f"discovery-requirements/{pk}/"), method="patch", data={"title": "x", "version": 1},
                 permitted=[], forbidden=others(RESEARCHERS), hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_a)
    response = client.patch(api(f"discovery-requirements/{pk}/"), {"status": "withdrawn", "version": 1},
                            content_type=JSON)
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert get_json(client, "discovery-requirements/", status="withdrawn")["count"] == 1


def test_report_endpoints(client, cast, opportunity, plan):
    client.force_login(cast.engineer_a)
    assert_refused(client, api("discovery-reports/"), {"opportunity": opportunity.pk, "summary": ""},
                   fields=["summary"], models=[ResearchReport], api=True)
    response = client.post(api("discovery-reports/"), {"opportunity": opportunity.pk, "summary": "总结"},
                           content_type=JSON)
    assert response.status_code == 201
    pk = response.json()["id"]
    check_access(client, cast, api(f"discovery-reports/{pk}/export/"), permitted=VISIBLE, hidden=HIDDEN, api=True)
    check_access(client, cast, api(f"discovery-reports/{pk}/archive/"), method="post", permitted=RESEARCHERS,
                 forbidden=others(RESEARCHERS), hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_a)
    response = client.patch(api(f"discovery-reports/{pk}/"), {"findings": "发现", "version": 1}, content_type=JSON)
    assert response.status_code == 200
    assert client.patch(api(f"discovery-reports/{pk}/"), {"findings": "x", "version": 1},
                        content_type=JSON).status_code == 412


def test_confirmation_endpoints(client, cast, opportunity):
    researched(cast, opportunity, items=1)
    confirmation = RequirementConfirmation.objects.get()
    check_access(client, cast, api("discovery-confirmations/"), permitted=[*VISIBLE, *HIDDEN], api=True)
    check_access(client, cast, api(f"discovery-confirmations/{confirmation.pk}/"), permitted=VISIBLE, hidden=HIDDEN,
                 api=True)
    check_access(client, cast, api(f"discovery-confirmations/{confirmation.pk}/export/"), permitted=VISIBLE,
                 hidden=HIDDEN, api=True)
    check_access(client, cast, api(f"discovery-confirmations/{confirmation.pk}/archive/"), method="post",
                 permitted=CONFIRMERS, forbidden=others(CONFIRMERS), hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_a)
    data = get_json(client, f"discovery-confirmations/{confirmation.pk}/")
    assert data["round"] == 1 and data["snapshot"][0]["title"] == "需求1"
    assert client.post(api("discovery-confirmations/"), {}, content_type=JSON).status_code == 405


LISTS = ("discovery-plans/", "discovery-activities/", "discovery-requirements/", "discovery-reports/",
         "discovery-confirmations/")


def test_api_lists_queries_constant(client, cast, opportunity):
    researched(cast, opportunity)
    services.report_create(actor=cast.engineer_a, opportunity=opportunity, summary="总结")
    client.force_login(cast.manager)
    before = {path: count_queries(client, api(path), api=True) for path in LISTS}
    for _ in range(3):
        other = researched(cast, items=2)
        services.report_create(actor=cast.engineer_a, opportunity=other, summary="总结")
        add_activity(cast, other, customer_contacts=[make_contact(other.customer)])
    after = {path: count_queries(client, api(path), api=True) for path in LISTS}
    assert before == after


def test_schema_lists_the_endpoints(client, cast):
    client.force_login(cast.engineer_a)
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for path in ("/api/discovery-plans/", "/api/discovery-plans/{id}/confirm/", "/api/discovery-plans/{id}/state/",
                 "/api/discovery-activities/{id}/done/", "/api/discovery-activities/{id}/attach/",
                 "/api/discovery-requirements/", "/api/discovery-reports/{id}/export/",
                 "/api/discovery-confirmations/{id}/archive/"):
        assert path in paths, path
