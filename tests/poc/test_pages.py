"""POC pages: access for each member of the cast, constant query counts, bad input refused with
a field-level message and nothing changed, and the main flows through the forms."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
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
    ReadinessReview,
    ResourceItem,
    Risk,
    ScopeChange,
    SuccessCriterion,
    SyncNote,
)
from tests.factories.poc import add_criterion, complete, make_opportunity, make_poc, measure
from tests.kit import assert_constant_queries, assert_refused, check_access

from .conftest import HIDDEN, REPORTERS, STEERS, VISIBLE, WORKERS, others

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"poc:{name}", args=args)


# --- access -------------------------------------------------------------------------------------------


def test_list_access_and_scope(client, cast, poc):
    secret = make_poc(cast, opportunity=make_opportunity(cast, lead=cast.engineer_a2, confidential=True),
                      actor=cast.engineer_a2)
    check_access(client, cast, url("list"), permitted=[*VISIBLE, *HIDDEN])
    client.force_login(cast.engineer_a)
    body = client.get(url("list")).content.decode()
    assert poc.number in body and secret.number not in body
    client.force_login(cast.engineer_b)
    assert poc.number not in client.get(url("list")).content.decode()
    client.force_login(cast.manager)
    body = client.get(url("list"), {"status": "draft", "q": "BMS"}, HTTP_HX_REQUEST="true").content.decode()
    assert poc.number in body and "<html" not in body


def test_create_access(client, cast):
    check_access(client, cast, url("create"), permitted=["manager", "engineer_a", "engineer_b"],
                 forbidden=["sales_a", "nobody"])


@pytest.mark.parametrize("name, permitted", [
    ("detail", VISIBLE), ("readiness", VISIBLE), ("edit", WORKERS), ("confirmation", WORKERS), ("kickoff", WORKERS),
    ("criterion_create", WORKERS), ("resource_create", WORKERS), ("risk_create", WORKERS),
    ("measurement_create", WORKERS), ("measurement_import", WORKERS), ("post_mortem", WORKERS), ("move", STEERS),
    ("incident_create", REPORTERS), ("scope_change_create", REPORTERS), ("sync_note_create", REPORTERS),
])
def test_poc_page_access(client, cast, poc, name, permitted):
    check_access(client, cast, url(name, poc.pk), permitted=permitted, forbidden=others(permitted), hidden=HIDDEN)


def test_unknown_poc_is_404(client, cast):
    check_access(client, cast, url("detail", 999999), permitted=[], hidden=["manager"])


def test_record_page_access(client, cast, running):
    criterion = running.criteria.first()
    resource = running.resources.first()
    risk = running.risks.first()
    incident = services.incident_open(actor=cast.engineer_a, poc=running, title="断电", occurred_at=timezone.now())
    change = services.scope_change_propose(actor=cast.engineer_a, poc=running, title="追加", description="d",
                                           requested_on=timezone.localdate())
    for name, pk, permitted in (
        ("criterion_edit", criterion.pk, WORKERS), ("resource_edit", resource.pk, WORKERS),
        ("risk_edit", risk.pk, WORKERS), ("incident_respond", incident.pk, REPORTERS),
        ("incident_resolve", incident.pk, REPORTERS), ("scope_change_confirm", change.pk, REPORTERS),
        ("scope_change_reject", change.pk, STEERS),
    ):
        check_access(client, cast, url(name, pk), permitted=permitted, forbidden=others(permitted), hidden=HIDDEN)


@pytest.mark.parametrize("document, fmt", [("confirmation", "pdf"), ("resources", "docx")])
def test_export_access(client, cast, poc, document, fmt):
    check_access(client, cast, url("export", poc.pk, document, fmt), permitted=VISIBLE, hidden=HIDDEN)
    client.force_login(cast.manager)
    assert client.get(url("export", poc.pk, "minutes", "pdf")).status_code == 404
    assert client.get(url("export", poc.pk, "confirmation", "odt")).status_code == 404


def test_coaching_access(client, cast, poc):
    check_access(client, cast, url("coaching"), permitted=["manager", "lead_a"],
                 forbidden=["engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody"])
    client.force_login(cast.lead_a)
    assert poc.number in client.get(url("coaching")).content.decode()


def test_guide_access(client, cast):
    guide = CriterionGuide.objects.first()
    check_access(client, cast, url("guide_list"), permitted=[*VISIBLE, *HIDDEN])
    check_access(client, cast, url("guide_create"), permitted=["manager"], forbidden=["lead_a", "engineer_a", "nobody"])
    check_access(client, cast, url("guide_edit", guide.pk), permitted=["manager"],
                 forbidden=["lead_a", "engineer_a", "nobody"])


def test_history_of_a_poc(client, cast, poc):
    services.poc_update(actor=cast.engineer_a, poc=poc, expected_version=poc.version, title="改名")
    history = reverse("core:history", args=["poc.poc", poc.pk])
    check_access(client, cast, history, permitted=VISIBLE, hidden=HIDDEN)
    client.force_login(cast.engineer_a)
    assert "改名" in client.get(history).content.decode()


# --- query counts ---------------------------------------------------------------------------------------


def test_list_and_coaching_queries_constant(client, cast, running):
    client.force_login(cast.manager)

    def grow():
        for _ in range(3):
            poc = complete(make_poc(cast), cast.engineer_a)
            services.poc_move(actor=cast.engineer_a, poc=poc, to_status="ready")
            services.poc_move(actor=cast.engineer_a, poc=Poc.objects.get(pk=poc.pk), to_status="running")
            poc = Poc.objects.get(pk=poc.pk)
            measure(poc, poc.criteria.first(), cast.engineer_a, 70, 75)
            services.incident_open(actor=cast.engineer_a, poc=poc, title="x",
                                   occurred_at=timezone.now() - timedelta(hours=9))

    counts = {}
    for name in ("list", "coaching"):
        counts[name] = None
    before = {name: None for name in counts}
    from tests.kit import count_queries

    for name in before:
        before[name] = count_queries(client, url(name))
    grow()
    for name in before:
        assert count_queries(client, url(name)) == before[name], name


def test_detail_queries_constant(client, cast, running):
    client.force_login(cast.engineer_a)

    def grow():
        criterion = running.criteria.first()
        measure(running, criterion, cast.engineer_a, 70, 71, 72, 73)
        for i in range(3):
            services.incident_open(actor=cast.engineer_a, poc=running, title=f"事件{i}", occurred_at=timezone.now())
            services.scope_change_propose(actor=cast.engineer_a, poc=running, title=f"追加{i}", description="d",
                                          requested_on=timezone.localdate())
            services.sync_note_create(actor=cast.engineer_a, poc=running, held_on=timezone.localdate(),
                                      attendees="双方", progress="p")
            services.resource_create(actor=cast.engineer_a, poc=running, side="customer", kind="other",
                                     description=f"资源{i}")
            services.risk_create(actor=cast.engineer_a, poc=running, description=f"风险{i}", fallback_plan="退路")
        services.readiness_review(actor=cast.engineer_a, poc=running)

    assert_constant_queries(client, running.get_absolute_url(), grow, at_most=60)


def test_readiness_page_queries_constant(client, cast, poc):
    client.force_login(cast.engineer_a)

    def grow():
        complete(poc, cast.engineer_a)
        services.readiness_review(actor=cast.engineer_a, poc=poc)

    assert_constant_queries(client, url("readiness", poc.pk), grow)


def test_guide_list_queries_constant(client, cast):
    client.force_login(cast.manager)

    def grow():
        for i in range(5):
            services.guide_create(actor=cast.manager, industry="robotics", scenario="机器人", metric=f"指标{i}",
                                  unit="s", direction="lower", pass_text="≤1", excellent_text="≤0.5")

    assert_constant_queries(client, url("guide_list"), grow)


# --- flows and bad input -----------------------------------------------------------------------------------


def test_create_from_an_opportunity(client, cast, opportunity):
    client.force_login(cast.engineer_a)
    page = client.get(url("create"), {"opportunity": opportunity.pk})
    assert opportunity.name in page.content.decode()
    data = {"opportunity": opportunity.pk, "title": "BMS验证", "hypotheses": "假设一\n假设二",
            "planned_start_on": timezone.localdate(), "planned_end_on": timezone.localdate() + timedelta(days=30),
            "next_step": "negotiation", "response_hours": 4}
    response = client.post(url("create"), data)
    poc = Poc.objects.get(title="BMS验证")
    assert response.status_code == 302 and response["Location"] == poc.get_absolute_url()
    assert poc.hypotheses == ["假设一", "假设二"] and poc.customer == opportunity.customer


@pytest.mark.parametrize("changes, field", [
    ({"hypotheses": ""}, "hypotheses"), ({"hypotheses": "一\n二\n三\n四"}, "hypotheses"),
    ({"title": ""}, "title"), ({"response_hours": 0}, "response_hours"),
    ({"planned_end_on": "2020-01-01"}, "planned_end_on"), ({"next_step": "other"}, "next_step_other"),
])
def test_create_refuses_bad_input(client, cast, opportunity, changes, field):
    client.force_login(cast.engineer_a)
    data = {"opportunity": opportunity.pk, "title": "BMS验证", "hypotheses": "假设一",
            "planned_start_on": timezone.localdate(), "planned_end_on": timezone.localdate(), **changes}
    assert_refused(client, url("create"), data, fields=[field], models=[Poc, PocEvent])


def test_create_refuses_an_opportunity_out_of_reach(client, cast):
    foreign = make_opportunity(cast, lead=cast.engineer_b, team=cast.team_b)
    client.force_login(cast.engineer_a)
    assert_refused(client, url("create"), {"opportunity": foreign.pk, "title": "x", "hypotheses": "h"},
                   fields=["opportunity"], models=[Poc])


def test_edit_and_stale_edit(client, cast, poc):
    client.force_login(cast.engineer_a)
    form = {"title": "新标题", "our_company": "华储", "hypotheses": "h1", "version": poc.version}
    assert client.post(url("edit", poc.pk), form).status_code == 302
    assert Poc.objects.get(pk=poc.pk).title == "新标题"
    response = assert_refused(client, url("edit", poc.pk), {**form, "title": "再改"}, models=[Poc])
    assert "version" in response.content.decode()
    assert_refused(client, url("edit", poc.pk), {**form, "version": poc.version + 1, "planned_start_on": "2030-01-02",
                                                 "planned_end_on": "2030-01-01"},
                   fields=["planned_end_on"], models=[Poc])


def test_confirmation_form(client, cast, poc):
    client.force_login(cast.engineer_a)
    today = timezone.localdate()
    assert_refused(client, url("confirmation", poc.pk), {"method": "signed", "our_signatory": "王",
                                                         "our_signed_on": today, "customer_signatory": "陈"},
                   fields=["customer_signed_on"], models=[Poc])
    assert_refused(client, url("confirmation", poc.pk), {"method": "email", "customer_signatory": "陈",
                                                         "customer_signed_on": today},
                   fields=["email_reference"], models=[Poc])
    assert_refused(client, url("confirmation", poc.pk), {"method": "phone"}, fields=["method"], models=[Poc])
    response = client.post(url("confirmation", poc.pk), {"method": "email", "customer_signatory": "陈总",
                                                         "customer_signed_on": today, "email_reference": "同意启动"})
    assert response.status_code == 302 and Poc.objects.get(pk=poc.pk).is_confirmed


def test_kickoff_form(client, cast, poc):
    client.force_login(cast.engineer_a)
    data = {"held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 20, "minutes": "纪要",
            "our_sales_lead": "刘", "our_technical_lead": "张", "our_project_manager": "周",
            "customer_decision_maker": "陈", "customer_technical_contact": "吴", "customer_others": "王\n李"}
    assert_refused(client, url("kickoff", poc.pk), data, fields=["duration_minutes"], models=[KickoffMeeting])
    assert_refused(client, url("kickoff", poc.pk), {**data, "duration_minutes": 30, "minutes": ""},
                   fields=["minutes"], models=[KickoffMeeting])
    assert client.post(url("kickoff", poc.pk), {**data, "duration_minutes": 45}).status_code == 302
    kickoff = KickoffMeeting.objects.get(poc=poc)
    assert kickoff.attendees.count() == 7
    page = client.get(url("kickoff", poc.pk)).content.decode()
    assert 'value="陈"' in page and "王\nLi" not in page


def test_criterion_forms_and_the_guide(client, cast, poc):
    client.force_login(cast.engineer_a)
    guide = CriterionGuide.objects.get(metric="BMS响应时间")
    page = client.get(url("criterion_create", poc.pk), {"guide": guide.pk}).content.decode()
    assert 'value="BMS响应时间"' in page and 'value="80' in page
    data = {"name": "BMS响应时间", "is_key": "on", "unit": "ms", "direction": "lower", "form": "absolute",
            "pass_level": "", "excellent_level": "50", "aggregation": "mean", "sample_size": 3, "guide": guide.pk}
    response = assert_refused(client, url("criterion_create", poc.pk), data, fields=["pass_level"],
                              models=[SuccessCriterion])
    assert "BMS响应时间" in response.content.decode()
    assert client.post(url("criterion_create", poc.pk), {**data, "pass_level": "80"}).status_code == 302
    criterion = SuccessCriterion.objects.get(poc=poc)
    assert criterion.guide == guide
    edit = url("criterion_edit", criterion.pk)
    assert_refused(client, edit, {**data, "pass_level": "80", "excellent_level": "90", "version": criterion.version},
                   fields=["excellent_level"], models=[SuccessCriterion])
    assert client.post(edit, {**data, "pass_level": "70", "version": criterion.version}).status_code == 302
    assert SuccessCriterion.objects.get(pk=criterion.pk).pass_level == Decimal(70)


def test_resource_and_risk_forms(client, cast, poc):
    client.force_login(cast.engineer_a)
    assert_refused(client, url("resource_create", poc.pk), {"side": "ours", "kind": "hour_cap", "description": "工时"},
                   fields=["hours"], models=[ResourceItem])
    assert client.post(url("resource_create", poc.pk), {"side": "ours", "kind": "hour_cap", "description": "工时",
                                                        "hours": "320"}).status_code == 302
    item = ResourceItem.objects.get(poc=poc)
    assert_refused(client, url("resource_edit", item.pk), {"side": "ours", "kind": "hour_cap", "description": "",
                                                           "hours": "1", "version": item.version},
                   fields=["description"], models=[ResourceItem])
    assert client.post(url("resource_edit", item.pk), {"side": "ours", "kind": "hour_cap", "description": "工时",
                                                       "hours": "300", "confirmed": "on",
                                                       "version": item.version}).status_code == 302
    assert_refused(client, url("risk_create", poc.pk), {"description": "", "likelihood": "high", "impact": "high"},
                   fields=["description"], models=[Risk])
    assert client.post(url("risk_create", poc.pk), {"description": "断电", "likelihood": "high", "impact": "high",
                                                    "fallback_plan": "备用电源"}).status_code == 302
    risk = Risk.objects.get(poc=poc)
    assert_refused(client, url("risk_edit", risk.pk), {"description": "断电", "likelihood": "extreme",
                                                       "impact": "high", "version": risk.version},
                   fields=["likelihood"], models=[Risk])
    assert client.post(url("risk_edit", risk.pk), {"description": "断电", "likelihood": "low", "impact": "high",
                                                   "version": risk.version}).status_code == 302


def test_readiness_page_answers_and_snapshot(client, cast, poc):
    client.force_login(cast.engineer_a)
    page = client.get(url("readiness", poc.pk)).content.decode()
    assert 'data-item="16"' in page and "/16" in page
    assert_refused(client, url("readiness", poc.pk), {"item_11": "maybe"}, fields=["item_11"],
                   models=[ReadinessAnswer])
    response = client.post(url("readiness", poc.pk), {"item_11": "yes", "note_11": "样机已到", "item_12": "no"})
    assert response.status_code == 302
    assert dict(ReadinessAnswer.objects.filter(poc=poc).values_list("item", "done")) == {11: True, 12: False}
    assert_refused(client, url("readiness", poc.pk), {"action": "review", "purpose": "nope"}, fields=["purpose"],
                   models=[ReadinessReview])
    response = client.post(url("readiness", poc.pk), {"action": "review", "purpose": "review", "note": "周检"})
    assert response.status_code == 302 and ReadinessReview.objects.get(poc=poc).note == "周检"
    client.force_login(cast.sales_a)  # sees the check, may not answer
    assert client.get(url("readiness", poc.pk)).status_code == 200
    assert client.post(url("readiness", poc.pk), {"item_13": "yes"}).status_code == 403


def test_start_refused_through_the_page_with_the_missing_items(client, cast, poc):
    poc = complete(poc, cast.engineer_a, skip=[11, 12, 13, 16])
    client.force_login(cast.engineer_a)
    assert client.post(url("move", poc.pk), {"to_status": "ready", "version": poc.version}).status_code == 302
    poc.refresh_from_db()
    detail = client.get(poc.get_absolute_url()).content.decode()
    assert "12/16" in detail
    response = assert_refused(client, url("move", poc.pk), {"to_status": "running", "version": poc.version},
                              models=[Poc, PocEvent], text="12/16")
    body = response.content.decode()
    assert "11. " in body and "16. " in body
    assert client.get(url("move", poc.pk), {"to": "running"}).status_code == 200
    assert_refused(client, url("move", poc.pk), {"to_status": "abandoned", "version": poc.version},
                   fields=["reason"], models=[Poc, PocEvent])


def test_measurement_forms(client, cast, running):
    client.force_login(cast.engineer_a)
    criterion = running.criteria.first()
    other = add_criterion(make_poc(cast), cast.engineer_a)
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert_refused(client, url("measurement_create", running.pk), {"criterion": criterion.pk, "measured_at": now,
                                                                   "value": "很快"},
                   fields=["value"], models=[Measurement])
    assert_refused(client, url("measurement_create", running.pk), {"criterion": other.pk, "measured_at": now,
                                                                   "value": "1"},
                   fields=["criterion"], models=[Measurement])
    assert client.post(url("measurement_create", running.pk), {"criterion": criterion.pk, "measured_at": now,
                                                               "value": "72.5"}).status_code == 302
    bad = SimpleUploadedFile("m.csv", "指标,时间,数值\nBMS响应时间,昨天,70\n".encode())
    response = assert_refused(client, url("measurement_import", running.pk), {"file": bad}, fields=["file"],
                              models=[Measurement])
    assert "昨天" in response.content.decode()
    good = SimpleUploadedFile("m.csv", f"指标,时间,数值\nBMS响应时间,{now.replace('T', ' ')},70\n".encode())
    assert client.post(url("measurement_import", running.pk), {"file": good}).status_code == 302
    assert Measurement.objects.filter(poc=running).count() == 2


def test_incident_forms_and_overdue_shown(client, cast, running):
    client.force_login(cast.sales_a)
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert_refused(client, url("incident_create", running.pk), {"title": "断电", "severity": "major",
                                                                "occurred_at": future},
                   fields=["occurred_at"], models=[Incident])
    past = (timezone.localtime() - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url("incident_create", running.pk), {"title": "断电", "severity": "major",
                                                            "occurred_at": past}).status_code == 302
    incident = Incident.objects.get(poc=running)
    assert 'data-testid="overdue"' in client.get(running.get_absolute_url()).content.decode()
    assert_refused(client, url("incident_respond", incident.pk), {"response": "", "version": incident.version},
                   fields=["response"], models=[Incident])
    assert client.post(url("incident_respond", incident.pk), {"response": "已处理",
                                                              "version": incident.version}).status_code == 302
    incident.refresh_from_db()
    assert_refused(client, url("incident_resolve", incident.pk), {"resolution": "", "version": incident.version},
                   fields=["resolution"], models=[Incident])
    assert client.post(url("incident_resolve", incident.pk), {"resolution": "已恢复",
                                                              "version": incident.version}).status_code == 302


def test_scope_change_forms(client, cast, running):
    client.force_login(cast.sales_a)
    future = timezone.localdate() + timedelta(days=2)
    assert_refused(client, url("scope_change_create", running.pk), {"title": "追加", "requested_by_side": "customer",
                                                                    "requested_on": future, "description": "d"},
                   fields=["requested_on"], models=[ScopeChange])
    assert client.post(url("scope_change_create", running.pk), {
        "title": "追加低温", "requested_by_side": "customer", "requested_on": timezone.localdate(),
        "description": "-20°C"}).status_code == 302
    change = ScopeChange.objects.get(poc=running)
    assert_refused(client, url("scope_change_confirm", change.pk), {"side": "customer", "version": change.version},
                   fields=["customer_confirmed_by"], models=[ScopeChange])
    assert client.post(url("scope_change_confirm", change.pk), {
        "side": "customer", "customer_confirmed_by": "陈总", "customer_confirmed_on": timezone.localdate(),
        "customer_confirmation": "邮件", "version": change.version}).status_code == 302
    change.refresh_from_db()
    client.force_login(cast.engineer_a)
    assert_refused(client, url("scope_change_reject", change.pk), {"reason": "", "version": change.version},
                   fields=["reason"], models=[ScopeChange])
    assert client.post(url("scope_change_confirm", change.pk), {"side": "ours",
                                                                "version": change.version}).status_code == 302
    assert ScopeChange.objects.get(pk=change.pk).status == "accepted"


def test_sync_note_form(client, cast, running):
    client.force_login(cast.sales_a)
    assert_refused(client, url("sync_note_create", running.pk), {"held_on": timezone.localdate(), "attendees": "双方",
                                                                 "progress": ""},
                   fields=["progress"], models=[SyncNote])
    assert client.post(url("sync_note_create", running.pk), {"held_on": timezone.localdate(), "attendees": "双方",
                                                             "progress": "完成安装"}).status_code == 302


def test_post_mortem_form(client, cast, running):
    poc = services.poc_move(actor=cast.engineer_a, poc=running, to_status="abandoned", reason="客户叫停")
    client.force_login(cast.engineer_a)
    page = client.get(url("post_mortem", poc.pk)).content.decode()
    assert "16." in page
    data = {"held_on": timezone.localdate(), "problem_kind": "preparation", "summary": "准备不足", "lessons": "逐项确认"}
    assert_refused(client, url("post_mortem", poc.pk), data, fields=["weak_items"], models=[PostMortem])
    assert client.post(url("post_mortem", poc.pk), {**data, "weak_items": ["8", "12"]}).status_code == 302
    assert PostMortem.objects.get(poc=poc).weak_items == [8, 12]
    assert "8, 12" in client.get(poc.get_absolute_url()).content.decode()


def test_guide_forms(client, cast):
    client.force_login(cast.manager)
    data = {"industry": "robotics", "scenario": "", "metric": "换型时间", "unit": "分钟", "direction": "lower",
            "form": "absolute", "pass_level": "30", "pass_text": "≤30分钟", "excellent_text": "≤20分钟",
            "aggregation": "mean", "position": 100, "active": "on"}
    assert_refused(client, url("guide_create"), data, fields=["scenario"], models=[CriterionGuide])
    assert client.post(url("guide_create"), {**data, "scenario": "智能机器人·产线"}).status_code == 302
    guide = CriterionGuide.objects.get(metric="换型时间")
    assert_refused(client, url("guide_edit", guide.pk), {**data, "scenario": "x", "direction": "up",
                                                         "version": guide.version},
                   fields=["direction"], models=[CriterionGuide])
    assert client.post(url("guide_edit", guide.pk), {**data, "scenario": "机器人", "version": guide.version}
                       ).status_code == 302
    assert "换型时间" in client.get(url("guide_list")).content.decode()


def test_detail_shows_the_verdict(client, cast, running):
    measure(running, running.criteria.first(), cast.engineer_a, 45, 50, 40)
    client.force_login(cast.engineer_a)
    body = client.get(running.get_absolute_url()).content.decode()
    assert 'data-testid="overall-verdict"' in body and ("优秀" in body or "Excellent" in body)
