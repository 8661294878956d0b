"""The manager dashboard: each panel's figures against a hand-counted company, every figure's
drill-down list holding exactly as many rows as the figure says, team scoping (a team lead sees
only the team), who may open it, panel exports, and a query count that does not grow."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from presales.appraisal.choices import Step
from presales.appraisal.models import Appraisal
from presales.insights import dashboard
from presales.opportunities.choices import Stage
from presales.poc.choices import Level
from presales.poc.choices import Status as PocStatus
from presales.support.models import SupportRequest
from tests.factories.appraisal import make_committee, running_cycle
from tests.factories.bids import make_bid
from tests.factories.customers import CustomerFactory
from tests.factories.metrics import poc_row, project, stage_event
from tests.factories.support import SupportRequestFactory
from tests.kit import assert_constant_queries, check_access

pytestmark = pytest.mark.django_db

URL = reverse("insights:dashboard")
D = timedelta(days=1)
H = timedelta(hours=1)


def period_query(team=None, days=30):
    today = timezone.localdate()
    params = {"start": (today - timedelta(days=days)).isoformat(), "end": today.isoformat()}
    if team is not None:
        params["team"] = team.pk
    return params


def url(**params):
    return f"{URL}?{urlencode(params)}"


def request_row(customer, engineer, *, now, submitted_ago=2 * D, response_after=None, response_due_in=8 * H,
                wanted_in=3 * D, status="in_progress", done_after=None):
    submitted = now - submitted_ago
    return SupportRequestFactory(
        customer=customer,
        assignee=engineer,
        status=status,
        submitted_at=submitted,
        assigned_at=submitted,
        response_due_at=submitted + response_due_in,
        first_response_at=submitted + response_after if response_after is not None else None,
        wanted_by=submitted + wanted_in,
        done_at=submitted + done_after if done_after is not None else None,
    )


@pytest.fixture
def company(cast):
    """Team A (华东) and team B (华南), with every figure hand-counted in the comments."""
    now = timezone.now()
    a = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a, name="合肥储能科技有限公司",
                        industry="energy_storage")
    b = CustomerFactory(presales_owner=cast.engineer_b, sales_owner=cast.sales_a, name="深圳电网设备有限公司",
                        industry="power")
    assert a.team == cast.team_a and b.team == cast.team_b
    o = {}
    # Pipeline A: lead 2 (o1 100 + o6 50 = 150), discovery 1 (o2 200). B: lead 1 (b1 1000).
    o["o1"] = project(a, lead=cast.engineer_a, stage=Stage.LEAD, estimated_amount=Decimal("100"),
                      created_at=now - 5 * D, presales_assigned_at=now - 4 * D)  # early
    o["o2"] = project(a, lead=cast.engineer_a, stage=Stage.DISCOVERY, estimated_amount=Decimal("200"),
                      created_at=now - 10 * D, presales_assigned_at=now - 5 * D)  # late (5 days)
    o["o6"] = project(a, lead=None, stage=Stage.LEAD, estimated_amount=Decimal("50"), created_at=now - 2 * D)
    # Closed: A won by engineer_a (in the period), lost by engineer_a2 (in), won long ago (out).
    o["o3"] = project(a, lead=cast.engineer_a, stage=Stage.WON, closed_at=now - 3 * D, created_at=now - 200 * D)
    o["o4"] = project(a, lead=cast.engineer_a2, stage=Stage.LOST, closed_at=now - 4 * D, created_at=now - 200 * D)
    o["o5"] = project(a, lead=cast.engineer_a, stage=Stage.WON, closed_at=now - 100 * D, created_at=now - 200 * D)
    o["b1"] = project(b, lead=cast.engineer_b, stage=Stage.LEAD, estimated_amount=Decimal("1000"),
                      created_at=now - 1 * D, presales_assigned_at=now - 1 * D)
    o["b2"] = project(b, lead=cast.engineer_b, stage=Stage.WON, closed_at=now - 2 * D, created_at=now - 200 * D)
    # Conversion A in the period: lead 2 (o1, o2), discovery 1 (o2), won 1 (o3). B: lead 1.
    for key, stage, ago in [("o1", Stage.LEAD, 5), ("o2", Stage.LEAD, 10), ("o2", Stage.DISCOVERY, 8),
                            ("o3", Stage.WON, 3), ("o5", Stage.WON, 100), ("b1", Stage.LEAD, 1)]:
        event = stage_event(o[key], stage, cast.engineer_a)
        type(event).objects.filter(pk=event.pk).update(at=now - ago * D)
    # SLA A (submitted in the period): 4 requests; met 2 (r1, r4), late 1 (r2), overdue 1 (r3);
    # done on time 1 (r1), done late 1 (r2), past due 1 (r4); breached 3 (r2, r3, r4).
    request_row(a, cast.engineer_a, now=now, response_after=2 * H, status="done", done_after=1 * D)  # r1
    request_row(a, cast.engineer_a, now=now, response_after=20 * H, status="done", done_after=5 * D)  # r2
    request_row(a, cast.engineer_a, now=now, submitted_ago=1 * D, status="assigned")  # r3: no response, due passed
    request_row(a, cast.engineer_a, now=now, submitted_ago=5 * D, response_after=1 * H, wanted_in=2 * D)  # r4
    request_row(a, cast.engineer_a, now=now, submitted_ago=100 * D, response_after=20 * H, status="done",
                done_after=1 * D)  # r5: outside the period
    request_row(b, cast.engineer_b, now=now, response_after=20 * H, status="done", done_after=1 * D)  # B: late
    # POC funnel A (launched in the period): 4 launched, 3 started, 1 passed (excellent), 1 failed.
    p1 = poc_row(o["o2"], status=PocStatus.DRAFT)
    p2 = poc_row(o["o2"], status=PocStatus.RUNNING)
    p3 = poc_row(o["o2"], status=PocStatus.PASSED, verdict=Level.EXCELLENT, ended_at=now - D)
    p4 = poc_row(o["o2"], status=PocStatus.FAILED, verdict=Level.FAILED, ended_at=now - D)
    p5 = poc_row(o["o2"], status=PocStatus.PASSED, verdict=Level.PASSED, ended_at=now - 90 * D)
    pb = poc_row(o["b1"], status=PocStatus.RUNNING)
    from presales.poc.models import Poc

    for p in (p2, p3, p4, pb):
        Poc.objects.filter(pk=p.pk).update(started_at=now - 3 * D)
    Poc.objects.filter(pk=p5.pk).update(created_at=now - 100 * D, started_at=now - 99 * D)
    assert p1.started_at is None
    # Bids: A due in 5 days (counted), A due in 20 days (not), B due in 3 days (team B only).
    make_bid(cast, opportunity=o["o2"], deadline=now + 5 * D)
    make_bid(cast, opportunity=o["o2"], deadline=now + 20 * D)
    make_bid(cast, opportunity=o["b1"], actor=cast.engineer_b, deadline=now + 3 * D,
             business_owner=cast.engineer_b, technical_owner=cast.engineer_b)
    return {"now": now, "a": a, "b": b, **o}


def figures(client, user, params):
    client.force_login(user)
    response = client.get(url(**params))
    assert response.status_code == 200, response.content[:500]
    return response.context["panels"], response


def list_count(client, link):
    response = client.get(link)
    assert response.status_code == 200, link
    if "paginator" in response.context and response.context["paginator"] is not None:
        return response.context["paginator"].count
    return len(response.context["rows"])  # the appraisal cycle's participants


def test_access(client, cast, company):
    committee = make_committee(team=cast.team_b)
    check_access(client, cast, URL, permitted=["manager", "lead_a"], forbidden=["engineer_a", "sales_a", "nobody"])
    client.force_login(committee)
    assert client.get(URL).status_code == 200


def test_figures_for_team_a(client, cast, company):
    p, _ = figures(client, cast.manager, period_query(cast.team_a))
    pipeline = {r["stage"]: (r["count"], r["amount"]) for r in p["pipeline"]["rows"]}
    assert pipeline[Stage.LEAD] == (2, Decimal("150"))
    assert pipeline[Stage.DISCOVERY] == (1, Decimal("200"))
    assert p["pipeline"]["total_count"] == 3 and p["pipeline"]["weighted"] is True  # the forecast app is installed
    conversion = {r["stage"]: (r["entered"], r["rate"]) for r in p["conversion"]["rows"]}
    assert conversion[Stage.LEAD] == (2, 50.0) and conversion[Stage.DISCOVERY] == (1, 0.0)
    assert conversion[Stage.WON] == (1, None)
    sla = p["sla"]["totals"]
    assert sla == {"total": 4, "response_met": 2, "response_breached": 1, "response_overdue": 1,
                   "due_on_time": 1, "due_late": 1, "due_overdue": 1, "breached": 3}
    assert p["sla"]["response_rate"] == 50.0
    assert sum(w["total"] for w in p["sla"]["weeks"]) == 4
    engineers = {r["label"]: (r["won"], r["lost"], r["rate"]) for r in p["win_engineer"]["rows"]}
    assert engineers == {"张工": (1, 0, 100.0), "赵工": (0, 1, 0.0)}
    industries = [(r["won"], r["lost"], r["rate"]) for r in p["win_industry"]["rows"]]
    assert industries == [(1, 1, 50.0)]
    poc = p["poc"]
    assert (poc["launched"], poc["started"], poc["passed"], poc["excellent"], poc["failed"]) == (4, 3, 1, 1, 1)
    assert poc["success_rate"] == 50.0
    assert p["bids"]["total"] == 1 and len(p["bids"]["rows"]) == 1
    involvement = p["involvement"]
    assert (involvement["created"], involvement["early"], involvement["late"], involvement["unassigned"]) == (3, 1, 1, 1)
    load = {r["engineer"]: r for r in p["workload"]["rows"]}
    assert (load["张工"]["open_requests"], load["张工"]["open_opportunities"], load["张工"]["open_pocs"],
            load["张工"]["bids_due"]) == (2, 2, 2, 1)
    assert load["赵工"]["bids_due"] == 1 and "陈工" not in load


def test_every_team_for_a_manager(client, cast, company):
    p, _ = figures(client, cast.manager, period_query())
    lead = next(r for r in p["pipeline"]["rows"] if r["stage"] == Stage.LEAD)
    assert (lead["count"], lead["amount"]) == (3, Decimal("1150"))
    assert p["sla"]["totals"]["breached"] == 4 and p["bids"]["total"] == 2
    assert {r["engineer"] for r in p["workload"]["rows"]} >= {"张工", "陈工"}


def _links(p):
    """(figure, url) for every linked figure of the panels."""
    out = [(r["count"], r["url"]) for r in p["pipeline"]["rows"]]
    out.append((p["pipeline"]["total_count"], p["pipeline"]["total_url"]))
    out += [(r["entered"], r["url"]) for r in p["conversion"]["rows"]]
    out += [(p["sla"]["totals"][k], u) for k, u in p["sla"]["urls"].items()]
    out += [(w[k], w["urls"][k]) for w in p["sla"]["weeks"] for k in ("total", "breached")]
    for key in ("win_engineer", "win_industry"):
        out += [(r[k], r["urls"][k]) for r in p[key]["rows"] for k in ("won", "lost") if r["urls"][k]]
    out += [(p["poc"][k], u) for k, u in p["poc"]["urls"].items()]
    out.append((p["bids"]["total"], p["bids"]["url"]))
    out += [(p["involvement"][k], u) for k, u in p["involvement"]["urls"].items()]
    for r in p["workload"]["rows"]:
        out += [(r[k], u) for k, u in r["urls"].items()]
    if p["appraisal"].get("cycle"):
        out += [(s["count"], s["url"]) for s in p["appraisal"]["steps"]]
    return out


@pytest.mark.parametrize("who", ["manager", "lead_a"])
def test_every_figure_links_to_a_list_of_as_many_records(client, cast, company, who):
    committee = make_committee()
    cycle = running_cycle(cast, committee=committee)
    assert Appraisal.objects.filter(cycle=cycle, status=Step.SELF_ASSESSMENT).count() == 2
    user = getattr(cast, who)
    p, response = figures(client, user, period_query(cast.team_a))
    links = _links(p)
    assert len(links) > 40
    for figure, link in links:
        assert list_count(client, link) == figure, link
    # The page shows each figure as a link to its list.
    body = response.content.decode()
    assert f'href="{p["sla"]["urls"]["breached"].replace("&", "&amp;")}"' in body
    assert p["appraisal"]["self_count"] == 2 and p["appraisal"]["cycle"] == cycle


def test_a_team_lead_sees_only_the_team(client, cast, company):
    p, response = figures(client, cast.lead_a, {})
    assert response.context["scope"].team == cast.team_a
    assert p["pipeline"]["total_count"] == 3 and p["sla"]["totals"]["total"] == 4
    assert "陈工" not in {r["engineer"] for r in p["workload"]["rows"]}
    # Another team is not among the choices: refused with a field error, no figures.
    response = client.get(url(team=cast.team_b.pk))
    assert response.status_code == 200 and response.context["panels"] is None
    assert "team" in response.context["form"].errors


def test_bad_period_is_a_field_error(client, cast):
    client.force_login(cast.manager)
    response = client.get(url(start="2026-05-01", end="2026-04-01"))
    assert response.context["panels"] is None and "end" in response.context["form"].errors
    response = client.get(url(start="not a date"))
    assert "start" in response.context["form"].errors


def test_default_period_is_the_last_90_days(client, cast, company):
    _, response = figures(client, cast.manager, {})
    scope = response.context["scope"]
    assert scope.end == timezone.localdate() and (scope.end - scope.start).days == 89 and scope.team is None


def test_empty_dashboard_says_what_to_do(client, cast):
    _, response = figures(client, cast.manager, {})
    body = response.content.decode()
    assert "No support request was submitted in this period" in body or "这段时间内没有提交支持申请" in body


@pytest.mark.parametrize("panel", sorted(dashboard.PANELS))
def test_panel_export(client, cast, company, panel):
    client.force_login(cast.manager)
    response = client.get(url(export=panel, **period_query(cast.team_a)))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert all(h and re.search(r"[\u4e00-\u9fff]", h) for h in header), header
    assert ws.max_row >= 2


def test_sla_export_figures_and_formats(client, cast, company):
    client.force_login(cast.manager)
    response = client.get(url(export="sla", **period_query(cast.team_a)))
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    assert header[0] == "周起始日" and "SLA超时" in header
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert sum(r[header.index("SLA超时")] for r in rows if isinstance(r[1], int)) == 3
    assert ws.cell(row=2, column=1).number_format == "yyyy-mm-dd"


def test_unknown_panel_export_is_404(client, cast):
    client.force_login(cast.manager)
    assert client.get(url(export="nothing")).status_code == 404


def test_query_count_is_flat(client, cast, company):
    client.force_login(cast.manager)
    link = url(**period_query())
    now = timezone.now()

    def grow():
        more = CustomerFactory(presales_owner=cast.engineer_a2, sales_owner=cast.sales_a)
        for i in range(6):
            o = project(more, lead=cast.engineer_a2, stage=Stage.DISCOVERY, estimated_amount=Decimal("10"),
                        created_at=now - i * D)
            stage_event(o, Stage.DISCOVERY, cast.engineer_a2)
            poc_row(o, status=PocStatus.RUNNING)
            request_row(more, cast.engineer_a2, now=now, response_after=20 * H)
            make_bid(cast, opportunity=o, actor=cast.engineer_a2, deadline=now + (i + 1) * D,
                     business_owner=cast.engineer_a2, technical_owner=cast.engineer_a2)
        project(more, lead=cast.engineer_b, stage=Stage.WON, closed_at=now - D, industry="power")

    assert_constant_queries(client, link, grow, at_most=30)


def test_workload_counts_match_support_requests(cast, company):
    scope = dashboard.Scope(user=cast.manager, start=timezone.localdate() - 30 * D, end=timezone.localdate(),
                            team=cast.team_a)
    rows = {r["engineer"]: r for r in dashboard.workload(scope)["rows"]}
    assert rows["张工"]["open_requests"] == SupportRequest.objects.filter(
        assignee=cast.engineer_a, status__in=["new", "assigned", "in_progress"]).count()


def _add_company_data(cast, n: int, *, now, engineers=()) -> None:
    """`n` more opportunities of team A and team B, spread over the stages, engineers, industries
    and the period, each with a stage event; a POC for every 4th, a support request for every
    4th, a bid due for every 10th, closed ones for the win rates. Rows are written in bulk where
    no service rule is at stake (the figures are counted from the rows, whatever wrote them)."""
    from presales.opportunities import board_totals
    from presales.opportunities.models import Opportunity, StageEvent
    from presales.poc.models import Poc
    from tests.factories.opportunities import OpportunityFactory

    customers = [
        CustomerFactory(presales_owner=cast.engineer_a2, sales_owner=cast.sales_a, industry="power"),
        CustomerFactory(presales_owner=cast.engineer_b, sales_owner=cast.sales_a, industry="energy_storage"),
    ]
    stages = [Stage.LEAD, Stage.DISCOVERY, Stage.SOLUTION, Stage.BID, Stage.WON, Stage.LOST]
    leads = [cast.engineer_a2, cast.engineer_a, cast.engineer_b, *engineers, None]
    built = []
    for i in range(n):
        stage = stages[i % len(stages)]
        customer = customers[i % 2]
        built.append(OpportunityFactory.build(
            customer=customer, presales_lead=leads[i % len(leads)], stage=stage, industry=customer.industry,
            estimated_amount=Decimal(10 + i), closed_at=now - (i % 20) * D if stage in (Stage.WON, Stage.LOST) else None,
            presales_assigned_at=now - (i % 5) * D if leads[i % len(leads)] else None,
        ))
    created = Opportunity.objects.bulk_create(built)
    board_totals.rebuild()  # a bulk insert bypasses the kept board totals (a manager's pipeline)
    Opportunity.objects.filter(pk__in=[o.pk for o in created[::3]]).update(created_at=now - 10 * D)
    StageEvent.objects.bulk_create(
        StageEvent(opportunity=o, from_stage="", to_stage=o.stage, actor=cast.engineer_a) for o in created
    )
    Poc.objects.bulk_create(
        Poc(number=f"POC-Q-{o.pk}", opportunity=o, customer=o.customer, title="BMS响应时间验证", our_company="我司",
            status=PocStatus.RUNNING if i % 2 else PocStatus.PASSED, started_at=now - D)
        for i, o in enumerate(created[::4])
    )
    for i, o in enumerate(created[1::4]):
        request_row(o.customer, leads[i % (len(leads) - 1)], now=now, submitted_ago=(i % 30) * D + H,
                    response_after=(i % 3) * 8 * H or None, status="in_progress")
    for o in created[::10]:
        if o.stage in (Stage.WON, Stage.LOST):
            continue
        lead = cast.engineer_a2 if o.customer == customers[0] else cast.engineer_b
        Opportunity.objects.filter(pk=o.pk).update(presales_lead=lead)
        o.presales_lead = lead
        make_bid(cast, opportunity=o, actor=cast.manager, deadline=now + 3 * D, business_owner=lead,
                 technical_owner=lead)


@pytest.mark.parametrize("team", [False, True])
def test_query_count_is_the_same_for_20_and_200_opportunities(client, cast, team):
    """The page's queries do not depend on the amount of data: 20 opportunities (and their
    events, POCs, requests, bids) or 200, for every team and for one."""
    from tests.kit import count_queries

    now = timezone.now()
    client.force_login(cast.manager)
    link = url(**period_query(cast.team_a if team else None))
    _add_company_data(cast, 20, now=now)
    small = count_queries(client, link)
    panels = client.get(link).context["panels"]
    assert panels["pipeline"]["total_count"] > 0 and panels["win_engineer"]["rows"]
    # ... and more people: three more engineers of team A with their own work.
    from presales.accounts.choices import RoleCode
    from tests.factories.accounts import make_user

    more = [make_user(RoleCode.PRESALES_ENGINEER, team=cast.team_a, display_name=f"新工{i}") for i in range(3)]
    _add_company_data(cast, 180, now=now, engineers=more)
    large = count_queries(client, link)
    assert small == large, f"{small} queries with 20 opportunities, {large} with 200"
    assert large <= 25
    panels = client.get(link).context["panels"]
    assert panels["bids"]["total"] > 0 and any(r["open_pocs"] for r in panels["workload"]["rows"])
    assert {"新工0", "新工1", "新工2"} <= {r["engineer"] for r in panels["workload"]["rows"]}
    assert {"新工0", "新工1", "新工2"} <= {r["label"] for r in panels["win_engineer"]["rows"]}


@pytest.mark.parametrize("team", [False, True])
def test_a_managers_pipeline_from_the_kept_totals_equals_a_recount(cast, company, team):
    """A manager's pipeline reads the boards' kept totals (BoardTotal); they must give what a
    GROUP BY over the open opportunities gives, after saves, a stage move and a deletion."""
    from presales.forecast.selectors import weighted_pipeline
    from presales.opportunities.models import Opportunity

    o = company["o1"]
    o.estimated_amount = Decimal("333")
    o.save()
    Opportunity.objects.get(pk=company["o6"].pk).delete()
    moved = Opportunity.objects.get(pk=company["b1"].pk)
    moved.stage = Stage.SOLUTION
    moved.save()
    scope = dashboard.Scope(user=cast.manager, start=timezone.localdate() - 30 * D, end=timezone.localdate(),
                            team=cast.team_a if team else None)
    panel = dashboard.pipeline(scope)
    counted = weighted_pipeline(cast.manager, team=scope.team)  # GROUP BY over the rows
    assert [(r["count"], r["amount"]) for r in panel["rows"]] == [
        (s["count"], s["amount"]) for s in counted["stages"]
    ]
    assert panel["total_count"] == (2 if team else 3)


@pytest.mark.parametrize("lang", ["zh-hans", "en", "de"])
@pytest.mark.parametrize("thousands", [False, True])
def test_win_rows_tag_writes_what_the_template_loop_wrote(lang, thousands, settings):
    """The win-rate rows are written by a template tag for speed; its markup must be the loop's,
    escaping and number formatting included (a decimal comma, with and without a thousand
    separator)."""
    settings.USE_THOUSAND_SEPARATOR = thousands
    from django.template import Context, Template
    from django.utils import translation

    loop = Template(
        '{% for r in rows %}<tr><td>{{ r.label }}</td>\n'
        '    <td class="text-end">{% if r.urls.won %}<a href="{{ r.urls.won }}">{{ r.won }}</a>'
        '{% else %}{{ r.won }}{% endif %}</td>\n'
        '    <td class="text-end">{% if r.urls.lost %}<a href="{{ r.urls.lost }}">{{ r.lost }}</a>'
        '{% else %}{{ r.lost }}{% endif %}</td>\n'
        '    <td class="text-end">{% if r.rate is None %}—{% else %}{{ r.rate }}%{% endif %}</td></tr>\n'
        '  {% endfor %}'
    )
    tag = Template("{% load dashboard_tables %}{% win_rows rows %}")
    rows = [
        {"label": "<b>张&工</b>", "won": 3, "lost": 1, "rate": 75.0,
         "urls": {"won": "/o/?stage=won&presales_lead=1", "lost": "/o/?stage=lost&presales_lead=1"}},
        {"label": "—", "won": 1, "lost": 1, "rate": 50.0, "urls": {"won": "", "lost": ""}},
        {"label": "电力", "won": 0, "lost": 0, "rate": None, "urls": {"won": "/o/?a=1", "lost": ""}},
        {"label": "x", "won": 12345, "lost": 1, "rate": 99.9, "urls": {"won": "", "lost": "/o/?q=\"'<>"}},
        {"label": "y", "won": 1, "lost": 2, "rate": 33.3, "urls": {"won": "", "lost": ""}},
        {"label": "z", "won": 1, "lost": 0, "rate": 100.0, "urls": {"won": "", "lost": ""}},
        {"label": "tiny", "won": 0, "lost": 1, "rate": 1e-20, "urls": {"won": "", "lost": ""}},
    ]
    with translation.override(lang):
        assert tag.render(Context({"rows": rows})) == loop.render(Context({"rows": rows}))


@pytest.mark.parametrize("lang", ["en", "zh-hans", "de"])
@pytest.mark.parametrize("thousands", [False, True])
def test_workload_rows_tag_writes_what_the_template_loop_wrote(lang, thousands, settings):
    """The workload rows are written by a template tag for speed; its markup must be the loop's,
    escaping and number formatting included (with and without a thousand separator)."""
    from django.template import Context, Template
    from django.utils import translation

    settings.USE_THOUSAND_SEPARATOR = thousands
    loop = Template(
        '{% for r in rows %}<tr><td>{{ r.engineer }}</td><td class="small">{{ r.team }}</td>\n'
        '        <td class="text-end"><a href="{{ r.urls.open_requests }}">{{ r.open_requests }}</a></td>\n'
        '        <td class="text-end"><a href="{{ r.urls.open_opportunities }}">'
        '{{ r.open_opportunities }}</a></td>\n'
        '        <td class="text-end"><a href="{{ r.urls.open_pocs }}">{{ r.open_pocs }}</a></td>\n'
        '        <td class="text-end"><a href="{{ r.urls.bids_due }}">{{ r.bids_due }}</a></td></tr>'
        '{% endfor %}'
    )
    tag = Template("{% load dashboard_tables %}{% workload_rows rows %}")
    columns = ("open_requests", "open_opportunities", "open_pocs", "bids_due")
    urls = {c: f"/l/?{c}=1&status=open&q=\"'<>" for c in columns}
    rows = [
        {"engineer": "<b>张&工</b>", "team": "售前一部", "open_requests": 3, "open_opportunities": 12345,
         "open_pocs": 0, "bids_due": 1, "total": 12349, "urls": urls},
        {"engineer": "x", "team": "", "open_requests": 0, "open_opportunities": 0, "open_pocs": 0,
         "bids_due": 0, "total": 0, "urls": urls},
    ]
    with translation.override(lang):
        assert tag.render(Context({"rows": rows})) == loop.render(Context({"rows": rows}))
