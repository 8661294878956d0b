"""Demo pages: access for each member of the cast, constant query counts, bad input refused with a
field-level message and nothing changed, stale edits refused, and the main flow through the forms."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from presales.customers.models import FeedbackItem
from presales.demos import services
from presales.demos.models import Demo, DemoAttendee, DemoMaterial, DemoQuestion
from tests.factories.demos import (
    SUMMARY,
    contact,
    deck_file,
    delivered_demo,
    make_demo,
    make_opportunity,
    prepared_demo,
    summarised_demo,
)
from tests.kit import assert_constant_queries, assert_refused, check_access

from .conftest import HIDDEN, QUESTIONERS, VISIBLE, WORKERS, others

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"demos:{name}", args=args)


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


# --- access ------------------------------------------------------------


def test_list_access_scope_and_filters(client, cast, demo):
    secret = make_demo(
        cast,
        opportunity=make_opportunity(cast, lead=cast.engineer_a2, confidential=True),
        actor=cast.engineer_a2,
        title="保密演示",
    )
    check_access(client, cast, url("list"), permitted=[*VISIBLE, *HIDDEN])
    client.force_login(cast.engineer_a)
    body = client.get(url("list")).content.decode()
    assert demo.title in body and secret.title not in body
    client.force_login(cast.engineer_b)
    assert demo.title not in client.get(url("list")).content.decode()
    client.force_login(cast.manager)
    today = timezone.localdate()
    params = {
        "status": "planned",
        "engineer": cast.engineer_a.pk,
        "date_from": today.isoformat(),
        "date_to": (today + timedelta(days=7)).isoformat(),
        "q": "储能",
    }
    body = client.get(url("list"), params, HTTP_HX_REQUEST="true").content.decode()
    assert demo.title in body and "<html" not in body
    assert demo.title not in client.get(url("list"), {"engineer": cast.engineer_a2.pk}).content.decode()
    assert demo.title not in client.get(url("list"), {"status": "delivered"}).content.decode()


def test_list_shows_upcoming_first(client, cast, opportunity):
    past = delivered_demo(
        cast, opportunity=opportunity, title="上月演示", planned_at=timezone.now() - timedelta(days=30)
    )
    later = make_demo(
        cast, opportunity=opportunity, title="两周后演示", planned_at=timezone.now() + timedelta(days=14)
    )
    soon = make_demo(
        cast, opportunity=opportunity, title="明天演示", planned_at=timezone.now() + timedelta(days=1)
    )
    client.force_login(cast.engineer_a)
    body = client.get(url("list")).content.decode()
    assert body.index(soon.title) < body.index(later.title) < body.index(past.title)
    make_demo(cast, opportunity=opportunity, title="过期未处理", planned_at=timezone.now() - timedelta(days=2))
    body = client.get(url("list")).content.decode()
    assert 'data-testid="status-counts"' in body and "?status=delivered" in body
    assert body.index(later.title) < body.index("过期未处理") < body.index(past.title)


def test_create_access(client, cast):
    check_access(
        client,
        cast,
        url("create"),
        permitted=["manager", "engineer_a", "engineer_b"],
        forbidden=["sales_a", "nobody"],
    )


@pytest.mark.parametrize(
    "name, permitted",
    [
        ("detail", VISIBLE),
        ("export", VISIBLE),
        ("edit", WORKERS),
        ("preparation", WORKERS),
        ("environment_check", WORKERS),
        ("material_create", WORKERS),
        ("deck", WORKERS),
        ("delivery", WORKERS),
        ("summary", WORKERS),
        ("question_create", QUESTIONERS),
        ("move", VISIBLE),
    ],
)
def test_demo_page_access(client, cast, demo, name, permitted):
    check_access(
        client, cast, url(name, demo.pk), permitted=permitted, forbidden=others(permitted), hidden=HIDDEN
    )


def test_record_page_access(client, cast):
    demo = delivered_demo(cast, opportunity=make_opportunity(cast, members=[cast.engineer_a2]))
    question = services.question_create(actor=cast.engineer_a, demo=demo, question="可以私有化吗？")
    material = demo.materials.first()
    check_access(
        client,
        cast,
        url("material_edit", material.pk),
        permitted=WORKERS,
        forbidden=others(WORKERS),
        hidden=HIDDEN,
    )
    check_access(
        client,
        cast,
        url("question_edit", question.pk),
        permitted=QUESTIONERS,
        forbidden=others(QUESTIONERS),
        hidden=HIDDEN,
    )


def test_unknown_demo_is_404(client, cast):
    check_access(client, cast, url("detail", 999999), permitted=[], hidden=["manager"])


def test_move_post_needs_a_steering_person_for_cancel(client, cast, demo):
    data = {"to_status": "cancelled", "reason": "客户改期", "version": demo.version}
    client.force_login(cast.engineer_a2)
    response = client.post(url("move", demo.pk), data)
    assert response.status_code == 200 and Demo.objects.get(pk=demo.pk).status == "planned"
    client.force_login(cast.lead_a)
    assert client.post(url("move", demo.pk), data).status_code == 302
    assert Demo.objects.get(pk=demo.pk).status == "cancelled"


# --- query counts ------------------------------------------------------------


def test_list_queries_are_constant(client, cast, opportunity):
    client.force_login(cast.engineer_a)
    make_demo(cast, opportunity=opportunity)

    def grow():
        for _ in range(3):
            make_demo(
                cast, opportunity=make_opportunity(cast), presenters=[cast.engineer_a, cast.engineer_a2]
            )
        delivered_demo(cast, opportunity=opportunity)

    assert_constant_queries(client, url("list"), grow)


def test_detail_queries_are_constant(client, cast):
    demo = delivered_demo(cast, opportunity=make_opportunity(cast, members=[cast.engineer_a2]))
    client.force_login(cast.engineer_a)

    def grow():
        boss = contact(demo.customer, name="周总")
        for i in range(3):
            services.question_create(
                actor=cast.engineer_a, demo=demo, question=f"问题{i}", asked_by_contact=boss
            )
        services.delivery_record(
            actor=cast.engineer_a,
            demo=demo,
            delivered_at=demo.delivered_at,
            duration_minutes=60,
            attendees=[
                {"side": "ours", "user": cast.engineer_a},
                {"side": "ours", "user": cast.engineer_a2},
                {"side": "customer", "contact": boss},
                {"side": "customer", "name": "吴工", "role": "IT"},
            ],
        )

    assert_constant_queries(client, url("detail", demo.pk), grow, at_most=45)


# --- forms: the flow ------------------------------------------------------------


def test_the_whole_flow_through_the_pages(client, cast, opportunity):
    client.force_login(cast.engineer_a)
    page = client.get(url("create") + f"?opportunity={opportunity.pk}").content.decode()
    assert opportunity.name in page
    planned = timezone.now() + timedelta(days=2)
    response = client.post(
        url("create"),
        {
            "opportunity": opportunity.pk,
            "title": "平台演示",
            "planned_at": local(planned),
            "mode": "on_site",
            "location": "客户会议室",
            "presenters": [cast.engineer_a.pk, cast.engineer_a2.pk],
        },
    )
    demo = Demo.objects.get(title="平台演示")
    assert response.status_code == 302 and response["Location"] == demo.get_absolute_url()
    body = client.get(url("detail", demo.pk)).content.decode()
    assert 'data-testid="open-items"' in body
    # refused: not prepared yet, the open items are shown
    response = client.post(url("move", demo.pk), {"to_status": "prepared", "version": demo.version})
    assert response.status_code == 200 and Demo.objects.get(pk=demo.pk).status == "planned"
    assert client.post(url("deck", demo.pk), {"file": deck_file("v1")}).status_code == 302
    for material in demo.materials.exclude(kind="deck").filter(required=True):
        response = client.post(
            url("material_edit", material.pk),
            {"kind": material.kind, "required": "on", "ready": "on", "version": material.version},
        )
        assert response.status_code == 302
    demo.refresh_from_db()
    assert (
        client.post(
            url("preparation", demo.pk),
            {
                "environment_url": "https://demo.example.com",
                "rehearsal_on": timezone.localdate().isoformat(),
                "rehearsal_participants": "张工",
                "rehearsal_done": "on",
                "version": demo.version,
            },
        ).status_code
        == 302
    )
    demo.refresh_from_db()
    assert (
        client.post(url("environment_check", demo.pk), {"checked": "on", "version": demo.version}).status_code
        == 302
    )
    demo.refresh_from_db()
    assert (
        client.post(url("material_create", demo.pk), {"kind": "case", "description": "标杆案例"}).status_code
        == 302
    )
    demo.refresh_from_db()
    case = demo.materials.get(kind="case")
    client.post(
        url("material_edit", case.pk),
        {"kind": "case", "description": "标杆案例", "required": "", "version": case.version},
    )
    demo.refresh_from_db()
    assert (
        client.post(url("move", demo.pk), {"to_status": "prepared", "version": demo.version}).status_code
        == 302
    )
    demo.refresh_from_db()
    assert demo.status == "prepared"
    boss = contact(demo.customer)
    assert client.get(url("delivery", demo.pk)).status_code == 200
    response = client.post(
        url("delivery", demo.pk),
        {
            "delivered_at": local(timezone.now() - timedelta(hours=1)),
            "duration_minutes": 60,
            "our_attendees": [cast.engineer_a.pk],
            "customer_contacts": [boss.pk],
            "customer_others": "吴工，IT经理",
            "notes": "顺利",
            "version": demo.version,
        },
    )
    assert response.status_code == 302
    demo.refresh_from_db()
    assert demo.status == "delivered" and DemoAttendee.objects.filter(demo=demo).count() == 3
    assert (
        client.post(
            url("question_create", demo.pk),
            {"question": "能私有化部署吗？", "asked_by_contact": boss.pk, "status": "open"},
        ).status_code
        == 302
    )
    question = DemoQuestion.objects.get(demo=demo)
    assert question.feedback_item is not None
    assert (
        client.post(
            url("question_edit", question.pk),
            {
                "question": "能私有化部署吗？",
                "asked_by_contact": boss.pk,
                "status": "answered",
                "answer": "可以",
                "version": question.version,
            },
        ).status_code
        == 302
    )
    assert FeedbackItem.objects.get().status == "resolved" and FeedbackItem.objects.count() == 1
    demo.refresh_from_db()
    response = client.post(url("summary", demo.pk), {**SUMMARY, "version": demo.version})
    assert response.status_code == 302
    demo.refresh_from_db()
    assert demo.status == "summarised" and demo.summary_document_id
    body = client.get(url("detail", demo.pk)).content.decode()
    assert demo.summary_document.number in body
    response = client.get(url("export", demo.pk))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


# --- bad input and stale edits ------------------------------------------------------------


def test_bad_input_is_refused_with_field_errors(client, cast, demo, opportunity):
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        url("create"),
        {"opportunity": opportunity.pk, "title": "", "planned_at": "", "mode": "remote"},
        fields=["title", "planned_at"],
        models=[Demo],
    )
    assert_refused(
        client,
        url("create"),
        {"opportunity": opportunity.pk, "title": "x", "planned_at": local(timezone.now()), "mode": "remote"},
        fields=["presenters", "location"],
        models=[Demo],
    )
    assert_refused(
        client,
        url("preparation", demo.pk),
        {
            "rehearsal_done": "on",
            "rehearsal_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "version": demo.version,
        },
        fields=["rehearsal_on", "rehearsal_participants"],
        models=[Demo],
    )
    assert_refused(client, url("deck", demo.pk), {}, fields=["file"], models=[Demo, DemoMaterial])
    prepared = prepared_demo(cast, opportunity=opportunity)
    assert_refused(
        client,
        url("delivery", prepared.pk),
        {
            "delivered_at": local(timezone.now() + timedelta(days=2)),
            "duration_minutes": "",
            "version": prepared.version,
        },
        fields=["delivered_at", "duration_minutes"],
        models=[Demo, DemoAttendee],
    )
    delivered = delivered_demo(cast, opportunity=opportunity)
    assert_refused(
        client,
        url("question_create", delivered.pk),
        {"question": "", "status": "answered"},
        fields=["question", "answer"],
        models=[DemoQuestion, FeedbackItem],
    )
    assert_refused(
        client,
        url("summary", delivered.pk),
        {"customer_reaction": "好", "version": delivered.version},
        fields=["strengths", "issues", "follow_up_actions", "next_steps"],
        models=[Demo],
    )


def test_stale_edits_are_refused(client, cast, demo):
    client.force_login(cast.engineer_a)
    old = demo.version
    services.demo_update(actor=cast.engineer_a2, demo=demo, expected_version=old, title="别人改过")
    response = assert_refused(
        client,
        url("edit", demo.pk),
        {
            "title": "我的修改",
            "planned_at": local(demo.planned_at),
            "mode": "on_site",
            "presenters": [cast.engineer_a.pk],
            "version": old,
        },
        models=[Demo],
    )
    assert (
        "changed by someone else" in response.content.decode()
        or "其他人" in response.content.decode()
        or "别人" in response.content.decode()
        or "version" in response.content.decode()
    )
    assert Demo.objects.get(pk=demo.pk).title == "别人改过"


def test_summarised_demo_page_and_opportunity_panel(client, cast, rf):
    from django.template import Context, Template

    demo = summarised_demo(cast)
    client.force_login(cast.engineer_a)
    assert demo.title in client.get(url("detail", demo.pk)).content.decode()
    html = Template("{% load demos_tags %}{% opportunity_demos opportunity user %}").render(
        Context({"opportunity": demo.opportunity, "user": cast.engineer_a})
    )
    assert demo.title in html and "demos/new/?opportunity=" in html
    html = Template("{% load demos_tags %}{% opportunity_demos opportunity user %}").render(
        Context({"opportunity": demo.opportunity, "user": cast.sales_a})
    )
    assert demo.title in html and "demos/new/?opportunity=" not in html
