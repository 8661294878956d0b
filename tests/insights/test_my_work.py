"""The "my work" page: what each person sees, in which order, the KPIs, the team view, empty
states, and a query count that does not grow with the data."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from presales.customers.models import CommunicationLog, TechnicalIssue
from presales.insights import selectors
from presales.opportunities.models import Opportunity
from presales.support import services
from tests.factories import CustomerFactory
from tests.factories.support import OpportunityFactory, SupportRequestFactory, submit
from tests.kit import assert_constant_queries, check_access

pytestmark = pytest.mark.django_db

URL = reverse("insights:my_work")
H = timedelta(hours=1)


@pytest.fixture
def customer(cast):
    return CustomerFactory(
        presales_owner=cast.engineer_a, sales_owner=cast.sales_a, name="合肥低空飞行器有限公司"
    )


def assigned(
    customer,
    engineer,
    *,
    now,
    status="assigned",
    submitted_ago=2 * H,
    due_in=6 * H,
    wanted_in=72 * H,
    responded_after=None,
    **kw,
):
    submitted = now - submitted_ago
    return SupportRequestFactory(
        customer=customer,
        assignee=engineer,
        status=status,
        submitted_at=submitted,
        response_due_at=now + due_in,
        wanted_by=now + wanted_in,
        assigned_at=submitted,
        first_response_at=submitted + responded_after if responded_after is not None else None,
        **kw,
    )


def opportunity(customer, **kw):
    return OpportunityFactory(customer=customer, **kw)


def set_created(obj, when):
    type(obj).objects.filter(pk=obj.pk).update(created_at=when)


def follow_up(opp, when):
    return CommunicationLog.objects.create(
        customer=opp.customer,
        opportunity=opp,
        occurred_at=when,
        channel="onsite",
        participants="双方",
        subject="回访",
        content="跟踪回访",
        is_follow_up=True,
    )


def test_access_and_home_redirects_here(client, cast):
    check_access(
        client, cast, URL, permitted=["manager", "lead_a", "engineer_a", "sales_a", "engineer_b", "nobody"]
    )
    client.force_login(cast.engineer_a)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == URL


def test_login_lands_here(client, cast):
    response = client.post(reverse("accounts:login"), {"username": "engineer_a", "password": "pw-123456"}, follow=True)
    assert response.redirect_chain[-1] == (URL, 302)


def test_empty_states_say_what_to_do(client, cast):
    client.force_login(cast.nobody)
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("empty-state") >= 5
    assert 'id="team"' not in body  # no team view for a colleague without a team to lead
    assert response.context["kpis"]["sla_met_percent"] is None


def test_assigned_to_me_late_first_with_badges(client, cast, customer):
    now = timezone.now()
    calm = assigned(customer, cast.engineer_a, now=now, title="普通申请")
    due_soon = assigned(customer, cast.engineer_a, now=now, wanted_in=5 * H, title="即将到期")
    late_response = assigned(
        customer, cast.engineer_a, now=now, submitted_ago=10 * H, due_in=-2 * H, title="超时未响应"
    )
    late_work = assigned(
        customer,
        cast.engineer_a,
        now=now,
        status="in_progress",
        responded_after=H,
        submitted_ago=5 * 24 * H,
        due_in=-100 * H,
        wanted_in=-3 * H,
        title="逾期交付",
    )
    done = assigned(customer, cast.engineer_a, now=now, status="done", responded_after=H, done_at=now)
    someone_elses = assigned(customer, cast.engineer_a2, now=now)
    client.force_login(cast.engineer_a)
    response = client.get(URL)
    rows = response.context["assigned"].rows
    assert {r.pk for r in rows[:2]} == {late_response.pk, late_work.pk}
    assert [r.pk for r in rows[2:]] == [due_soon.pk, calm.pk]
    assert done not in rows and someone_elses not in rows
    body = response.content.decode()
    assert 'data-sla="response-overdue"' in body and 'data-sla="due-overdue"' in body
    assert 'data-sla="due-due_soon"' in body
    kpis = response.context["kpis"]
    assert kpis["assigned_open"] == 4 and kpis["assigned_overdue"] == 2


def test_sla_met_percent_over_90_days(client, cast, customer):
    now = timezone.now()
    kw = dict(status="in_progress", submitted_ago=10 * 24 * H, due_in=-(10 * 24 - 8) * H)
    assigned(customer, cast.engineer_a, now=now, responded_after=2 * H, **kw)  # met
    assigned(customer, cast.engineer_a, now=now, responded_after=8 * H, **kw)  # met at the due instant
    assigned(customer, cast.engineer_a, now=now, responded_after=9 * H, **kw)  # breached
    assigned(
        customer, cast.engineer_a, now=now, submitted_ago=10 * H, due_in=-2 * H
    )  # overdue, still waiting
    assigned(customer, cast.engineer_a, now=now)  # running: not judged yet
    assigned(
        customer,
        cast.engineer_a,
        now=now,
        status="done",
        responded_after=20 * H,
        done_at=now - 50 * 24 * H,
        submitted_ago=100 * 24 * H,
        due_in=-(100 * 24 - 8) * H,
        wanted_in=-60 * 24 * H,
    )  # too old
    assigned(
        customer, cast.engineer_a, now=now, status="cancelled", submitted_ago=20 * H, due_in=-12 * H
    )  # stopped
    kpis = selectors.request_kpis(user=cast.engineer_a, now=now)
    assert (kpis["sla_met"], kpis["sla_judged"], kpis["sla_met_percent"]) == (2, 4, 50.0)
    client.force_login(cast.engineer_a)
    body = client.get(URL).content.decode()
    assert 'data-kpi="sla">50%' in body


def test_requests_i_submitted(client, cast, customer):
    mine = submit(actor=cast.sales_a, customer=customer, title="需要方案支持")
    done = submit(actor=cast.sales_a, customer=customer, title="已完成的申请")
    services.support_request_assign(actor=cast.manager, support_request=done, assignee=cast.engineer_a)
    services.support_request_respond(actor=cast.engineer_a, support_request=done, note="ok")
    services.support_request_complete(actor=cast.engineer_a, support_request=done, outcome="交付")
    other = submit(actor=cast.manager, customer=customer)
    client.force_login(cast.sales_a)
    response = client.get(URL)
    assert [r.pk for r in response.context["submitted"].rows] == [mine.pk, done.pk]  # open ones first
    assert other not in response.context["submitted"].rows
    assert response.context["kpis"]["submitted_open"] == 1
    assert "需要方案支持" in response.content.decode()


def test_my_open_opportunities_as_lead_member_or_sales_owner(client, cast, customer):
    now = timezone.now()
    led = opportunity(customer, presales_lead=cast.engineer_a, expected_close_on=date(2030, 1, 1))
    member = opportunity(customer, presales_lead=cast.engineer_a2, members=[cast.engineer_a])
    sold = opportunity(customer, presales_lead=cast.engineer_a2, sales_owner=cast.engineer_a)
    closed = opportunity(customer, presales_lead=cast.engineer_a, stage="won")
    not_mine = opportunity(customer, presales_lead=cast.engineer_a2)
    Opportunity.objects.filter(pk=led.pk).update(stage_changed_at=now - timedelta(days=12))
    client.force_login(cast.engineer_a)
    section = client.get(URL).context["opportunities"]
    assert {o.pk for o in section.rows} == {led.pk, member.pk, sold.pk} and section.total == 3
    assert closed not in section.rows and not_mine not in section.rows
    assert next(o for o in section.rows if o.pk == led.pk).days_in_stage == 12
    assert section.rows[0].pk == led.pk  # by expected close date, the ones without one last


def test_overdue_technical_issues_i_own(client, cast, customer):
    today = timezone.localdate()
    common = dict(customer=customer, raised_on=today - timedelta(days=20), severity="high")
    late = TechnicalIssue.objects.create(
        title="接口超时", due_on=today - timedelta(days=3), owner=cast.engineer_a, **common
    )
    TechnicalIssue.objects.create(title="今天到期", due_on=today, owner=cast.engineer_a, **common)
    TechnicalIssue.objects.create(
        title="别人的问题", due_on=today - timedelta(days=3), owner=cast.engineer_a2, **common
    )
    TechnicalIssue.objects.create(
        title="已解决",
        due_on=today - timedelta(days=3),
        owner=cast.engineer_a,
        status="resolved",
        resolved_at=timezone.now(),
        resolution="已修复",
        **common,
    )
    client.force_login(cast.engineer_a)
    response = client.get(URL)
    issues = response.context["issues"]
    assert [i.pk for i in issues.rows] == [late.pk] and issues.rows[0].days_overdue == 3
    assert "接口超时" in response.content.decode()


def test_follow_ups_due(client, cast, customer, settings):
    settings.PRESALES_FOLLOW_UP_DAYS = 7
    now = timezone.now()
    never = opportunity(customer, presales_lead=cast.engineer_a, name="从未回访")
    set_created(never, now - timedelta(days=30))
    stale = opportunity(customer, presales_lead=cast.engineer_a, name="回访已过期")
    set_created(stale, now - timedelta(days=30))
    follow_up(stale, now - timedelta(days=8))
    recent = opportunity(customer, presales_lead=cast.engineer_a, name="最近回访过")
    set_created(recent, now - timedelta(days=30))
    follow_up(recent, now - timedelta(days=8))
    follow_up(recent, now - timedelta(days=2))
    plain_call = opportunity(customer, presales_lead=cast.engineer_a, name="只有普通沟通")
    set_created(plain_call, now - timedelta(days=30))
    CommunicationLog.objects.create(
        customer=customer,
        opportunity=plain_call,
        occurred_at=now - timedelta(days=1),
        channel="phone",
        participants="x",
        subject="电话",
        content="沟通",
    )
    brand_new = opportunity(customer, presales_lead=cast.engineer_a, name="刚创建")
    client.force_login(cast.engineer_a)
    section = client.get(URL).context["follow_ups"]
    assert [o.pk for o in section.rows] == [never.pk, plain_call.pk, stale.pk]  # longest without first
    assert recent not in section.rows and brand_new not in section.rows
    row = next(o for o in section.rows if o.pk == stale.pk)
    assert row.last_follow_up is not None and row.days_without == 8
    assert next(o for o in section.rows if o.pk == never.pk).last_follow_up is None


def test_team_view_for_managers_and_leads(client, cast, customer):
    now = timezone.now()
    for _ in range(3):
        assigned(customer, cast.engineer_a, now=now)
    assigned(customer, cast.engineer_a, now=now, submitted_ago=10 * H, due_in=-H)
    assigned(customer, cast.engineer_a2, now=now, status="in_progress", responded_after=H)
    waiting = submit(actor=cast.sales_a, customer=customer, title="等待指派")
    other_team = CustomerFactory(presales_owner=cast.engineer_b, sales_owner=cast.sales_a)
    assigned(other_team, cast.engineer_b, now=now)
    client.force_login(cast.manager)
    response = client.get(URL)
    team = response.context["team"]
    rows = {row["engineer"]: (row["open"], row["overdue"], row["in_progress"]) for row in team["workload"]}
    assert rows == {cast.engineer_a: (4, 1, 0), cast.engineer_a2: (1, 0, 1), cast.engineer_b: (1, 0, 0)}
    assert [r.pk for r in team["unassigned"].rows] == [waiting.pk]
    assert 'id="team"' in response.content.decode() and "chart-workload" in response.content.decode()
    client.force_login(cast.lead_a)  # the lead sees their own team only
    rows = {row["engineer"] for row in client.get(URL).context["team"]["workload"]}
    assert rows == {cast.engineer_a, cast.engineer_a2}
    client.force_login(cast.engineer_a)
    assert client.get(URL).context["team"] is None


def test_charts(client, cast, customer):
    now = timezone.now()
    assigned(customer, cast.engineer_a, now=now, status="in_progress", responded_after=H, submitted_ago=3 * H)
    assigned(
        customer,
        cast.engineer_a,
        now=now,
        status="in_progress",
        responded_after=20 * H,
        submitted_ago=30 * H,
        due_in=-22 * H,
    )
    assigned(customer, cast.engineer_a, now=now)
    client.force_login(cast.engineer_a)
    response = client.get(URL)
    charts = response.context["charts"]
    assert sum(charts["status"]["values"]) == 3
    assert len(charts["responses"]["labels"]) == 12
    assert sum(charts["responses"]["met"]) == 1 and sum(charts["responses"]["late"]) == 1
    body = response.content.decode()
    assert 'id="my-work-charts"' in body and "vendor/echarts/echarts.min.js" in body


def test_sections_are_bounded(client, cast, customer):
    now = timezone.now()
    for _ in range(selectors.LIST_LIMIT + 3):
        assigned(customer, cast.engineer_a, now=now)
    client.force_login(cast.engineer_a)
    section = client.get(URL).context["assigned"]
    assert len(section.rows) == selectors.LIST_LIMIT and section.total == selectors.LIST_LIMIT + 3
    assert section.more == 3


@pytest.mark.parametrize("who", ["engineer_a", "manager", "sales_a"])
def test_query_count_does_not_grow(client, cast, customer, who):
    today = timezone.localdate()
    now = timezone.now()

    def grow():
        for i in range(6):
            assigned(
                customer,
                cast.engineer_a,
                now=now,
                status="in_progress" if i % 2 else "assigned",
                responded_after=H if i % 2 else None,
            )
            submit(actor=cast.sales_a, customer=customer)
            opp = opportunity(customer, presales_lead=cast.engineer_a, members=[cast.engineer_a2])
            set_created(opp, now - timedelta(days=20))
            follow_up(opp, now - timedelta(days=10))
            TechnicalIssue.objects.create(
                customer=customer,
                title=f"问题{i}",
                raised_on=today - timedelta(days=9),
                due_on=today - timedelta(days=2),
                owner=cast.engineer_a,
            )

    client.force_login(getattr(cast, who))
    grow()  # every section has rows before the first count
    assert_constant_queries(client, URL, grow, at_most=30)


def test_kpis_and_charts_of_one_grouped_aggregate_hand_counted(cast, customer):
    """`request_kpis` counts its groups (status × assigned to me × asked by me × last 90 days ×
    week of the first response) and sums them: every figure against a hand count."""
    now = datetime(2026, 12, 9, 4, 0, tzinfo=UTC)  # Wednesday 12:00 in Asia/Shanghai
    me = cast.engineer_a
    assigned(customer, me, now=now)  # running, on time: open only
    assigned(customer, me, now=now, wanted_in=5 * H)  # due soon
    assigned(customer, me, now=now, submitted_ago=10 * H, due_in=-2 * H)  # response overdue: judged
    assigned(customer, me, now=now, status="in_progress", submitted_ago=3 * H, responded_after=H)  # met now
    assigned(  # responded late (this week) and past its wanted-by time
        customer, me, now=now, status="in_progress", submitted_ago=30 * H, due_in=-22 * H,
        responded_after=20 * H, wanted_in=-3 * H,
    )  # fmt: skip
    assigned(  # met, the week before
        customer, me, now=now, status="in_progress", submitted_ago=8 * 24 * H, due_in=-(8 * 24 - 8) * H,
        responded_after=H,
    )  # fmt: skip
    assigned(  # done in time 100 days ago: outside the SLA window and the chart
        customer, me, now=now, status="done", submitted_ago=100 * 24 * H, due_in=-(100 * 24 - 8) * H,
        responded_after=H, done_at=now - 50 * 24 * H, wanted_in=-60 * 24 * H,
    )  # fmt: skip
    assigned(customer, me, now=now, requester=me)  # asked by me and assigned to me
    SupportRequestFactory(  # asked by me, waiting for an engineer
        customer=customer, requester=me, submitted_at=now - H, response_due_at=now + 7 * H,
        wanted_by=now + 72 * H,
    )  # fmt: skip
    SupportRequestFactory(  # asked by me, cancelled
        customer=customer, requester=me, status="cancelled", submitted_at=now - 20 * H,
        response_due_at=now - 12 * H, wanted_by=now + 48 * H,
    )  # fmt: skip
    assigned(customer, cast.engineer_a2, now=now, submitted_ago=10 * H, due_in=-2 * H)  # somebody else's

    kpis = selectors.request_kpis(user=me, now=now)
    names = ("assigned_open", "assigned_overdue", "assigned_due_soon", "sla_judged", "sla_met",
             "sla_met_percent", "submitted_open", "submitted_total")  # fmt: skip
    figures = {k: kpis[k] for k in names}
    assert figures == {
        "assigned_open": 7, "assigned_overdue": 2, "assigned_due_soon": 1, "sla_judged": 4, "sla_met": 2,
        "sla_met_percent": 50.0, "submitted_open": 2, "submitted_total": 3,
    }  # fmt: skip
    status = selectors.status_chart(kpis)
    statuses = ["new", "assigned", "in_progress", "done", "cancelled"]
    assert dict(zip(statuses, status["values"], strict=True)) == {
        "new": 1, "assigned": 4, "in_progress": 3, "done": 1, "cancelled": 1
    }
    assert status["total"] == 10
    responses = selectors.response_chart(kpis, now=now)
    assert responses["labels"][0] == "09-21" and responses["labels"][-2:] == ["11-30", "12-07"]
    assert responses["met"] == [0] * 10 + [1, 1] and responses["late"] == [0] * 11 + [1]
    assert responses["total"] == 3


def test_rows_link_and_name_what_the_lists_print(client, cast, customer):
    """The rows written by the my_work_tables tags: links to the request, the opportunity and the
    customer, the people's names, the translated texts."""
    from presales.insights.templatetags.my_work_tables import detail_link

    now = timezone.now()
    mine = assigned(customer, cast.engineer_a, now=now, title="资料<准备>")
    asked = submit(actor=cast.engineer_a, customer=customer, title="请协助")
    opp = opportunity(customer, presales_lead=cast.engineer_a, name="从未回访的项目")
    set_created(opp, now - timedelta(days=40))
    client.force_login(cast.engineer_a)
    body = client.get(URL).content.decode()
    assert f'<a href="/support/{mine.pk}/">{mine.number}</a>' in body
    assert "资料&lt;准备&gt;" in body and "刘销售" in body  # escaped title, the requester's name
    assert f'href="/support/{asked.pk}/">{asked.number} 请协助</a>' in body and "尚未指派" in body
    opp_link = f'<a href="/opportunities/{opp.pk}/">{opp.number}</a> 从未回访的项目'
    assert body.count(opp_link) == 2  # my open opportunities, follow-ups due
    assert "从未回访 · " in body and f'<a class="ms-2" href="/customers/{customer.pk}/">客户</a>' in body
    for name, pk in (("support:detail", 7), ("opportunities:detail", 12345), ("customers:detail", 1)):
        assert detail_link(name)(pk) == reverse(name, args=[pk])
    assert detail_link("opportunities:no_such_page") is None
