"""The demo API: access for each member of the cast, constant query counts on every list, bad
input refused with field-level errors and nothing changed, stale writes (412/428), and the flow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from presales.customers.models import FeedbackItem
from presales.demos import services
from presales.demos.models import Demo, DemoAttendee, DemoMaterial, DemoQuestion
from tests.factories.demos import (
    SUMMARY,
    complete_checklist,
    contact,
    deck_file,
    delivered_demo,
    make_demo,
    make_opportunity,
)
from tests.kit import assert_constant_queries, assert_refused, check_access

from .conftest import HIDDEN, QUESTIONERS, VISIBLE, WORKERS

pytestmark = pytest.mark.django_db


def api(path):
    return f"/api/{path}"


def post(client, path, data, **headers):
    return client.post(
        api(path), data, content_type="application/json", HTTP_ACCEPT="application/json", **headers
    )


def test_access(client, cast, demo):
    check_access(client, cast, api("demos/"), permitted=[*VISIBLE, *HIDDEN], api=True)
    check_access(client, cast, api(f"demos/{demo.pk}/"), permitted=VISIBLE, hidden=HIDDEN, api=True)
    check_access(client, cast, api("demo-materials/"), permitted=[*VISIBLE, *HIDDEN], api=True)
    check_access(client, cast, api("demo-questions/"), permitted=[*VISIBLE, *HIDDEN], api=True)
    material = demo.materials.first()
    check_access(
        client, cast, api(f"demo-materials/{material.pk}/"), permitted=VISIBLE, hidden=HIDDEN, api=True
    )
    check_access(client, cast, api(f"demos/{demo.pk}/export/"), permitted=VISIBLE, hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_b)
    assert client.get(api("demos/"), HTTP_ACCEPT="application/json").json()["count"] == 0
    check_access(
        client,
        cast,
        api(f"demos/{demo.pk}/environment-check/"),
        method="post",
        data={"checked": False},
        permitted=WORKERS,
        forbidden=["sales_a"],
        hidden=HIDDEN,
        api=True,
    )


def test_list_queries_are_constant(client, cast, opportunity):
    client.force_login(cast.manager)
    delivered_demo(cast, opportunity=opportunity)

    def grow():
        for _ in range(3):
            make_demo(
                cast, opportunity=make_opportunity(cast), presenters=[cast.engineer_a, cast.engineer_a2]
            )
        demo = delivered_demo(cast, opportunity=opportunity)
        services.question_create(actor=cast.engineer_a, demo=demo, question="问题")

    assert_constant_queries(client, api("demos/"), grow, api=True)
    assert_constant_queries(
        client, api("demo-materials/"), lambda: make_demo(cast, opportunity=opportunity), api=True
    )
    demo = Demo.objects.filter(status="delivered").first()
    assert_constant_queries(
        client,
        api("demo-questions/"),
        lambda: services.question_create(actor=cast.engineer_a, demo=demo, question="再问"),
        api=True,
    )


def test_the_flow_through_the_api(client, cast, opportunity):
    client.force_login(cast.engineer_a)
    response = post(
        client,
        "demos/",
        {
            "opportunity": opportunity.pk,
            "title": "API演示",
            "planned_at": (timezone.now() + timedelta(days=2)).isoformat(),
            "presenters": [cast.engineer_a.pk],
            "mode": "remote",
            "location": "https://meeting.example.com/1",
        },
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response["ETag"] == '"1"'
    response = post(client, f"demos/{pk}/move/", {"to_status": "prepared"})
    assert response.status_code == 409 and len(response.json()["reasons"]) >= 5
    response = client.post(
        api(f"demos/{pk}/deck/"), {"file": deck_file("api")}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200 and response.json()["deck_document"]
    for material in DemoMaterial.objects.filter(demo_id=pk, required=True).exclude(kind="deck"):
        response = client.patch(
            api(f"demo-materials/{material.pk}/"),
            {"ready": True},
            content_type="application/json",
            HTTP_IF_MATCH=f'"{material.version}"',
        )
        assert response.status_code == 200, response.content
    response = post(
        client,
        f"demos/{pk}/preparation/",
        {
            "environment_url": "https://demo.example.com",
            "rehearsal_on": timezone.localdate().isoformat(),
            "rehearsal_participants": "张工",
            "rehearsal_done": True,
        },
    )
    assert response.status_code == 200, response.content
    assert post(client, f"demos/{pk}/environment-check/", {"checked": True}).json()["environment_checked"]
    response = post(client, f"demos/{pk}/move/", {"to_status": "prepared"})
    assert response.status_code == 200 and response.json()["status"] == "prepared"
    boss = contact(Demo.objects.get(pk=pk).customer)
    response = post(
        client,
        f"demos/{pk}/delivery/",
        {
            "delivered_at": timezone.now().isoformat(),
            "duration_minutes": 60,
            "attendees": [
                {"side": "ours", "user": cast.engineer_a.pk},
                {"side": "customer", "contact": boss.pk},
            ],
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "delivered" and len(response.json()["attendees"]) == 2
    response = post(
        client, "demo-questions/", {"demo": pk, "question": "是否支持国产化？", "asked_by_contact": boss.pk}
    )
    assert response.status_code == 201, response.content
    question = response.json()
    assert question["feedback_item"] and question["status"] == "open"
    response = client.patch(
        api(f"demo-questions/{question['id']}/"),
        {"status": "answered", "answer": "支持"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{question["version"]}"',
    )
    assert response.status_code == 200 and FeedbackItem.objects.get().status == "resolved"
    response = post(client, f"demos/{pk}/summary/", SUMMARY)
    assert response.status_code == 200 and response.json()["status"] == "summarised"
    assert response.json()["summary_document"]
    response = client.get(api(f"demos/{pk}/export/"))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.docx"')
    response = client.get(
        api("demos/progress/"), {"opportunity": [opportunity.pk, 999999]}, HTTP_ACCEPT="application/json"
    )
    assert response.json() == [{"opportunity": opportunity.pk, "progress": "summarised"}]


def test_bad_input_and_stale_writes(client, cast, demo, opportunity):
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        api("demos/"),
        {
            "opportunity": opportunity.pk,
            "title": "",
            "presenters": [],
            "planned_at": timezone.now().isoformat(),
        },
        fields=["title"],
        models=[Demo],
        api=True,
    )
    assert_refused(
        client,
        api("demos/"),
        {
            "opportunity": opportunity.pk,
            "title": "x",
            "presenters": [],
            "planned_at": timezone.now().isoformat(),
            "mode": "remote",
        },
        fields=["presenters", "location"],
        models=[Demo],
        api=True,
    )
    assert_refused(
        client,
        api(f"demos/{demo.pk}/preparation/"),
        {"rehearsal_done": True},
        fields=["rehearsal_on"],
        models=[Demo],
        api=True,
    )
    response = client.patch(api(f"demos/{demo.pk}/"), {"title": "无版本"}, content_type="application/json")
    assert response.status_code == 428
    response = client.patch(
        api(f"demos/{demo.pk}/"), {"title": "旧版本"}, content_type="application/json", HTTP_IF_MATCH='"99"'
    )
    assert response.status_code == 412 and response.json()["current_version"] == demo.version
    response = client.patch(
        api(f"demos/{demo.pk}/"),
        {"title": "新标题"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{demo.version}"',
    )
    assert response.status_code == 200 and response.json()["title"] == "新标题"
    response = post(client, f"demos/{demo.pk}/move/", {"to_status": "cancelled", "reason": "r", "version": 1})
    assert response.status_code == 412
    delivered = delivered_demo(cast, opportunity=opportunity)
    assert_refused(
        client,
        api("demo-questions/"),
        {"demo": delivered.pk, "question": "", "status": "answered"},
        fields=["question", "answer"],
        models=[DemoQuestion, FeedbackItem],
        api=True,
    )
    assert_refused(
        client,
        api(f"demos/{delivered.pk}/summary/"),
        {**SUMMARY, "issues": ""},
        fields=["issues"],
        models=[Demo],
        api=True,
    )
    prepared = complete_checklist(make_demo(cast, opportunity=opportunity), cast.engineer_a)
    prepared = services.demo_move(actor=cast.engineer_a, demo=prepared, to_status="prepared")
    assert_refused(
        client,
        api(f"demos/{prepared.pk}/delivery/"),
        {"delivered_at": None, "duration_minutes": 30, "attendees": []},
        fields=["delivered_at", "attendees"],
        models=[Demo, DemoAttendee],
        api=True,
    )


def test_sales_owner_records_questions_but_cannot_prepare(client, cast, opportunity):
    delivered = delivered_demo(cast, opportunity=opportunity)
    client.force_login(cast.sales_a)
    assert post(client, "demo-questions/", {"demo": delivered.pk, "question": "报价？"}).status_code == 201
    demo = make_demo(cast, opportunity=opportunity)
    assert post(client, f"demos/{demo.pk}/preparation/", {"rehearsal_notes": "x"}).status_code == 403
    client.force_login(cast.engineer_b)
    assert post(client, "demo-questions/", {"demo": delivered.pk, "question": "x"}).status_code == 400
    assert set(QUESTIONERS) >= {"sales_a"}
