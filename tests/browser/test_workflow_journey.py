"""End to end, in a real browser, the workflow artefacts of one opportunity from discovery to bid:

1. 需求调研: the research plan, a research activity held with the customer, two requirement
   items; the move to 方案设计 is refused on the opportunity's move panel while the requirement set
   is not confirmed; the customer's confirmation (需求确认书: who, when, how) is recorded; the move
   goes through.
2. 方案: the required sections are written; submitted for the three-level review; level 1 approves,
   level 2 returns it with comments; the author reads them, revises, resubmits; all three levels
   approve, the four departments agree (the cross-department review the pass needs); the
   opportunity moves to 演示/验证.
3. 演示: the preparation checklist (deck, materials, environment and its check, rehearsal), the
   delivery with a customer question (which lands on the customer's feedback list), the summary
   report; the opportunity moves to 投标.
4. 投标: the tender information; marking it submitted is refused while a review checklist item is
   open (the open item named); the last item is ticked; the sealed submission and the issuer's
   receipt are recorded.

Everything is done through the pages (clicks and form fills); only the people, the customer with
its contact and the opportunity are made by factories. Every step checks the page and the database.
"""

import importlib
import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import expect

from presales.accounts.choices import RoleCode
from presales.bids.models import Bid
from presales.customers.models import FeedbackItem
from presales.demos.models import Demo
from presales.discovery.models import RequirementConfirmation, RequirementItem, ResearchActivity, ResearchPlan
from presales.documents.samples import minimal_pdf
from presales.opportunities.models import Opportunity
from presales.solutions.models import LevelDecision, Solution
from tests.browser.journey import login
from tests.factories import CustomerFactory, TeamFactory, make_user
from tests.factories.discovery import make_contact, make_opportunity
from tests.factories.solutions import TEXT

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "workflow-bid.png"


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def zh_n(singular: str, plural: str, n: int) -> str:
    with translation.override("zh-hans"):
        return ngettext(singular, plural, n)


NOT_CONFIRMED = (
    "The requirement set (%(count)d item) is not confirmed by the customer: record the requirement "
    "confirmation (需求确认书).",
    "The requirement set (%(count)d items) is not confirmed by the customer: record the requirement "
    "confirmation (需求确认书).",
)
NO_RESEARCH = (
    "No communication record or held research activity for this opportunity: record at least one "
    "contact with the customer (the research behind the solution)."
)
NO_ITEMS = (
    "No requirement item is recorded: record the requirements the research found "
    "(requirement research → requirement items)."
)
DRAFT_SOLUTION = "Solution “%(title)s” is a draft: submit it for review."
DEMO_UNSUMMARISED = "Demo “%(title)s” was delivered but its summary report is not written."
OPEN_REVIEW_ITEMS = "The review checklist has %(count)s open items: %(items)s"
SOLUTION_TITLE = "储能电站BMS数据平台解决方案"
DEMO_TITLE = "储能电站BMS数据平台演示"
REQUIRED_SECTIONS = ["overview", "business_process", "architecture", "modules", "integration",
                     "implementation", "budget"]


@pytest.fixture
def seeded(transactional_db, settings, tmp_path):
    """Transactional tests start from an emptied database: re-create what the data migrations
    seed and this journey needs (roles, the solution section catalogue, the document categories);
    uploads and archived exports go to a throw-away media folder."""
    from django.apps import apps

    from presales.accounts.models import Role

    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)
    importlib.import_module("presales.solutions.migrations.0002_section_catalogue").seed(apps, None)
    importlib.import_module("presales.documents.migrations.0002_seed_categories").seed(apps, None)
    settings.MEDIA_ROOT = tmp_path / "media"


def save(page):
    """Submit the one form of a form page (core/form_page.html and the apps' action pages)."""
    page.locator("main form button[type=submit]").click()


def local(dt) -> str:
    """A datetime as a datetime-local input takes it (server time zone, minutes)."""
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def try_move(page, stage: str, reason: str = ""):
    page.select_option("[data-testid=move-form] select[name=to_stage]", stage)
    page.fill("[data-testid=move-form] textarea[name=reason]", reason)
    page.locator("[data-testid=move-form] button[type=submit]").click()


def move(page, stage: str, reason: str):
    """A move whose gates are met: the page reloads with the new stage."""
    expect(page.locator(f"[data-move={stage}] .move-reasons")).to_have_count(0)
    try_move(page, stage, reason)
    expect(page.locator(f"[data-testid=stage] [data-stage={stage}]")).to_be_visible()


def pdf(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": minimal_pdf([text])}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_workflow_journey(live_server, page, seeded):
    # --- minimal setup: the people, the customer with one contact, the opportunity in discovery ---
    team = TeamFactory(name="华东售前组")
    author = make_user(RoleCode.PRESALES_ENGINEER, team=team, username="zhangwei", display_name="张伟",
                       presales_level="intermediate")
    junior = make_user(RoleCode.PRESALES_ENGINEER, team=team, username="zhaomin", display_name="赵敏",
                       presales_level="junior")
    lead = make_user(RoleCode.PRESALES_ENGINEER, team=team, username="lihua", display_name="李华",
                     presales_level="intermediate")
    senior = make_user(RoleCode.PRESALES_MANAGER, team=team, username="wangqiang", display_name="王强",
                       presales_level="senior")
    team.lead = lead  # the team lead records the cross-department review
    team.save()
    sales = make_user(RoleCode.SALES, team=team, username="liuyang", display_name="刘洋")
    customer = CustomerFactory(name="苏州绿能储能科技有限公司", presales_owner=author, sales_owner=sales,
                               industry="energy_storage")
    contact = make_contact(customer, name="王主任", title="信息中心主任")
    opportunity = make_opportunity(SimpleNamespace(), lead=author, sales=sales, team=team, customer=customer,
                                   members=[], name="储能电站BMS数据平台")
    base = live_server.url
    opportunity_url = f"{base}{opportunity.get_absolute_url()}"
    now = timezone.now()
    today = timezone.localdate()

    login(page, base, "zhangwei")

    # === 1. 需求调研 ===============================================================================
    page.goto(opportunity_url)
    expect(page.locator("[data-testid=stage] [data-stage=discovery]")).to_be_visible()
    solution_gate = page.locator("[data-move=solution] .move-reasons")
    expect(solution_gate).to_contain_text(zh(NO_RESEARCH))
    expect(solution_gate).to_contain_text(zh(NO_ITEMS))

    # The research plan, from the opportunity's research panel.
    page.goto(opportunity_url)
    page.locator("[data-testid=opportunity-discovery] a[href$='/plan/']").click()
    expect(page.locator(f"input[name=our_participants][value='{author.pk}']")).to_be_checked()
    page.fill("textarea[name=goals]", "摸清储能电站BMS数据采集现状与告警处理痛点")
    page.fill("textarea[name=content]", "业务流程、现有SCADA与BMS系统、告警处理流程、期望目标")
    page.check("input[name=methods][value=workshop]")
    page.check(f"input[name=customer_contacts][value='{contact.pk}']")
    page.fill("input[name=starts_on]", (today - timedelta(days=5)).isoformat())
    page.fill("input[name=ends_on]", (today + timedelta(days=9)).isoformat())
    save(page)
    expect(page).to_have_url(re.compile(rf"/discovery/opportunity/{opportunity.pk}/#plan$"))
    expect(page.locator("#plan")).to_contain_text("摸清储能电站BMS数据采集现状")
    expect(page.locator("#plan")).to_contain_text("王主任")
    plan = ResearchPlan.objects.get(opportunity=opportunity)
    assert plan.methods == ["interview", "site_visit", "workshop"]
    assert list(plan.our_participants.all()) == [author] and list(plan.customer_contacts.all()) == [contact]

    # A research activity, recorded as held, with its notes.
    page.locator("#activities a[href$='/activities/new/']").click()
    page.select_option("select[name=kind]", "interview")
    page.fill("input[name=subject]", "与信息中心王主任访谈")
    page.fill("input[name=scheduled_at]", local(now - timedelta(days=2)))
    page.fill("input[name=duration_minutes]", "90")
    page.fill("input[name=location]", "客户总部会议室")
    page.check(f"input[name=customer_contacts][value='{contact.pk}']")
    page.fill("textarea[name=notes]", "现有告警误报多，夜班人手不足；希望按严重程度分级推送。")
    page.check("input[name=done]")
    save(page)
    activity_row = page.locator("[data-testid=activity]")
    expect(activity_row).to_have_count(1)
    expect(activity_row).to_contain_text("与信息中心王主任访谈")
    expect(activity_row).to_contain_text("王主任")
    activity = ResearchActivity.objects.get(opportunity=opportunity)
    assert activity.status == "done" and activity.notes.startswith("现有告警误报多")
    # The interview held is the research the opportunity's own gate asks for: no communication
    # record needs to be entered for the same meeting.
    page.goto(opportunity_url)
    expect(page.locator("[data-move=solution] .move-reasons")).not_to_contain_text(zh(NO_RESEARCH))
    page.goto(f"{base}{reverse('discovery:workspace', args=[opportunity.pk])}")

    # Two requirement items: one raised in the interview, one added from the list.
    activity_row.locator(f"a[href$='/requirements/new/?activity={activity.pk}']").click()
    expect(page.locator("select[name=source_activity]")).to_have_value(str(activity.pk))
    page.fill("input[name=title]", "告警分级推送")
    page.fill("textarea[name=description]", "按严重程度分级推送到值班手机，夜间只推送一级告警")
    page.select_option("select[name=priority]", "must")
    page.select_option("select[name=category]", "functional")
    page.select_option("select[name=status]", "in_scope")
    page.select_option("select[name=source_contact]", str(contact.pk))
    save(page)
    page.locator("#requirements a[href$='/requirements/new/']").click()
    page.fill("input[name=title]", "历史数据保留三年")
    page.select_option("select[name=priority]", "should")
    page.select_option("select[name=category]", "data")
    page.select_option("select[name=status]", "in_scope")
    page.fill("input[name=raised_by]", "运维部吴工")
    save(page)
    not_confirmed = zh_n(*NOT_CONFIRMED, 2) % {"count": 2}
    rows = page.locator("[data-testid=requirement]")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("REQ-001")
    expect(rows.nth(0)).to_contain_text("告警分级推送")
    expect(rows.nth(1)).to_contain_text("REQ-002")
    expect(page.locator("[data-testid=gate]")).to_contain_text(not_confirmed)
    assert list(RequirementItem.objects.filter(opportunity=opportunity).order_by("number")
                .values_list("number", "title", "priority", "source_contact_id")) == [
        (1, "告警分级推送", "must", contact.pk), (2, "历史数据保留三年", "should", None)]

    # Before the customer confirms: the move to 方案设计 is refused, with the reason, on the move panel.
    page.goto(opportunity_url)
    # the only reason left (the interview counts as the research)
    expect(page.locator("[data-move=solution] .move-reasons")).to_have_text(not_confirmed)
    try_move(page, "solution", "需求已收集，进入方案设计")
    expect(page.locator("#move-panel .alert-danger")).to_contain_text(not_confirmed)
    expect(page.locator("[data-testid=stage] [data-stage=discovery]")).to_be_visible()
    assert Opportunity.objects.get(pk=opportunity.pk).stage == "discovery"

    # The customer confirms by e-mail: who (the contact, the signatory filled from it), when, how.
    page.goto(f"{base}{reverse('discovery:workspace', args=[opportunity.pk])}")
    page.locator("#confirmation a[href$='/confirm/']").click()
    expect(page.locator("[data-testid=items-to-confirm] li")).to_have_count(2)
    page.check("input[name=method][value=email]")
    page.fill("input[name=confirmed_on]", today.isoformat())
    page.select_option("select[name=contact]", str(contact.pk))
    page.fill("textarea[name=reference]", "王主任邮件《需求确认》：“以上两项需求确认无误，请按此设计方案。”")
    save(page)
    expect(page).to_have_url(re.compile(r"#confirmation$"))
    confirmation_card = page.locator("#confirmation")
    expect(confirmation_card).to_contain_text("王主任")
    expect(confirmation_card).to_contain_text(today.isoformat())
    expect(page.locator("[data-testid=gate]")).not_to_contain_text(not_confirmed)
    expect(page.locator("[data-testid=gate] .text-success")).to_be_visible()
    confirmation = RequirementConfirmation.objects.get(opportunity=opportunity)
    assert (confirmation.round, confirmation.method, confirmation.contact_id, confirmation.signatory_name,
            confirmation.signatory_title, confirmation.confirmed_on, confirmation.item_count) == (
        1, "email", contact.pk, "王主任", "信息中心主任", today, 2)
    assert "确认无误" in confirmation.reference and confirmation.created_by == author

    # After the confirmation the move goes through.
    page.goto(opportunity_url)
    move(page, "solution", "需求确认书已签回，进入方案设计")
    assert Opportunity.objects.get(pk=opportunity.pk).stage == "solution"
    # The next gate already names what is missing: no solution yet.
    expect(page.locator("[data-move=demo_poc] .move-reasons")).to_be_visible()

    # === 2. 方案 ====================================================================================
    page.locator("[data-testid=opportunity-solutions] a[href*='/solutions/new/']").click()
    expect(page.locator("select[name=opportunity]")).to_have_value(str(opportunity.pk))
    page.fill("input[name=title]", SOLUTION_TITLE)
    page.select_option("select[name=reviewer_1]", str(junior.pk))
    page.select_option("select[name=reviewer_2]", str(lead.pk))
    page.select_option("select[name=reviewer_3]", str(senior.pk))
    save(page)
    expect(page).to_have_url(re.compile(r"/solutions/\d+/$"))
    solution = Solution.objects.get(title=SOLUTION_TITLE)
    solution_url = f"{base}{solution.get_absolute_url()}"
    assert solution.status == "draft" and solution.opportunity == opportunity and solution.author == author
    assert solution.sections.count() == 9 and solution.completeness == 0
    page.goto(opportunity_url)
    expect(page.locator("[data-move=demo_poc] .move-reasons")).to_contain_text(
        zh(DRAFT_SOLUTION) % {"title": SOLUTION_TITLE})
    page.goto(solution_url)

    # Submitting now is refused: the page names the missing sections.
    page.locator(f"a[href$='{reverse('solutions:submit', args=[solution.pk])}']").click()
    expect(page.locator("[data-testid=reasons]")).to_contain_text("项目预算")
    page.goto(solution_url)

    # Write the seven required sections.
    for code in REQUIRED_SECTIONS:
        page.locator(f"#section-{code} a").click()
        page.fill("textarea[name=content]", f"# {code}\n{TEXT}")
        save(page)
        expect(page.locator(f"#section-{code}")).to_contain_text(TEXT[:20])
    expect(page.locator("[data-testid=completeness]")).to_contain_text("100%")
    assert Solution.objects.get(pk=solution.pk).completeness == 100

    # Submit for the three-level review.
    page.locator(f"a[href$='{reverse('solutions:submit', args=[solution.pk])}']").click()
    expect(page.locator("[data-testid=reasons]")).to_have_count(0)
    save(page)
    expect(page).to_have_url(re.compile(rf"/solutions/{solution.pk}/$"))
    solution.refresh_from_db()
    assert (solution.status, solution.current_level, solution.rounds_count) == ("in_review", 1, 1)

    # Level 1 (junior reviewer) approves.
    login(page, base, "zhaomin")
    page.goto(solution_url)
    page.locator("a[href$='/decide/?decision=approved']").click()
    expect(page.locator("input[name=decision][value=approved]")).to_be_checked()
    page.fill("textarea[name=comments]", "结构完整，同意提交中级评审")
    save(page)
    expect(page).to_have_url(re.compile(rf"/solutions/{solution.pk}/$"))
    solution.refresh_from_db()
    assert (solution.status, solution.current_level) == ("in_review", 2)

    # Level 2 returns it, with comments (required: without them the return is refused).
    login(page, base, "lihua")
    page.goto(solution_url)
    page.locator("a[href$='/decide/?decision=returned']").click()
    expect(page.locator("input[name=decision][value=returned]")).to_be_checked()
    save(page)
    expect(page.locator("[data-field-error=comments]")).to_be_visible()
    assert Solution.objects.get(pk=solution.pk).status == "in_review"
    page.fill("textarea[name=comments]", "技术架构缺少部署模型与高可用设计，请补充后重新提交")
    save(page)
    expect(page).to_have_url(re.compile(rf"/solutions/{solution.pk}/$"))
    solution.refresh_from_db()
    assert (solution.status, solution.current_level, solution.first_pass) == ("returned", None, False)
    assert list(LevelDecision.objects.filter(round__solution=solution).order_by("level")
                .values_list("level", "decision", "reviewer__username")) == [
        (1, "approved", "zhaomin"), (2, "returned", "lihua")]

    # The author reads the comments, revises the architecture section and resubmits.
    login(page, base, "zhangwei")
    page.goto(solution_url)
    expect(page.locator("[data-testid=timeline]")).to_contain_text("缺少部署模型与高可用设计")
    page.locator("#section-architecture a").click()
    page.fill("textarea[name=content]", f"# 技术架构\n{TEXT}\n部署模型：本地双机房，主备热切换。")
    save(page)
    expect(page.locator("#section-architecture")).to_contain_text("主备热切换")
    page.locator(f"a[href$='{reverse('solutions:submit', args=[solution.pk])}']").click()
    save(page)  # a resubmission must say what changed
    expect(page.locator("[data-field-error=change_summary]")).to_be_visible()
    assert Solution.objects.get(pk=solution.pk).status == "returned"
    page.fill("textarea[name=change_summary]", "补充部署模型与高可用设计")
    save(page)
    expect(page).to_have_url(re.compile(rf"/solutions/{solution.pk}/$"))
    solution.refresh_from_db()
    assert (solution.status, solution.current_level, solution.rounds_count) == ("in_review", 1, 2)
    assert solution.versions.count() == 2

    # The resubmission restarts at level 1: all three levels approve.
    for username, level in (("zhaomin", 1), ("lihua", 2), ("wangqiang", 3)):
        login(page, base, username)
        page.goto(solution_url)
        page.locator("a[href$='/decide/?decision=approved']").click()
        save(page)
        expect(page).to_have_url(re.compile(rf"/solutions/{solution.pk}/$"))
        solution.refresh_from_db()
        assert solution.status == ("in_review" if level < 3 else "cross_dept_review")
    assert solution.current_level is None

    # The cross-department review (recorded by the team lead): all four departments agree, one with changes.
    login(page, base, "lihua")
    page.goto(solution_url)
    for department in ("technical", "quality", "marketing", "business"):
        page.locator(f"#departments a[href$='?department={department}']").click()
        expect(page.locator("select[name=department]")).to_have_value(department)
        page.fill("input[name=reviewer_name]", f"{department}评审人")
        if department == "business":
            page.check("input[name=decision][value=agree_with_changes]")
            page.fill("textarea[name=comments]", "报价口径需与商务部核对后再对外")
        save(page)
        expect(page).to_have_url(re.compile(rf"/solutions/{solution.pk}/$"))
        expected = "passed" if department == "business" else "cross_dept_review"
        assert Solution.objects.get(pk=solution.pk).status == expected
    solution.refresh_from_db()
    assert solution.passed_at is not None and solution.rounds.get(number=2).outcome == "passed"
    expect(page.locator("[data-testid=departments]")).to_contain_text("报价口径需与商务部核对")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("补充部署模型与高可用设计")

    # The solution passed: the opportunity moves on to 演示/验证.
    login(page, base, "zhangwei")
    page.goto(opportunity_url)
    move(page, "demo_poc", "方案评审通过，安排客户演示")
    assert Opportunity.objects.get(pk=opportunity.pk).stage == "demo_poc"

    # === 3. 演示 ====================================================================================
    page.locator("[data-testid=opportunity-demos] a[href*='/demos/new/']").click()
    expect(page.locator("select[name=opportunity]")).to_have_value(str(opportunity.pk))
    expect(page.locator(f"input[name=presenters][value='{author.pk}']")).to_be_checked()
    page.fill("input[name=title]", DEMO_TITLE)
    page.fill("textarea[name=scenario]", "夜间一级告警从触发到值班手机推送的闭环")
    page.fill("textarea[name=goals]", "让客户确认告警分级推送覆盖其夜班痛点")
    page.select_option("select[name=mode]", "on_site")
    page.fill("input[name=location]", "客户总部会议室")
    save(page)
    expect(page).to_have_url(re.compile(r"/demos/\d+/$"))
    demo = Demo.objects.get(title=DEMO_TITLE)
    demo_url = f"{base}{demo.get_absolute_url()}"
    assert demo.status == "planned" and demo.opportunity == opportunity and demo.materials.count() == 4
    open_items = page.locator("[data-testid=open-items]")
    expect(open_items).to_contain_text(zh("The demo deck is not uploaded."))
    expect(open_items).to_contain_text(zh("The rehearsal is not done."))

    # Preparation: the deck (a registered document), the other required materials, the
    # environment and its check, the rehearsal.
    page.locator(f"a[href$='{reverse('demos:deck', args=[demo.pk])}']").click()
    page.set_input_files("input[name=file]", pdf("演示文稿.pdf", "BMS demo deck"))
    save(page)
    expect(page).to_have_url(re.compile(rf"/demos/{demo.pk}/$"))
    expect(page.locator("#preparation")).not_to_contain_text(zh("The demo deck is not uploaded."))
    for material in demo.materials.filter(required=True).exclude(kind="deck"):
        page.locator(f"a[href$='{reverse('demos:material_edit', args=[material.pk])}']").click()
        page.check("input[name=ready]")
        save(page)
    page.locator(f"a[href$='{reverse('demos:preparation', args=[demo.pk])}']").click()
    page.fill("input[name=environment_url]", "https://demo.example.com/bms")
    page.fill("textarea[name=environment_notes]", "演示账号 demo/demo，备用4G热点")
    page.fill("input[name=rehearsal_on]", today.isoformat())
    page.fill("input[name=rehearsal_participants]", "张伟、赵敏")
    page.check("input[name=rehearsal_done]")
    save(page)
    page.locator(f"a[href$='{reverse('demos:environment_check', args=[demo.pk])}']").click()
    expect(page.locator("input[name=checked]")).to_be_checked()
    save(page)
    expect(page).to_have_url(re.compile(rf"/demos/{demo.pk}/$"))
    expect(page.locator("[data-testid=open-items]")).to_have_count(0)
    demo.refresh_from_db()
    assert demo.deck_document is not None and demo.environment_checked and demo.rehearsal_done
    assert not demo.materials.filter(required=True, ready=False).exists()
    page.locator("a[data-move=prepared]").click()
    save(page)
    expect(page.locator("[data-status=prepared]").first).to_be_visible()
    assert Demo.objects.get(pk=demo.pk).status == "prepared"

    # Delivery: when, how long, who of both sides.
    page.locator(f"a[href$='{reverse('demos:delivery', args=[demo.pk])}']").click()
    page.fill("input[name=delivered_at]", local(now - timedelta(hours=2)))
    page.fill("input[name=duration_minutes]", "75")
    expect(page.locator(f"input[name=our_attendees][value='{author.pk}']")).to_be_checked()
    page.check(f"input[name=customer_contacts][value='{contact.pk}']")
    page.fill("textarea[name=customer_others]", "吴工，运维经理")
    page.fill("textarea[name=notes]", "演示顺利，客户对告警闭环兴趣浓厚")
    save(page)
    expect(page.locator("#delivery")).to_contain_text("吴工")
    demo.refresh_from_db()
    assert demo.status == "delivered" and demo.duration_minutes == 75
    assert sorted(demo.attendees.values_list("side", "name")) == [
        ("customer", "吴工"), ("customer", "王主任"), ("ours", "张伟")]

    # A customer question, left open: it goes on the customer's feedback list.
    page.locator(f"#questions a[href$='{reverse('demos:question_create', args=[demo.pk])}']").click()
    page.fill("textarea[name=question]", "能否支持与现有SCADA系统的告警双向同步？")
    page.select_option("select[name=asked_by_contact]", str(contact.pk))
    page.select_option("select[name=status]", "open")
    save(page)
    expect(page).to_have_url(re.compile(r"#questions$"))
    expect(page.locator("#questions")).to_contain_text("能否支持与现有SCADA系统的告警双向同步")
    expect(page.locator("#questions")).to_contain_text("王主任")
    question = demo.questions.get()
    assert question.status == "open" and question.asked_by == "王主任"
    feedback = FeedbackItem.objects.get(customer=customer)
    assert question.feedback_item == feedback and feedback.source == "demo"
    assert feedback.content == "能否支持与现有SCADA系统的告警双向同步？"

    # Until the summary report is written the opportunity cannot move to 投标.
    page.goto(opportunity_url)
    expect(page.locator("[data-move=bid] .move-reasons")).to_contain_text(
        zh(DEMO_UNSUMMARISED) % {"title": DEMO_TITLE})

    # The summary report (exported and archived as a document).
    page.goto(demo_url)
    page.locator(f"a[href$='{reverse('demos:summary', args=[demo.pk])}']").click()
    page.fill("textarea[name=customer_reaction]", "客户认可告警分级推送，希望尽快看到报价")
    page.fill("textarea[name=strengths]", "贴合夜班运维流程，推送时延短")
    page.fill("textarea[name=issues]", "与SCADA双向同步尚需确认接口")
    page.fill("textarea[name=follow_up_actions]", "一周内提交SCADA接口方案（张伟）")
    page.fill("textarea[name=next_steps]", "准备投标文件")
    save(page)
    expect(page.locator("#summary")).to_contain_text("贴合夜班运维流程")
    expect(page.locator("[data-status=summarised]").first).to_be_visible()
    demo.refresh_from_db()
    assert demo.status == "summarised" and demo.summarised_at is not None
    assert demo.summary_document is not None and demo.summary_missing() == []
    expect(page.locator("#summary")).to_contain_text(demo.summary_document.number)

    # The demo is settled: the opportunity moves on to 投标.
    page.goto(opportunity_url)
    move(page, "bid", "客户发布招标公告")
    assert Opportunity.objects.get(pk=opportunity.pk).stage == "bid"

    # === 4. 投标 ====================================================================================
    page.locator("[data-testid=opportunity-bids] a[href*='/bids/new/']").click()
    expect(page.locator("select[name=opportunity]")).to_have_value(str(opportunity.pk))
    expect(page.locator("input[name=project_name]")).to_have_value(opportunity.name)
    expect(page.locator("input[name=issuer]")).to_have_value(customer.name)
    deadline = timezone.localtime(now + timedelta(days=10)).replace(hour=9, minute=30, second=0,
                                                                    microsecond=0)
    page.fill("input[name=tender_number]", "SZGN-2030-018")
    page.fill("input[name=deadline]", deadline.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=opening_place]", "苏州市公共资源交易中心三楼开标室")
    page.fill("input[name=bond_amount]", "50000")
    page.select_option("select[name=bond_status]", "paid")
    page.fill("input[name=copies]", "5")
    page.fill("input[name=binding]", "胶装，正本一份副本四份")
    page.fill("input[name=sealing]", "密封袋加盖公章，注明项目编号")
    page.select_option("select[name=business_owner]", str(sales.pk))
    page.select_option("select[name=technical_owner]", str(author.pk))
    save(page)
    expect(page).to_have_url(re.compile(r"/bids/\d+/$"))
    bid = Bid.objects.get(opportunity=opportunity)
    bid_url = f"{base}{bid.get_absolute_url()}"
    assert re.fullmatch(r"TB-\d{4}-0001", bid.number)
    assert (bid.status, bid.tender_number, bid.bond_status, bid.copies) == (
        "preparing", "SZGN-2030-018", "paid", 5)
    assert timezone.localtime(bid.deadline).replace(tzinfo=None) == deadline.replace(tzinfo=None)
    expect(page.locator("[data-testid=tender-deadline]")).to_contain_text(deadline.strftime("%Y-%m-%d %H:%M"))
    items = list(bid.review_items.order_by("group", "position", "pk"))
    assert len(items) == 9 and not any(i.is_checked for i in items)

    # Tick the business part's company profile, and every review checklist item but the last.
    section = bid.sections.get(kind="company_profile")
    page.locator("button[data-bs-target='#business']").click()
    with page.expect_navigation():
        page.locator(f"form[action='{reverse('bids:section_toggle', args=[section.pk])}'] button").click()
    assert bid.sections.get(pk=section.pk).done
    last = items[-1]
    for item in items[:-1]:
        page.locator("button[data-bs-target='#review']").click()
        with page.expect_navigation():
            page.locator(f"form[action='{reverse('bids:review_toggle', args=[item.pk])}'] button").click()
    assert list(bid.review_items.filter(checked_at__isnull=True)) == [last]

    # Marking it submitted is refused while that item is open: the item is named before and after trying.
    page.goto(bid_url)
    page.locator("button[data-bs-target='#submission']").click()
    problems = page.locator("[data-testid=submission-problems]")
    expect(problems).to_contain_text(last.text)
    page.locator(f"#submission a[href$='{reverse('bids:submit', args=[bid.pk])}']").click()
    expect(page).to_have_url(re.compile(rf"/bids/{bid.pk}/submit/$"))
    expect(page.locator("[data-testid=submission-problems]")).to_contain_text(last.text)
    page.check("input[name=method][value=in_person]")
    page.fill("textarea[name=note]", "张伟现场递交")
    save(page)
    refusal = page.locator("main form .alert-danger")
    expect(refusal).to_contain_text(zh("The bid cannot be marked as submitted."))
    expect(refusal).to_contain_text(zh(OPEN_REVIEW_ITEMS) % {"count": 1, "items": last.text})
    bid.refresh_from_db()
    assert bid.status == "preparing" and bid.submitted_at is None

    # Close the last item; now the checklist is complete and the sealed bid is delivered.
    page.goto(bid_url)
    page.locator("button[data-bs-target='#review']").click()
    with page.expect_navigation():
        page.locator(f"form[action='{reverse('bids:review_toggle', args=[last.pk])}'] button").click()
    assert not bid.review_items.filter(checked_at__isnull=True).exists()
    page.locator("button[data-bs-target='#submission']").click()
    expect(page.locator("[data-testid=submission-problems]")).to_have_count(0)
    page.locator(f"#submission a[href$='{reverse('bids:submit', args=[bid.pk])}']").click()
    expect(page).to_have_url(re.compile(rf"/bids/{bid.pk}/submit/$"))
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(page.locator("[data-testid=submission-problems]")).to_have_count(0)
    page.check("input[name=method][value=in_person]")
    page.fill("textarea[name=note]", "张伟现场递交，密封完好")
    save(page)
    expect(page).to_have_url(re.compile(rf"/bids/{bid.pk}/$"))
    bid.refresh_from_db()
    assert (bid.status, bid.submission_method, bid.submitted_by, bid.submission_note) == (
        "submitted", "in_person", author, "张伟现场递交，密封完好")

    # The issuer's receipt, with its scan filed as a document.
    page.locator("button[data-bs-target='#submission']").click()
    expect(page.locator("#submission")).to_contain_text("张伟现场递交，密封完好")
    page.locator(f"#submission a[href$='{reverse('bids:receipt', args=[bid.pk])}']").click()
    page.fill("input[name=receipt_number]", "HZ-2030-0456")
    page.fill("input[name=received_by]", "交易中心周老师")
    page.set_input_files("input[name=scan]", pdf("投标回执.pdf", "Receipt HZ-2030-0456"))
    save(page)
    expect(page).to_have_url(re.compile(rf"/bids/{bid.pk}/$"))
    bid.refresh_from_db()
    assert (bid.status, bid.receipt_number, bid.receipt_received_by) == (
        "submitted", "HZ-2030-0456", "交易中心周老师")
    assert bid.receipt_document is not None and bid.receipt_at is not None and bid.result == ""
    assert list(bid.events.order_by("at", "pk").values_list("action", flat=True)) == [
        "created", "submitted", "receipt"]
    page.locator("button[data-bs-target='#submission']").click()
    submission = page.locator("#submission")
    expect(submission).to_contain_text("HZ-2030-0456")
    expect(submission).to_contain_text(bid.receipt_document.number)
    expect(page.locator("[data-testid=countdown]")).to_have_count(0)  # no longer open: no countdown

    expect(submission).to_have_class(re.compile(r"\bshow\b"))  # the tab's fade-in has started

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True, animations="disabled")
