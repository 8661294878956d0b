"""The POC API: access for each member of the cast on every endpoint, constant query counts on
every list, bad input refused with field-level errors and nothing changed, and the flows."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from presales.poc import services
from presales.poc.models import (
    CriterionGuide,
    Incident,
    KickoffMeeting,
    Measurement,
    Poc,
    PocEvent,
    PostMortem,
    ReadinessAnswer,
    ResourceItem,
    Risk,
    ScopeChange,
    SuccessCriterion,
    SyncNote,
)
from tests.factories.poc import KICKOFF_ATTENDEES, complete, make_poc, measure, running_poc
from tests.kit import assert_refused, check_access, count_queries

from .conftest import HIDDEN, REPORTERS, STEERS, VISIBLE, WORKERS, others

pytestmark = pytest.mark.django_db


def api(path):
    return f"/api/{path}"


def get_json(client, path, **params):
    response = client.get(api(path), params, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content[:400]
    return response.json()


# --- POCs ---------------------------------------------------------------------------------------------


def test_poc_list_and_detail_access(client, cast, poc):
    check_access(client, cast, api("pocs/"), permitted=[*VISIBLE, *HIDDEN], api=True)
    check_access(client, cast, api(f"pocs/{poc.pk}/"), permitted=VISIBLE, hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_b)
    assert get_json(client, "pocs/")["count"] == 0
    client.force_login(cast.engineer_a)
    data = get_json(client, f"pocs/{poc.pk}/")
    assert data["number"] == poc.number and data["hypotheses"] == poc.hypotheses


def test_poc_create_and_refusals(client, cast, opportunity):
    client.force_login(cast.engineer_a)
    base = {"opportunity": opportunity.pk, "title": "API创建", "hypotheses": ["假设"]}
    for changes, field in (({"hypotheses": []}, "hypotheses"), ({"hypotheses": ["a", "b", "c", "d"]}, "hypotheses"),
                           ({"title": ""}, "title"), ({"opportunity": 999999}, "opportunity"),
                           ({"response_hours": 0}, "response_hours"), ({"next_step": "other"}, "next_step_other")):
        assert_refused(client, api("pocs/"), {**base, **changes}, fields=[field], models=[Poc, PocEvent], api=True)
    response = client.post(api("pocs/"), base, content_type="application/json")
    assert response.status_code == 201 and response.json()["number"].startswith("POC-")
    assert response["ETag"] == '"1"'
    client.force_login(cast.sales_a)
    assert client.post(api("pocs/"), base, content_type="application/json").status_code == 403


def test_poc_update_needs_the_version(client, cast, poc):
    client.force_login(cast.engineer_a)
    path = api(f"pocs/{poc.pk}/")
    assert client.patch(path, {"title": "x"}, content_type="application/json").status_code == 428
    response = client.patch(path, {"title": "改名"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.json()["version"] == 2
    assert client.patch(path, {"title": "再改"}, content_type="application/json",
                        HTTP_IF_MATCH='"1"').status_code == 412
    response = client.patch(path, {"hypotheses": [], "version": 2}, content_type="application/json")
    assert response.status_code == 400 and "hypotheses" in response.json()["errors"]
    check_access(client, cast, path, method="patch", data={"title": "权限", "version": 2}, permitted=[],
                 forbidden=others(WORKERS),
                 hidden=HIDDEN, api=True)


def test_move_access_and_refusal_lists_missing_items(client, cast, poc):
    path = api(f"pocs/{poc.pk}/move/")
    # draft → running is not a move of the table: whoever may steer reaches that rule (409)
    check_access(client, cast, path, method="post", data={"to_status": "running"}, permitted=STEERS,
                 forbidden=others(STEERS), hidden=HIDDEN, api=True, ok=(409,))
    poc = complete(poc, cast.engineer_a, skip=[11, 12, 13, 16])
    client.force_login(cast.engineer_a)
    assert client.post(path, {"to_status": "ready"}, content_type="application/json").status_code == 200
    response = client.post(path, {"to_status": "running"}, content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_refused" and "12/16" in body["reasons"][0] and "16. " in body["reasons"][0]
    assert_refused(client, path, {"to_status": "abandoned"}, fields=["reason"], models=[Poc, PocEvent], api=True)
    assert_refused(client, path, {"to_status": "flying"}, fields=["to_status"], models=[Poc], api=True)
    services.readiness_answer(actor=cast.engineer_a, poc=poc, item=11, done=True)
    response = client.post(path, {"to_status": "running", "reason": "开始"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "running"


def test_confirmation(client, cast, poc):
    path = api(f"pocs/{poc.pk}/confirmation/")
    today = timezone.localdate().isoformat()
    good = {"method": "signed", "our_signatory": "王", "our_signed_on": today, "customer_signatory": "陈",
            "customer_signed_on": today}
    check_access(client, cast, path, method="post", data=good, permitted=WORKERS, forbidden=others(WORKERS),
                 hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_a)
    assert_refused(client, path, {**good, "customer_signatory": ""}, fields=["customer_signatory"], models=[Poc],
                   api=True)
    assert_refused(client, path, {"method": "fax"}, fields=["method"], models=[Poc], api=True)


def test_kickoff(client, cast, poc):
    path = api(f"pocs/{poc.pk}/kickoff/")
    client.force_login(cast.engineer_a)
    assert client.get(path, HTTP_ACCEPT="application/json").status_code == 404
    good = {"held_at": timezone.now().isoformat(), "duration_minutes": 60, "minutes": "纪要",
            "attendees": KICKOFF_ATTENDEES}
    check_access(client, cast, path, method="post", data=good, permitted=WORKERS, forbidden=others(WORKERS),
                 hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_a)
    assert get_json(client, f"pocs/{poc.pk}/kickoff/")["duration_minutes"] == 60
    check_access(client, cast, path, permitted=VISIBLE, hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_a)
    assert_refused(client, path, {**good, "duration_minutes": 29}, fields=["duration_minutes"],
                   models=[KickoffMeeting], api=True)
    assert_refused(client, path, {**good, "attendees": [{"side": "ours", "role": "decision_maker", "name": "x"}]},
                   fields=["attendees"], models=[KickoffMeeting], api=True)


def test_readiness_endpoints(client, cast, poc):
    check_access(client, cast, api(f"pocs/{poc.pk}/readiness/"), permitted=VISIBLE, hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_a)
    data = get_json(client, f"pocs/{poc.pk}/readiness/")
    assert data["total"] == 16 and data["threshold"] == 13 and len(data["items"]) == 16 and data["missing"]
    answer = api(f"pocs/{poc.pk}/readiness/answer/")
    check_access(client, cast, answer, method="post", data={"item": 11, "done": True}, permitted=WORKERS,
                 forbidden=others(WORKERS), hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_a)
    assert_refused(client, answer, {"item": 5, "done": True}, fields=["item"], models=[ReadinessAnswer], api=True)
    assert_refused(client, answer, {"item": 12}, fields=["done"], models=[ReadinessAnswer], api=True)
    review = api(f"pocs/{poc.pk}/readiness/review/")
    check_access(client, cast, review, method="post", data={"purpose": "review"}, permitted=WORKERS,
                 forbidden=["sales_a"], hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_a)
    assert_refused(client, review, {"purpose": "fun"}, fields=["purpose"], api=True)


def test_verdict_endpoint(client, cast, running):
    measure(running, running.criteria.first(), cast.engineer_a, 70, 72, 74)
    check_access(client, cast, api(f"pocs/{running.pk}/verdict/"), permitted=VISIBLE, hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_a)
    data = get_json(client, f"pocs/{running.pk}/verdict/")
    assert data["level"] == "passed" and data["complete"] and data["criteria"][0]["samples"] == 3


def test_post_mortem_endpoint(client, cast, running):
    path = api(f"pocs/{running.pk}/post-mortem/")
    good = {"held_on": timezone.localdate().isoformat(), "problem_kind": "execution", "summary": "s", "lessons": "l"}
    client.force_login(cast.engineer_a)
    assert_refused(client, path, good, models=[PostMortem], api=True, status=409)
    services.poc_move(actor=cast.engineer_a, poc=running, to_status="abandoned", reason="停")
    assert client.get(path, HTTP_ACCEPT="application/json").status_code == 404
    assert_refused(client, path, {**good, "problem_kind": "preparation"}, fields=["weak_items"], models=[PostMortem],
                   api=True)
    assert_refused(client, path, {**good, "weak_items": [17]}, fields=["weak_items"], models=[PostMortem], api=True)
    check_access(client, cast, path, method="post", data=good, permitted=WORKERS, forbidden=others(WORKERS),
                 hidden=HIDDEN, api=True)
    check_access(client, cast, path, permitted=VISIBLE, hidden=HIDDEN, api=True)


def test_import_endpoint(client, cast, running):
    path = api(f"pocs/{running.pk}/measurements/import/")
    when = timezone.localtime().strftime("%Y-%m-%d %H:%M")

    def good():
        f = io.BytesIO(f"criterion,measured_at,value\nBMS响应时间,{when},70\n".encode())
        f.name = "m.csv"
        return {"file": f}

    for name in (*WORKERS,):
        client.force_login(getattr(cast, name))
        assert client.post(path, good()).status_code == 201
    for name in others(WORKERS):
        client.force_login(getattr(cast, name))
        assert client.post(path, good()).status_code == 403
    for name in HIDDEN:
        client.force_login(getattr(cast, name))
        assert client.post(path, good()).status_code == 404
    client.logout()
    assert client.post(path, good()).status_code in (401, 403)
    client.force_login(cast.engineer_a)
    bad = io.BytesIO(f"criterion,measured_at,value\nBMS响应时间,{when},70\n无此指标,{when},70\nBMS响应时间,x,y\n".encode())
    bad.name = "bad.csv"
    before = Measurement.objects.count()
    response = client.post(path, {"file": bad})
    assert response.status_code == 400 and Measurement.objects.count() == before
    rows = response.json()["rows"]
    assert [r["row"] for r in rows] == [3, 4] and len(rows[1]["errors"]) == 2
    assert client.post(path, {}).status_code == 400


def test_export_endpoint(client, cast, poc):
    path = api(f"pocs/{poc.pk}/export/?document=confirmation&file_format=docx")
    check_access(client, cast, path, permitted=VISIBLE, hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_a)
    response = client.get(api(f"pocs/{poc.pk}/export/"), {"document": "resources", "file_format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    response = client.get(api(f"pocs/{poc.pk}/export/"), {"document": "minutes", "file_format": "pdf"},
                          HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "document" in response.json()["errors"]


def test_coaching_endpoint(client, cast, running):
    check_access(client, cast, api("pocs/coaching/"), permitted=["manager", "lead_a"],
                 forbidden=["engineer_a", "sales_a", "engineer_b", "nobody"], api=True)
    client.force_login(cast.lead_a)
    row = get_json(client, "pocs/coaching/")["results"][0]
    assert row["number"] == running.number and row["kickoff_held"] and row["readiness_score"] == 16


# --- records of a POC -------------------------------------------------------------------------------------


RECORD_ENDPOINTS = {
    "poc-criteria": (SuccessCriterion, WORKERS),
    "poc-resources": (ResourceItem, WORKERS),
    "poc-risks": (Risk, WORKERS),
    "poc-measurements": (Measurement, WORKERS),
    "poc-incidents": (Incident, REPORTERS),
    "poc-scope-changes": (ScopeChange, REPORTERS),
    "poc-sync-notes": (SyncNote, REPORTERS),
}


def good_payload(endpoint, poc, cast, n=[0]):  # noqa: B006 - a counter for unique names
    n[0] += 1
    now, today = timezone.now().isoformat(), timezone.localdate().isoformat()
    return {
        "poc-criteria": {"poc": poc.pk, "name": f"指标{n[0]}", "unit": "ms", "direction": "lower",
                         "pass_level": "80", "is_key": False},
        "poc-resources": {"poc": poc.pk, "side": "customer", "kind": "site", "description": "三号车间"},
        "poc-risks": {"poc": poc.pk, "description": "断电", "fallback_plan": "备用电源"},
        "poc-measurements": {"poc": poc.pk, "criterion": poc.criteria.first().pk, "measured_at": now, "value": "71.5"},
        "poc-incidents": {"poc": poc.pk, "title": "通讯中断", "occurred_at": now},
        "poc-scope-changes": {"poc": poc.pk, "title": "追加", "description": "低温", "requested_on": today},
        "poc-sync-notes": {"poc": poc.pk, "held_on": today, "attendees": "双方", "progress": "安装完成"},
    }[endpoint]


BAD_PAYLOADS = {
    "poc-criteria": ({"pass_level": None}, "pass_level"),
    "poc-resources": ({"kind": "hour_cap"}, "hours"),
    "poc-risks": ({"description": ""}, "description"),
    "poc-measurements": ({"value": "fast"}, "value"),
    "poc-incidents": ({"occurred_at": (timezone.now() + timedelta(days=2)).isoformat()}, "occurred_at"),
    "poc-scope-changes": ({"requested_on": (timezone.localdate() + timedelta(days=2)).isoformat()}, "requested_on"),
    "poc-sync-notes": ({"progress": ""}, "progress"),
}


@pytest.mark.parametrize("endpoint", RECORD_ENDPOINTS)
def test_record_endpoints(client, cast, opportunity, endpoint):
    poc = running_poc(cast, opportunity=opportunity)
    model, writers = RECORD_ENDPOINTS[endpoint]
    if endpoint in ("poc-criteria",):
        poc = complete(make_poc(cast, opportunity=opportunity), cast.engineer_a)
    path = api(f"{endpoint}/")
    check_access(client, cast, path, method="post", data=lambda: good_payload(endpoint, poc, cast),
                 permitted=writers, forbidden=others(writers), api=True, ok=(201,))
    # another team's engineer cannot name a POC they cannot see: "not a valid choice"
    client.force_login(cast.engineer_b)
    assert_refused(client, path, good_payload(endpoint, poc, cast), fields=["poc"], models=[model], api=True)
    client.force_login(cast.engineer_a)
    changes, field = BAD_PAYLOADS[endpoint]
    assert_refused(client, path, {**good_payload(endpoint, poc, cast), **changes}, fields=[field], models=[model],
                   api=True)
    record = model.objects.filter(poc=poc).first()
    check_access(client, cast, api(f"{endpoint}/{record.pk}/"), permitted=VISIBLE, hidden=HIDDEN, api=True)
    check_access(client, cast, path, permitted=[*VISIBLE, *HIDDEN], api=True)
    client.force_login(cast.engineer_b)
    assert get_json(client, f"{endpoint}/")["count"] == 0


@pytest.mark.parametrize("endpoint, field, value", [
    ("poc-criteria", "notes", "补充说明"), ("poc-resources", "confirmed", True), ("poc-risks", "impact", "low"),
])
def test_record_updates(client, cast, opportunity, endpoint, field, value):
    poc = complete(make_poc(cast, opportunity=opportunity), cast.engineer_a)
    model, writers = RECORD_ENDPOINTS[endpoint]
    record = model.objects.filter(poc=poc).first()
    path = api(f"{endpoint}/{record.pk}/")
    check_access(client, cast, path, method="patch", data=lambda: {field: value, "version": 999}, permitted=writers,
                 forbidden=others(writers), hidden=HIDDEN, api=True, ok=(412,))
    client.force_login(cast.engineer_a)
    response = client.patch(path, {field: value}, content_type="application/json",
                            HTTP_IF_MATCH=f'"{record.version}"')
    assert response.status_code == 200 and response.json()[field] == value


def test_criterion_update_refused_once_running(client, cast, running):
    criterion = running.criteria.first()
    client.force_login(cast.engineer_a)
    response = client.patch(api(f"poc-criteria/{criterion.pk}/"), {"pass_level": "1", "version": criterion.version},
                            content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "criteria_frozen"


def test_incident_actions(client, cast, running):
    incident = services.incident_open(actor=cast.engineer_a, poc=running, title="断电",
                                      occurred_at=timezone.now() - timedelta(hours=6))
    client.force_login(cast.engineer_a)
    assert get_json(client, "poc-incidents/", overdue="true")["results"][0]["is_overdue"] is True

    def reopen():
        Incident.objects.filter(pk=incident.pk).update(status="open", responded_at=None, responded_by=None,
                                                       response="", resolved_at=None, resolution="")

    for action, field in (("respond", "response"), ("resolve", "resolution")):
        path = api(f"poc-incidents/{incident.pk}/{action}/")
        check_access(client, cast, path, method="post", data={field: "处理完毕"}, permitted=REPORTERS,
                     forbidden=others(REPORTERS), hidden=HIDDEN, api=True, ok=(200,), reset=reopen)
        reopen()
        client.force_login(cast.engineer_a)
        assert_refused(client, path, {field: " "}, fields=[field], models=[Incident], api=True)


def test_scope_change_actions(client, cast, running):
    change = services.scope_change_propose(actor=cast.sales_a, poc=running, title="追加", description="低温",
                                           requested_on=timezone.localdate())

    def reset():
        ScopeChange.objects.filter(pk=change.pk).update(status="proposed", our_confirmed_by=None,
                                                        our_confirmed_at=None, customer_confirmed_by="",
                                                        customer_confirmed_on=None, customer_confirmation="")

    confirm = api(f"poc-scope-changes/{change.pk}/confirm/")
    check_access(client, cast, confirm, method="post", data={"side": "ours"}, permitted=STEERS,
                 forbidden=others(STEERS), hidden=HIDDEN, api=True, ok=(200,), reset=reset)
    reset()
    client.force_login(cast.sales_a)
    assert_refused(client, confirm, {"side": "customer", "customer_confirmed_by": "陈总"},
                   fields=["customer_confirmed_on", "customer_confirmation"], models=[ScopeChange], api=True)
    response = client.post(confirm, {"side": "customer", "customer_confirmed_by": "陈总",
                                     "customer_confirmed_on": timezone.localdate().isoformat(),
                                     "customer_confirmation": "邮件确认"}, content_type="application/json")
    assert response.json()["status"] == "proposed"
    client.force_login(cast.lead_a)
    response = client.post(confirm, {"side": "ours"}, content_type="application/json")
    assert response.json()["status"] == "accepted"
    reset()
    reject = api(f"poc-scope-changes/{change.pk}/reject/")
    check_access(client, cast, reject, method="post", data={"reason": "超范围"}, permitted=STEERS,
                 forbidden=others(STEERS), hidden=HIDDEN, api=True, ok=(200,), reset=reset)
    reset()
    client.force_login(cast.engineer_a)
    assert_refused(client, reject, {"reason": ""}, fields=["reason"], models=[ScopeChange], api=True)


def test_guide_endpoints(client, cast):
    guide = CriterionGuide.objects.first()
    check_access(client, cast, api("poc-guide/"), permitted=[*VISIBLE, *HIDDEN], api=True)
    check_access(client, cast, api(f"poc-guide/{guide.pk}/"), permitted=[*VISIBLE, *HIDDEN], api=True)
    data = {"industry": "robotics", "scenario": "智能机器人·产线", "metric": "换型时间", "unit": "分钟",
            "direction": "lower", "pass_level": "30", "pass_text": "≤30分钟", "excellent_text": "≤20分钟"}
    client.force_login(cast.engineer_a)
    assert client.post(api("poc-guide/"), data, content_type="application/json").status_code == 403
    client.force_login(cast.manager)
    assert_refused(client, api("poc-guide/"), {**data, "direction": "up"}, fields=["direction"],
                   models=[CriterionGuide], api=True)
    assert_refused(client, api("poc-guide/"), {**data, "metric": "BMS响应时间", "scenario": "新型储能·BMS"},
                   fields=["__all__"], models=[CriterionGuide], api=True)
    assert client.post(api("poc-guide/"), data, content_type="application/json").status_code == 201
    response = client.patch(api(f"poc-guide/{guide.pk}/"), {"active": False}, content_type="application/json",
                            HTTP_IF_MATCH=f'"{guide.version}"')
    assert response.status_code == 200 and response.json()["active"] is False


# --- query counts ------------------------------------------------------------------------------------------


LISTS = ["pocs/", "pocs/coaching/", "poc-criteria/", "poc-resources/", "poc-risks/", "poc-measurements/",
         "poc-incidents/", "poc-scope-changes/", "poc-sync-notes/", "poc-guide/"]


def test_api_lists_queries_constant(client, cast, running):
    client.force_login(cast.manager)

    def add(poc):
        measure(poc, poc.criteria.first(), cast.engineer_a, 70, 71)
        services.incident_open(actor=cast.engineer_a, poc=poc, title="x", occurred_at=timezone.now())
        services.scope_change_propose(actor=cast.engineer_a, poc=poc, title="追加", description="d",
                                      requested_on=timezone.localdate())
        services.sync_note_create(actor=cast.engineer_a, poc=poc, held_on=timezone.localdate(), attendees="双方",
                                  progress="p")

    add(running)
    services.guide_create(actor=cast.manager, industry="robotics", scenario="s", metric="m0", unit="s",
                          direction="lower", pass_text="p", excellent_text="e")
    before = {path: count_queries(client, api(path), api=True) for path in LISTS}
    for _ in range(2):
        add(running_poc(cast))
    for i in range(3):
        services.guide_create(actor=cast.manager, industry="robotics", scenario="s", metric=f"m{i + 1}", unit="s",
                              direction="lower", pass_text="p", excellent_text="e")
    after = {path: count_queries(client, api(path), api=True) for path in LISTS}
    assert before == after


def test_schema_lists_the_poc_endpoints(client, cast):
    client.force_login(cast.engineer_a)
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for path in ("/api/pocs/", "/api/pocs/{id}/move/", "/api/pocs/{id}/readiness/", "/api/pocs/{id}/verdict/",
                 "/api/pocs/{id}/measurements/import/", "/api/pocs/coaching/", "/api/poc-criteria/",
                 "/api/poc-incidents/{id}/respond/", "/api/poc-scope-changes/{id}/confirm/", "/api/poc-guide/"):
        assert path in paths, path


def test_stats_endpoint_and_figures(client, cast, running):
    from decimal import Decimal

    from presales.poc.selectors import poc_stats
    from tests.factories.poc import make_opportunity

    measure(running, running.criteria.first(), cast.engineer_a, 40, 40, 40)
    services.poc_move(actor=cast.engineer_a, poc=running, to_status="evaluating")
    services.poc_move(actor=cast.engineer_a, poc=Poc.objects.get(pk=running.pk), to_status="passed")
    other = running_poc(cast)
    services.poc_move(actor=cast.engineer_a, poc=other, to_status="abandoned", reason="停")
    services.resource_create(actor=cast.engineer_a, poc=make_poc(cast), side="ours", kind="hour_cap",
                             description="工时", hours=Decimal(100))
    lost = make_opportunity(cast, stage="lost")
    make_opportunity(cast, stage="lost")
    Poc.objects.filter(pk=other.pk).update(opportunity=lost)
    stats = poc_stats(user=cast.manager)
    assert (stats.total, stats.open, stats.passed, stats.abandoned, stats.excellent) == (3, 1, 1, 1, 1)
    assert stats.success_rate == 50.0 and stats.average_days is not None and stats.average_days < 1
    assert stats.committed_hours == Decimal(100)
    assert (stats.lost_opportunities, stats.lost_after_poc, stats.lost_after_poc_share) == (2, 1, 50.0)
    assert poc_stats(user=cast.engineer_b).total == 0
    check_access(client, cast, api("pocs/stats/"), permitted=["manager", "lead_a"],
                 forbidden=["engineer_a", "sales_a", "nobody"], api=True)
    client.force_login(cast.manager)
    assert get_json(client, "pocs/stats/")["success_rate"] == 50.0
    client.force_login(cast.lead_a)
    body = client.get("/poc/coaching/").content.decode()
    assert 'data-testid="poc-stats"' in body and "50.0%" in body
