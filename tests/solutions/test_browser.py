"""End to end, in a real browser: the author sees the missing section named, writes it, the score
reaches 100 %, submits; the junior reviewer returns it with comments; the author reads them."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from presales.accounts.choices import RoleCode
from presales.solutions.models import Solution
from tests.factories import TeamFactory, make_user
from tests.factories.solutions import TEXT, fill_sections, make_opportunity

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "solutions-detail.png"


def login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-123456")
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_solution_journey(live_server, page, seeded):
    from presales.solutions import services

    team = TeamFactory(name="华东售前组")
    author = make_user(
        RoleCode.PRESALES_ENGINEER,
        team=team,
        username="zhangwei",
        display_name="张伟",
        presales_level="intermediate",
    )
    junior = make_user(
        RoleCode.PRESALES_ENGINEER,
        team=team,
        username="zhaomin",
        display_name="赵敏",
        presales_level="junior",
    )
    lead = make_user(
        RoleCode.PRESALES_ENGINEER,
        team=team,
        username="lihua",
        display_name="李华",
        presales_level="intermediate",
    )
    senior = make_user(
        RoleCode.PRESALES_MANAGER,
        team=team,
        username="wangqiang",
        display_name="王强",
        presales_level="senior",
    )
    team.lead = lead
    team.save()
    sales = make_user(RoleCode.SALES, team=team, username="liuyang", display_name="刘洋")
    people = SimpleNamespace(engineer_a=author, sales_a=sales, team_a=team)
    opportunity = make_opportunity(people, stage="solution", name="储能电站BMS升级")
    solution = services.solution_create(
        actor=author,
        opportunity=opportunity,
        title="储能电站BMS升级解决方案",
        reviewer_1=junior,
        reviewer_2=lead,
        reviewer_3=senior,
    )
    fill_sections(
        solution,
        author,
        codes=["overview", "business_process", "architecture", "modules", "integration", "implementation"],
    )
    base = live_server.url

    login(page, base, "zhangwei")
    page.goto(f"{base}/solutions/{solution.pk}/")
    card = page.locator("[data-testid=completeness]")
    expect(card).to_contain_text("85%")
    expect(card).to_contain_text("项目预算")
    page.locator("#section-budget a").click()
    page.fill("textarea[name=content]", "# 项目预算\n" + TEXT)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-testid=completeness]")).to_contain_text("100%")

    page.goto(f"{base}/solutions/{solution.pk}/submit/")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/solutions/{solution.pk}/$"))
    assert Solution.objects.get(pk=solution.pk).status == "in_review"

    login(page, base, "zhaomin")
    page.goto(f"{base}/solutions/?waiting=true")
    page.get_by_role("link", name="储能电站BMS升级解决方案").click()
    page.get_by_role("link", name=re.compile("退回|Return")).click()
    page.locator("main form button[type=submit]").click()  # no comments: refused, field error
    expect(page.locator("[data-field-error=comments]")).to_be_visible()
    page.fill("textarea[name=comments]", "技术架构缺少部署模型与高可用设计")
    page.locator("main form button[type=submit]").click()
    assert Solution.objects.get(pk=solution.pk).status == "returned"

    login(page, base, "zhangwei")
    page.goto(f"{base}/solutions/{solution.pk}/")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("缺少部署模型")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
