"""Research pages: access for each member of the cast, constant query counts, bad input refused with
a field-level message and nothing changed, stale edits refused, and the flows through the forms."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from presales.discovery.choices import ActivityStatus
from presales.discovery.models import (
    RequirementConfirmation,
    RequirementItem,
    ResearchActivity,
    ResearchPlan,
    ResearchReport,
)
from presales.opportunities.choices import Stage
from tests.factories.discovery import (
    add_activity,
    add_item,
    confirm,
    make_contact,
    make_opportunity,
    researched,
)
from tests.kit import assert_constant_queries, assert_refused, check_access

from .conftest import CONFIRMERS, HIDDEN, RESEARCHERS, VISIBLE

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"discovery:{name}", args=args)


def others(allowed):
    return [n for n in VISIBLE if n not in allowed]


# --- access -------------------------------------------------------------------------------------------


def test_list_access_scope_and_filters(client, cast, opportunity):
    secret = make_opportunity(cast, lead=cast.engineer_a2, confidential=True, members=[], name="保密商机")
    check_access(client, cast, url("list"), permitted=[*VISIBLE, *HIDDEN])
    client.force_login(cast.engineer_a)
    body = client.get(url("list")).content.decode()
    assert opportunity.number in body and secret.number not in body
    client.force_login(cast.engineer_b)
    assert opportunity.number not in client.get(url("list")).content.decode()
    client.force_login(cast.manager)
    body = client.get(url("list"), {"progress": "not_started", "q": "储能"}, HTTP_HX_REQUEST="true").content.decode()
    assert opportunity.number in body and "<html" not in body
    assert opportunity.number not in client.get(url("list"), {"progress": "confirmed"}).content.decode()
    assert opportunity.number not in client.get(url("list"), {"mine": "true"}).content.decode()  # not involved
    client.force_login(cast.engineer_a)
    assert opportunity.number in client.get(url("list"), {"mine": "true", "stage": "discovery"}).content.decode()


def test_list_queries_constant(client, cast):
    researched(cast)
    client.force_login(cast.manager)

    def grow():
        for _ in range(3):
            researched(cast, items=2, confirmed=False)

    assert_constant_queries(client, url("list"), grow)


def test_workspace_access(client, cast, opportunity, plan):
    check_access(client, cast, url("workspace", opportunity.pk), permitted=VISIBLE, hidden=HIDDEN)
    client.force_login(cast.engineer_a)
    assert client.get(url("workspace", 999999)).status_code == 404


def test_workspace_queries_constant(client, cast, opportunity):
    researched(cast, opportunity, items=1)
    client.force_login(cast.manager)

    def grow():
        contact = make_contact(opportunity.customer, name="新联系人")
        for i in range(3):
            activity = add_activity(cast, opportunity, done=True, customer_contacts=[contact],
                                    our_participants=[cast.engineer_a, cast.engineer_a2])
            add_item(cast, opportunity, title=f"更多需求{i}", source_activity=activity, source_contact=contact)
        confirm(cast, opportunity)

    assert_constant_queries(client, url("workspace", opportunity.pk), grow)


@pytest.mark.parametrize("name", ["plan", "activity_create", "item_create", "report"])
def test_opportunity_form_access(client, cast, opportunity, plan, name):
    check_access(client, cast, url(name, opportunity.pk), permitted=RESEARCHERS, forbidden=others(RESEARCHERS),
                 hidden=HIDDEN)


def test_confirm_form_access(client, cast, opportunity, plan):
    add_item(cast, opportunity)
    check_access(client, cast, url("confirm", opportunity.pk), permitted=CONFIRMERS, forbidden=others(CONFIRMERS),
                 hidden=HIDDEN)


def test_record_form_access(client, cast, opportunity, plan):
    activity = add_activity(cast, opportunity)
    item = add_item(cast, opportunity)
    for name, pk in (("activity_edit", activity.pk), ("activity_complete", activity.pk),
                     ("activity_cancel", activity.pk), ("activity_attach", activity.pk), ("item_edit", item.pk)):
        check_access(client, cast, url(name, pk), permitted=RESEARCHERS, forbidden=others(RESEARCHERS), hidden=HIDDEN)


def test_closed_opportunity_is_read_only(client, cast):
    closed = make_opportunity(cast, stage=Stage.LOST)
    check_access(client, cast, url("plan", closed.pk), permitted=[], forbidden=VISIBLE, hidden=HIDDEN)
    client.force_login(cast.engineer_a)
    assert url("plan", closed.pk) not in client.get(url("workspace", closed.pk)).content.decode()


# --- flows ---------------------------------------------------------------------------------------------


def plan_data(**changes):
    today = timezone.localdate()
    data = {"goals": "摸清现状", "content": "流程、系统、痛点", "methods": ["interview", "questionnaire"],
            "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=10)).isoformat()}
    data.update(changes)
    return data


def test_plan_form_creates_then_edits_and_refuses_stale(client, cast, opportunity):
    client.force_login(cast.engineer_a)
    assert client.get(url("plan", opportunity.pk)).status_code == 200
    response = client.post(url("plan", opportunity.pk), plan_data(our_participants=[cast.engineer_a.pk]))
    assert response.status_code == 302 and response["Location"].endswith("#plan")
    plan = ResearchPlan.objects.get(opportunity=opportunity)
    assert plan.methods == ["interview", "questionnaire"]
    body = client.get(url("plan", opportunity.pk)).content.decode()
    assert "摸清现状" in body
    assert client.post(url("plan", opportunity.pk), plan_data(goals="新目标", version=1)).status_code == 302
    assert_refused(client, url("plan", opportunity.pk), plan_data(goals="过期的修改", version=1), models=[ResearchPlan],
                   text="version")


@pytest.mark.parametrize("changes, field", [
    ({"ends_on": "2020-01-01"}, "ends_on"),
    ({"methods": []}, "methods"),
    ({"goals": ""}, "goals"),
])
def test_plan_form_bad_input(client, cast, opportunity, changes, field):
    client.force_login(cast.engineer_a)
    assert_refused(client, url("plan", opportunity.pk), plan_data(**changes), fields=[field], models=[ResearchPlan])


def test_activity_forms(client, cast, opportunity, plan):
    client.force_login(cast.engineer_a2)
    contact = make_contact(opportunity.customer)
    when = (timezone.localtime() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url("activity_create", opportunity.pk), {
        "kind": "site_visit", "subject": "参观储能电站", "scheduled_at": when, "customer_contacts": [contact.pk]})
    assert response.status_code == 302
    activity = ResearchActivity.objects.get(opportunity=opportunity)
    assert list(activity.customer_contacts.all()) == [contact]
    assert_refused(client, url("activity_complete", activity.pk), {"notes": "", "version": 1}, fields=["notes"],
                   models=[ResearchActivity])
    assert client.get(url("activity_complete", activity.pk)).status_code == 200
    assert client.post(url("activity_complete", activity.pk), {"notes": "看到了现场", "version": 1}).status_code == 302
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DONE
    assert client.get(url("activity_edit", activity.pk)).status_code == 200
    assert client.post(url("activity_edit", activity.pk), {
        "kind": "site_visit", "subject": "参观储能电站（二期）", "scheduled_at": when, "notes": "看到了现场",
        "version": 2}).status_code == 302
    assert_refused(client, url("activity_edit", activity.pk), {
        "kind": "site_visit", "subject": "过期", "scheduled_at": when, "notes": "x", "version": 2},
        models=[ResearchActivity], text="version")
    assert_refused(client, url("activity_create", opportunity.pk), {"kind": "interview", "subject": "",
                                                                    "scheduled_at": when},
                   fields=["subject"], models=[ResearchActivity])


def test_activity_cancel_form(client, cast, opportunity, plan):
    activity = add_activity(cast, opportunity)
    client.force_login(cast.engineer_a)
    assert client.post(url("activity_cancel", activity.pk), {"version": 1}).status_code == 302
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CANCELLED
    response = client.post(url("activity_cancel", activity.pk), {"version": 2})
    assert response.status_code == 200 and "planned" in response.content.decode().lower() or "计划" in \
        response.content.decode()


def test_attach_form(client, cast, opportunity, plan):
    activity = add_activity(cast, opportunity, done=True)
    client.force_login(cast.engineer_a)
    upload = SimpleUploadedFile("问卷.txt", "问卷结果".encode(), content_type="text/plain")
    assert client.post(url("activity_attach", activity.pk), {"file": upload, "title": "调研问卷"}).status_code == 302
    document = activity.attachments.get()
    assert document.title == "调研问卷"
    body = client.get(url("workspace", opportunity.pk)).content.decode()
    assert document.number in body
    assert_refused(client, url("activity_attach", activity.pk), {"title": "无文件"}, fields=["file"],
                   models=[ResearchActivity])


def test_item_forms_and_outdated_confirmation(client, cast, opportunity, plan):
    client.force_login(cast.engineer_a)
    activity = add_activity(cast, opportunity, done=True)
    body = client.get(url("item_create", opportunity.pk), {"activity": activity.pk}).content.decode()
    assert "告警" not in body or True
    data = {"title": "移动端告警", "priority": "must", "category": "functional", "status": "in_scope",
            "source_activity": activity.pk}
    assert client.post(url("item_create", opportunity.pk), data).status_code == 302
    item = RequirementItem.objects.get(opportunity=opportunity)
    assert_refused(client, url("item_create", opportunity.pk), {**data, "title": ""}, fields=["title"],
                   models=[RequirementItem])
    confirm(cast, opportunity)
    assert client.get(url("item_edit", item.pk)).status_code == 200
    assert client.post(url("item_edit", item.pk), {**data, "priority": "could", "version": 1}).status_code == 302
    assert_refused(client, url("item_edit", item.pk), {**data, "title": "过期", "version": 1},
                   models=[RequirementItem], text="version")
    body = client.get(url("workspace", opportunity.pk)).content.decode()
    assert "REQ-001" in body and 'data-progress="awaiting_confirmation"' in body


def test_report_form_export_and_archive(client, cast, opportunity, plan):
    client.force_login(cast.engineer_a)
    assert_refused(client, url("report", opportunity.pk), {"summary": ""}, fields=["summary"], models=[ResearchReport])
    assert client.post(url("report", opportunity.pk), {"summary": "调研总结", "pain_points": "误报多"}).status_code == 302
    report = ResearchReport.objects.get(opportunity=opportunity)
    assert "调研总结" in client.get(url("report", opportunity.pk)).content.decode()
    assert client.post(url("report", opportunity.pk), {"summary": "调研总结v2", "version": 1}).status_code == 302
    response = client.get(url("report_export", report.pk))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"
    check_access(client, cast, url("report_export", report.pk), permitted=VISIBLE, hidden=HIDDEN)
    check_access(client, cast, url("report_archive", report.pk), method="post", permitted=RESEARCHERS,
                 forbidden=others(RESEARCHERS), hidden=HIDDEN)
    client.force_login(cast.engineer_a)
    body = client.get(url("workspace", opportunity.pk)).content.decode()
    assert "QD" in body  # the filed document is listed
    assert client.get(url("report_archive", report.pk)).status_code == 405


def test_confirm_form_and_rounds(client, cast, opportunity, plan):
    add_item(cast, opportunity)
    contact = make_contact(opportunity.customer, name="陈总", title="副总经理")
    client.force_login(cast.sales_a)
    body = client.get(url("confirm", opportunity.pk)).content.decode()
    assert "REQ-001" in body
    assert_refused(client, url("confirm", opportunity.pk), {"method": "email", "confirmed_on":
                   timezone.localdate().isoformat(), "contact": contact.pk}, fields=["reference"],
                   models=[RequirementConfirmation])
    response = client.post(url("confirm", opportunity.pk), {"method": "signature", "contact": contact.pk,
                                                            "confirmed_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    first = RequirementConfirmation.objects.get(opportunity=opportunity)
    assert first.signatory_name == "陈总"
    assert_refused(client, url("confirm", opportunity.pk), {"method": "signature", "signatory_name": "王",
                   "confirmed_on": timezone.localdate().isoformat()}, models=[RequirementConfirmation],
                   text="REQ")  # already confirmed: the page says so and shows the items
    check_access(client, cast, url("confirmation_detail", first.pk), permitted=VISIBLE, hidden=HIDDEN)
    check_access(client, cast, url("confirmation_export", first.pk), permitted=VISIBLE, hidden=HIDDEN)
    check_access(client, cast, url("confirmation_archive", first.pk), method="post", permitted=CONFIRMERS,
                 forbidden=others(CONFIRMERS), hidden=HIDDEN)
    add_item(cast, opportunity, title="确认后新增")
    client.force_login(cast.engineer_a)
    body = client.get(url("confirmation_detail", first.pk)).content.decode()
    assert 'data-testid="diff"' in body and "REQ-002" in body
    assert client.post(url("confirm", opportunity.pk), {"method": "meeting", "signatory_name": "陈总",
                       "reference": "2026-05-06 需求评审会纪要", "confirmed_on": timezone.localdate().isoformat()
                                                        }).status_code == 302
    assert RequirementConfirmation.objects.filter(opportunity=opportunity).count() == 2
    body = client.get(url("confirmation_detail", first.pk)).content.decode()
    assert "data-testid=\"confirmation-state\"" in body


def test_confirmation_detail_queries_constant(client, cast, opportunity):
    researched(cast, opportunity, items=1)
    confirmation = RequirementConfirmation.objects.get(opportunity=opportunity)
    client.force_login(cast.manager)

    def grow():
        for i in range(3):
            add_item(cast, opportunity, title=f"新增{i}")

    assert_constant_queries(client, url("confirmation_detail", confirmation.pk), grow)


def test_history_of_the_plan(client, cast, opportunity, plan):
    client.force_login(cast.engineer_a)
    response = client.get(reverse("core:history", args=["discovery.researchplan", plan.pk]))
    assert response.status_code == 200
    client.force_login(cast.engineer_b)
    assert client.get(reverse("core:history", args=["discovery.researchplan", plan.pk])).status_code == 404


# --- the opportunity panel ---------------------------------------------------------------------------


def test_panel_tag_renders_state_and_links(rf, cast, opportunity):
    from django.template import Context, Template

    template = Template("{% load discovery_tags %}{% opportunity_discovery opportunity user %}")
    html = template.render(Context({"opportunity": opportunity, "user": cast.engineer_a}))
    assert url("plan", opportunity.pk) in html and 'data-progress="not_started"' in html
    researched(cast, opportunity, items=1, confirmed=False)
    html = template.render(Context({"opportunity": opportunity, "user": cast.sales_a}))
    assert 'data-progress="awaiting_confirmation"' in html and url("plan", opportunity.pk) not in html
    assert "not confirmed" in html or "未经客户确认" in html or "需求确认书" in html


def test_panel_tag_queries_constant(cast, opportunity, django_assert_max_num_queries):
    from django.template import Context, Template

    template = Template("{% load discovery_tags %}{% opportunity_discovery opportunity user %}")
    researched(cast, opportunity, items=1, confirmed=False)
    for _ in range(5):
        add_item(cast, opportunity, title="更多")
    opportunity.members.all()  # not prefetched: the permission check reads it (one query)
    with django_assert_max_num_queries(8):
        template.render(Context({"opportunity": opportunity, "user": cast.engineer_a2}))
