"""Support pages: access for each member of the cast, filters, badges, action forms, query
counts, bad input, stale versions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from presales.support import services
from presales.support.models import SupportRequest, SupportRequestEvent
from tests.factories import CustomerFactory, make_user
from tests.factories.support import OpportunityFactory, SupportRequestFactory, submit
from tests.kit import assert_constant_queries, assert_refused, check_access

pytestmark = pytest.mark.django_db

MODELS = [SupportRequest, SupportRequestEvent]


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


# --- list -------------------------------------------------------------------------------------------


def test_list_access_and_scope(client, cast, new_request):
    url = reverse("support:list")
    check_access(
        client, cast, url, permitted=["manager", "lead_a", "engineer_a", "sales_a", "engineer_b", "nobody"]
    )
    client.force_login(cast.engineer_a)
    assert new_request.number in client.get(url).content.decode()
    for outsider in (cast.engineer_b, cast.nobody):
        client.force_login(outsider)
        body = client.get(url).content.decode()
        assert new_request.number not in body and "empty-state" in body


def test_list_shows_badges_and_filters(client, cast, customer, new_request):
    now = timezone.now()
    late = SupportRequestFactory(
        customer=customer,
        title="逾期未响应的申请",
        submitted_at=now - timedelta(hours=10),
        response_due_at=now - timedelta(hours=2),
        wanted_by=now + timedelta(hours=3),
    )
    client.force_login(cast.manager)
    url = reverse("support:list")
    body = client.get(url).content.decode()
    assert 'data-sla="response-overdue"' in body and 'data-sla="response-running"' in body
    assert 'data-sla="due-due_soon"' in body and 'data-sla="due-on_time"' in body

    def numbers(params):
        page = client.get(url, params).content.decode()
        return {r.number for r in (new_request, late) if r.number in page}

    assert numbers({"response": "overdue"}) == {late.number}
    assert numbers({"response": "running"}) == {new_request.number}
    assert numbers({"due": "due_soon"}) == {late.number}
    assert numbers({"overdue": "true"}) == {late.number}
    assert numbers({"overdue": "false"}) == {new_request.number}
    assert numbers({"status": "open"}) == {late.number, new_request.number}
    assert numbers({"status": "done"}) == set()
    assert numbers({"priority": "high"}) == {new_request.number}
    assert numbers({"request_type": "demo", "q": "逾期"}) == {late.number}
    assert numbers({"q": new_request.number}) == {new_request.number}
    assert numbers({"team": cast.team_a.pk, "requester": cast.sales_a.pk}) == {
        late.number,
        new_request.number,
    }
    assert numbers({"team": cast.team_b.pk}) == set()


def test_list_mine_and_assignee_filters(client, cast, customer, assigned_request):
    other = submit(actor=cast.manager, customer=customer)
    client.force_login(cast.engineer_a)
    url = reverse("support:list")
    body = client.get(url, {"mine": "true"}).content.decode()
    assert assigned_request.number in body and other.number not in body
    body = client.get(url, {"assignee": cast.engineer_a.pk}).content.decode()
    assert assigned_request.number in body and other.number not in body


def test_list_htmx_partial_and_bad_filter(client, cast, new_request):
    client.force_login(cast.manager)
    partial = client.get(reverse("support:list"), {"q": "储能"}, HTTP_HX_REQUEST="true").content.decode()
    assert new_request.number in partial and "<html" not in partial
    bad = client.get(reverse("support:list"), {"status": "nonsense"}).content.decode()
    assert new_request.number not in bad  # an invalid filter shows nothing rather than everything


def test_list_paginates(client, cast, customer):
    for _ in range(30):
        SupportRequestFactory(customer=customer)
    client.force_login(cast.manager)
    first = client.get(reverse("support:list"))
    assert len(first.context["object_list"]) == 25
    assert len(client.get(reverse("support:list"), {"page": 2}).context["object_list"]) == 5


def test_list_queries_constant(client, cast, customer, new_request):
    client.force_login(cast.manager)

    def grow():
        for i in range(12):
            SupportRequestFactory(
                customer=customer,
                assignee=cast.engineer_a if i % 2 else None,
                opportunity=OpportunityFactory(customer=customer),
            )

    assert_constant_queries(client, reverse("support:list"), grow)


# --- detail -----------------------------------------------------------------------------------------


def test_detail_access(client, cast, assigned_request):
    check_access(
        client,
        cast,
        assigned_request.get_absolute_url(),
        permitted=["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a"],
        hidden=["engineer_b", "nobody"],
    )
    check_access(client, cast, reverse("support:detail", args=[999999]), permitted=[], hidden=["manager"])


def test_detail_shows_timeline_clocks_and_only_allowed_forms(client, cast, in_progress_request):
    url = in_progress_request.get_absolute_url()
    expectations = {
        "engineer_a": {"respond", "complete"},
        "manager": {"assign", "complete", "cancel"},
        "lead_a": {"assign"},
        "sales_a": {"cancel"},
        "engineer_a2": set(),
    }
    for who, actions in expectations.items():
        client.force_login(getattr(cast, who))
        body = client.get(url).content.decode()
        shown = {a for a in ("assign", "respond", "complete", "cancel") if f'data-action="{a}"' in body}
        assert shown == actions, who
    body = client.get(url).content.decode()
    for action in ("submitted", "assigned", "responded"):
        assert f'data-event="{action}"' in body
    assert "已与销售沟通，明天上门" in body
    assert 'data-sla="response-met"' in body and 'data-sla="due-on_time"' in body


def test_detail_times_are_shown_in_shanghai(client, cast, customer):
    from datetime import UTC, datetime

    req = SupportRequestFactory(
        customer=customer,
        submitted_at=datetime(2026, 1, 5, 16, 30, tzinfo=UTC),
        response_due_at=datetime(2026, 1, 6, 0, 30, tzinfo=UTC),
        wanted_by=datetime(2026, 1, 9, 1, 0, tzinfo=UTC),
    )
    client.force_login(cast.manager)
    body = client.get(req.get_absolute_url()).content.decode()
    assert "2026-01-06 00:30" in body  # submitted 16:30 UTC = 00:30 next day in Shanghai
    assert "2026-01-06 08:30" in body and "2026-01-09 09:00" in body


def test_detail_queries_constant(client, cast, assigned_request):
    client.force_login(cast.manager)

    def grow():
        req = services.support_request_respond(
            actor=cast.engineer_a, support_request=assigned_request, note="收到"
        )
        for i in range(8):
            services.support_request_respond(actor=cast.engineer_a, support_request=req, note=f"进展{i}")
        services.support_request_assign(actor=cast.manager, support_request=req, assignee=cast.engineer_a2)

    assert_constant_queries(client, assigned_request.get_absolute_url(), grow)


# --- submit -----------------------------------------------------------------------------------------


def form_data(for_customer, **kw):
    data = {
        "customer": for_customer.pk,
        "title": "机器人产线POC支持",
        "request_type": "poc",
        "priority": "urgent",
        "wanted_by": local(timezone.now() + timedelta(days=4)),
        "description": "客户要求两周内完成POC环境搭建",
    }
    data.update(kw)
    return data


def test_create_access(client, cast, customer):
    check_access(
        client,
        cast,
        reverse("support:create"),
        permitted=["manager", "engineer_a", "sales_a"],
        forbidden=["nobody"],
    )


def test_create_preselects_customer_and_opportunity(client, cast, customer, opportunity):
    client.force_login(cast.sales_a)
    response = client.get(reverse("support:create"), {"customer": customer.pk, "opportunity": opportunity.pk})
    form = response.context["form"]
    assert form.initial == {"customer": customer.pk, "opportunity": opportunity.pk}
    assert list(form.fields["opportunity"].queryset) == [opportunity]
    body = response.content.decode()
    assert f'<option value="{opportunity.pk}" selected>' in body
    ignored = client.get(reverse("support:create"), {"customer": "x"}).context["form"]
    assert ignored.initial == {} and not ignored.fields["opportunity"].queryset.exists()


def test_opportunity_options_follow_the_customer(client, cast, customer, opportunity):
    OpportunityFactory(customer=customer, stage="won", name="已赢单商机")
    url = reverse("support:opportunity_options")
    check_access(client, cast, url + f"?customer={customer.pk}", permitted=["sales_a", "engineer_b"])
    client.force_login(cast.sales_a)
    body = client.get(url, {"customer": customer.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert opportunity.name in body and "已赢单商机" not in body
    client.force_login(cast.engineer_b)  # out of scope: nothing to choose
    assert opportunity.name not in client.get(url, {"customer": customer.pk}).content.decode()
    assert "option" in client.get(url).content.decode()


def test_create_through_the_page(client, cast, customer, opportunity):
    client.force_login(cast.sales_a)
    response = client.post(reverse("support:create"), form_data(customer, opportunity=opportunity.pk))
    req = SupportRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == req.get_absolute_url()
    assert req.opportunity == opportunity and req.team == cast.team_a and req.priority == "urgent"
    assert req.response_due_at - req.submitted_at == timedelta(hours=2)


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"title": ""}, "title"),
        ({"request_type": "magic"}, "request_type"),
        ({"priority": "asap"}, "priority"),
        ({"wanted_by": "tomorrow"}, "wanted_by"),
        ({"description": ""}, "description"),
        ({"customer": ""}, "customer"),
    ],
)
def test_create_refuses_bad_input(client, cast, customer, bad, field):
    client.force_login(cast.sales_a)
    assert_refused(
        client, reverse("support:create"), form_data(customer, **bad), fields=[field], models=MODELS
    )


def test_create_refuses_rules_with_field_errors(client, cast, customer):
    client.force_login(cast.sales_a)
    past = local(timezone.now() - timedelta(hours=1))
    assert_refused(
        client,
        reverse("support:create"),
        form_data(customer, wanted_by=past),
        fields=["wanted_by"],
        models=MODELS,
        text="必须是将来的时间",
    )
    other = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    foreign = OpportunityFactory(customer=other)
    assert_refused(
        client,
        reverse("support:create"),
        form_data(customer, opportunity=foreign.pk),
        fields=["opportunity"],
        models=MODELS,
    )
    hidden = CustomerFactory(presales_owner=cast.engineer_b, sales_owner=make_user("sales"))
    assert_refused(client, reverse("support:create"), form_data(hidden), fields=["customer"], models=MODELS)


# --- actions ----------------------------------------------------------------------------------------


def test_assign_page_access_and_flow(client, cast, new_request):
    url = reverse("support:assign", args=[new_request.pk])
    check_access(
        client,
        cast,
        url,
        permitted=["manager", "lead_a"],
        forbidden=["engineer_a", "sales_a"],
        hidden=["engineer_b", "nobody"],
    )
    client.force_login(cast.lead_a)
    assert_refused(
        client, url, {"assignee": cast.sales_a.pk, "version": 1}, fields=["assignee"], models=MODELS
    )
    assert_refused(client, url, {"assignee": "", "version": 1}, fields=["assignee"], models=MODELS)
    response = client.post(url, {"assignee": cast.engineer_a2.pk, "note": "赵工负责", "version": 1})
    assert response.status_code == 302 and response["Location"] == new_request.get_absolute_url()
    new_request.refresh_from_db()
    assert new_request.assignee == cast.engineer_a2 and new_request.status == "assigned"


def test_assign_post_from_the_detail_page_with_a_stale_version(client, cast, new_request):
    url = reverse("support:assign", args=[new_request.pk])
    client.force_login(cast.lead_a)
    assert client.post(url, {"assignee": cast.engineer_a.pk, "version": 1}).status_code == 302
    client.force_login(cast.manager)  # the manager's detail page was opened at version 1
    response = assert_refused(client, url, {"assignee": cast.engineer_a2.pk, "version": 1}, models=MODELS)
    assert "版本" in response.content.decode()
    new_request.refresh_from_db()
    assert new_request.assignee == cast.engineer_a


def test_respond_page(client, cast, assigned_request):
    url = reverse("support:respond", args=[assigned_request.pk])
    check_access(
        client,
        cast,
        url,
        permitted=["engineer_a"],
        forbidden=["manager", "lead_a", "sales_a"],
        hidden=["engineer_b", "nobody"],
    )
    client.force_login(cast.engineer_a)
    assert_refused(client, url, {"note": "  ", "version": 2}, fields=["note"], models=MODELS)
    assert client.post(url, {"note": "马上联系客户", "version": 2}).status_code == 302
    assigned_request.refresh_from_db()
    assert assigned_request.status == "in_progress" and assigned_request.first_response_at


def test_complete_page_refuses_before_first_response_with_reasons(client, cast, assigned_request):
    url = reverse("support:complete", args=[assigned_request.pk])
    check_access(
        client,
        cast,
        url,
        permitted=["engineer_a", "manager"],
        forbidden=["lead_a", "sales_a"],
        hidden=["engineer_b", "nobody"],
    )
    client.force_login(cast.engineer_a)
    response = assert_refused(client, url, {"outcome": "交付", "version": 2}, models=MODELS)
    assert "alert-danger" in response.content.decode()


def test_complete_page(client, cast, in_progress_request):
    url = reverse("support:complete", args=[in_progress_request.pk])
    client.force_login(cast.engineer_a)
    assert_refused(client, url, {"outcome": "", "version": 3}, fields=["outcome"], models=MODELS)
    assert client.post(url, {"outcome": "演示完成，客户满意", "version": 3}).status_code == 302
    in_progress_request.refresh_from_db()
    assert in_progress_request.status == "done"
    body = client.get(in_progress_request.get_absolute_url()).content.decode()
    assert "演示完成，客户满意" in body and 'data-sla="due-done_on_time"' in body


def test_cancel_page(client, cast, new_request):
    url = reverse("support:cancel", args=[new_request.pk])
    check_access(
        client,
        cast,
        url,
        permitted=["sales_a", "manager"],
        forbidden=["engineer_a", "lead_a"],
        hidden=["engineer_b", "nobody"],
    )
    client.force_login(cast.sales_a)
    assert_refused(client, url, {"reason": "", "version": 1}, fields=["reason"], models=MODELS)
    assert client.post(url, {"reason": "客户取消了会议", "version": 1}).status_code == 302
    new_request.refresh_from_db()
    assert new_request.status == "cancelled"
    # a second cancel: the status refuses it, the reasons are shown, nothing changes
    response = assert_refused(client, url, {"reason": "again", "version": 2}, models=MODELS)
    assert "取消" in response.content.decode()


def test_chinese_by_default_english_on_request(client, cast, new_request):
    client.force_login(cast.manager)
    body = client.get(new_request.get_absolute_url()).content.decode()
    assert "处理记录" in body and "首次响应" in body and "内响应" in body
    with translation.override("zh-hans"):  # the middleware activates English; do not leak it
        client.cookies.load({"django_language": "en"})
        body = client.get(new_request.get_absolute_url()).content.decode()
    assert "Timeline" in body and "Response due in" in body
