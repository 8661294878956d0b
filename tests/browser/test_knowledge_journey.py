"""End to end, in a real browser, the knowledge loop (issue #10):

1. An engineer searches the knowledge base in Chinese from the top bar (the `/` shortcut), reads
   the ranked, highlighted results and opens a case.
2. On an opportunity whose requirements the customer confirmed, the engineer clicks 起草方案大纲:
   a draft solution opens, every required section present, the reused passages quoted with their
   source; the case now lists the solution under "where used".
3. The engineer edits the one section that had nothing to prefill, assigns the three reviewers and
   submits the draft for review (the three-level review of any solution).
4. A manager opens a closed opportunity, publishes its retrospective to the knowledge base (a
   prefilled case), reviews and publishes it; a search finds it.

Only the people, the customer, the opportunities with their confirmed requirements and the two
published articles are made by factories and services; every step is clicks and form fills.
"""

import importlib
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from presales.accounts.choices import RoleCode
from presales.knowledge import services as knowledge
from presales.knowledge.choices import ArticleKind, ArticleStatus
from presales.knowledge.models import Article, Citation
from presales.opportunities.choices import Outcome, Stage
from presales.solutions.models import Solution
from tests.browser.journey import login
from tests.factories import CustomerFactory, TeamFactory, make_user
from tests.factories.discovery import add_item, confirm, make_opportunity, make_plan
from tests.factories.opportunities import RetrospectiveFactory

CASE_BODY = ("## 背景\n\n某储能电站夏季高温时BMS误报警频繁，值班人员疲于处理。\n\n"
             "## 做法\n\n标定温度传感器，优化告警回差与分级推送规则，误报率由5%降到0.6%。")
TEMPLATE_BODY = ("## 技术架构设计\n\n采用云边协同架构：边缘网关就近采集BMS数据，平台侧完成告警分析与高温误报抑制。\n\n"
                 "## 系统集成方案\n\n通过OPC UA与Modbus接口对接客户现有SCADA系统，告警数据双向同步。\n\n"
                 "## 实施计划\n\n分三期实施：告警分级推送、SCADA对接、运维培训与验收。")
BUDGET = "按站点规模分三档报价：硬件网关、平台软件、实施服务与首年运维分别列示，付款分签约、上线、验收三个节点。"


@pytest.fixture
def seeded(transactional_db, settings, tmp_path):
    """Transactional tests start from an emptied database: re-create the roles and the solution
    section catalogue (data migrations)."""
    from django.apps import apps

    from presales.accounts.models import Role

    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)
    importlib.import_module("presales.solutions.migrations.0002_section_catalogue").seed(apps, None)
    settings.MEDIA_ROOT = tmp_path / "media"


def save(page):
    page.locator("main form button[type=submit]").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_knowledge_journey(live_server, page, seeded):
    team = TeamFactory(name="华东售前组")
    me = make_user(RoleCode.PRESALES_ENGINEER, team=team, username="zhangwei", display_name="张伟",
                   presales_level="intermediate")
    junior = make_user(RoleCode.PRESALES_ENGINEER, team=team, username="zhaomin", display_name="赵敏",
                       presales_level="junior")
    lead = make_user(RoleCode.PRESALES_ENGINEER, team=team, username="lihua", display_name="李华",
                     presales_level="intermediate")
    boss = make_user(RoleCode.PRESALES_MANAGER, team=team, username="wangqiang", display_name="王强",
                     presales_level="senior")
    team.lead = lead
    team.save()
    sales = make_user(RoleCode.SALES, team=team, username="liuyang", display_name="刘洋")
    people = type("People", (), {"engineer_a": me, "sales_a": sales, "team_a": team, "engineer_a2": junior})
    customer = CustomerFactory(name="苏州绿能储能科技有限公司", presales_owner=me, sales_owner=sales,
                               industry="energy_storage")

    # Published knowledge: a case and a template (written and published through the services).
    case = knowledge.article_publish(actor=boss, article=knowledge.article_create(
        actor=junior, kind=ArticleKind.SUCCESS_CASE, title="储能电站BMS高温误报治理案例", body=CASE_BODY,
        industry="energy_storage", tags=["BMS"]))
    template = knowledge.article_publish(actor=boss, article=knowledge.article_create(
        actor=junior, kind=ArticleKind.TEMPLATE, title="储能电站BMS监控解决方案模板", body=TEMPLATE_BODY,
        industry="energy_storage"))

    # An opportunity whose requirement items the customer confirmed.
    opportunity = make_opportunity(people, name="苏州储能电站BMS监控平台", customer=customer, stage=Stage.SOLUTION)
    opportunity.description = "客户储能电站夏季高温时BMS误报警太多，希望统一监控并分级推送告警。"
    opportunity.save()
    make_plan(people, opportunity)
    add_item(people, opportunity, title="高温工况下BMS误报率低于1%", category="performance", priority="must")
    add_item(people, opportunity, title="告警分级推送到值班手机", category="functional", priority="must")
    add_item(people, opportunity, title="与现有SCADA系统对接", category="integration", priority="should")
    confirm(people, opportunity)

    # A lost opportunity with its retrospective, for the manager.
    lost = make_opportunity(people, name="无锡储能电站BMS改造", customer=customer, stage=Stage.LOST)
    lost.closed_at = timezone.now()
    lost.save()
    RetrospectiveFactory(opportunity=lost, outcome=Outcome.LOST, summary="价格高于竞品，客户更看重初期投资。",
                         lessons="尽早做高温工况实测，用数据说明长期收益。", competitor_won="竞品A",
                         decisive_factors="价格")
    base = live_server.url
    page.goto(f"{base}/accounts/login/", timeout=120_000)  # the server's first answer (cold start) may be slow

    # 1. Search in Chinese from the top bar: "/" focuses the box.
    login(page, base, "zhangwei")
    page.goto(f"{base}/knowledge/")
    page.wait_for_load_state("load")
    page.locator("h1").click()  # nothing focused: "/" is the shortcut, not a typed character
    page.keyboard.press("/")
    expect(page.locator("#global-search")).to_be_focused()
    page.keyboard.type("高温误报率")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/knowledge/find/\?q="))
    hit = page.locator(f"a[href='{case.get_absolute_url()}']").first
    expect(hit).to_be_visible()
    expect(page.locator("mark").first).to_be_visible()  # the matched words highlighted
    hit.click()
    expect(page.locator("h1")).to_contain_text(case.title)
    expect(page.locator("main")).to_contain_text("误报率由5%降到0.6%")

    # 2. Draft the outline from the opportunity's page.
    page.goto(f"{base}{opportunity.get_absolute_url()}")
    page.locator("[data-testid=draft-outline] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/solutions/\d+/$"))
    solution = Solution.objects.get(opportunity=opportunity)
    expect(page.locator(".alert-success")).to_contain_text("方案大纲已起草")
    sections = page.locator("[data-testid=sections]")
    for title in ("方案概述", "技术架构设计", "系统集成方案", "实施计划", "项目预算"):
        expect(sections).to_contain_text(title)
    expect(page.locator("#section-architecture")).to_contain_text("REQ-001")
    expect(page.locator("#section-architecture")).to_contain_text(f"〔来源：知识库 KB-{template.pk}《{template.title}》")
    expect(page.locator("[data-testid=solution-sources]")).to_contain_text(case.title)
    assert set(Citation.objects.filter(solution=solution).values_list("article_id", flat=True)) == {
        case.pk, template.pk}
    page.goto(f"{base}{case.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text(solution.title)  # where used

    # 3. Edit the section with nothing to prefill, assign the reviewers, submit.
    page.goto(f"{base}{solution.get_absolute_url()}")
    expect(page.locator("#section-budget")).to_contain_text("待补充")
    page.locator("#section-budget a", has_text="编辑").click()
    page.fill("textarea[name=content]", BUDGET)
    save(page)
    expect(page.locator("#section-budget")).to_contain_text("按站点规模分三档报价")
    page.goto(f"{base}/solutions/{solution.pk}/edit/")
    page.select_option("select[name=reviewer_1]", str(junior.pk))
    page.select_option("select[name=reviewer_2]", str(lead.pk))
    page.select_option("select[name=reviewer_3]", str(boss.pk))
    save(page)
    page.goto(f"{base}/solutions/{solution.pk}/submit/")
    save(page)
    expect(page).to_have_url(re.compile(rf"/solutions/{solution.pk}/$"))
    solution.refresh_from_db()
    assert solution.status == "in_review" and solution.current_level == 1
    version = solution.versions.get()
    budget = next(s for s in version.sections if s["code"] == "budget")
    assert budget["content"] == BUDGET

    # 4. The manager publishes the retrospective to the knowledge base.
    login(page, base, "wangqiang")
    page.goto(f"{base}{lost.get_absolute_url()}")
    page.locator("#retrospective form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/knowledge/\d+/$"))
    article = Article.objects.get(origin__startswith="retrospective:")
    assert article.kind == ArticleKind.FAILURE_CASE and article.status == ArticleStatus.DRAFT
    expect(page.locator("main")).to_contain_text("尽早做高温工况实测")
    page.locator(f"form[action$='/knowledge/{article.pk}/publish/'] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("已发布")
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.reviewer == boss
    page.goto(f"{base}/knowledge/search/?q=高温工况实测")
    expect(page.locator(f"a[href='{article.get_absolute_url()}']")).to_be_visible()
