"""End to end, in a real browser: log in, create a customer and an opportunity for it, try to
move the opportunity past a stage gate and read the refusal reasons, fix what is missing, move it."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from presales.accounts.choices import RoleCode
from presales.customers.models import Customer
from presales.opportunities.models import Opportunity
from tests.browser.journey import login
from tests.factories import TeamFactory, make_user
from tests.factories.opportunities import add_communication

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "opportunity-detail.png"


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


NO_LEAD = "No presales lead is assigned: assign the presales lead who runs this opportunity."
NO_RESEARCH = (
    "No communication record or held research activity for this opportunity: record at least one "
    "contact with the customer (the research behind the solution)."
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("foundation_gates")
def test_opportunity_journey(live_server, page, roles):
    team = TeamFactory(name="华东售前组")
    me = make_user(
        RoleCode.PRESALES_ENGINEER,
        team=team,
        username="zhangwei",
        display_name="张伟",
        title="高级售前工程师",
    )
    team.lead = me  # the team lead: may assign presales leads
    team.save()
    sales = make_user(RoleCode.SALES, team=team, username="liuyang", display_name="刘洋")
    base = live_server.url

    # Log in through the login page.
    login(page, base, "zhangwei")

    # Create a customer through the customer form.
    page.goto(f"{base}/customers/new/")
    page.fill("input[name=name]", "苏州绿能储能科技有限公司")
    page.select_option("select[name=industry]", "energy_storage")
    page.select_option("select[name=region]", "east")
    page.select_option("select[name=presales_owner]", str(me.pk))
    page.select_option("select[name=sales_owner]", str(sales.pk))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/customers/\d+/$"))
    customer = Customer.objects.get(name="苏州绿能储能科技有限公司")

    # Create an opportunity for it (the customer preselected, as a link from its page would do);
    # the sales rep found it, no presales lead yet.
    page.goto(f"{base}/opportunities/new/?customer={customer.pk}")
    expect(page.locator("select[name=customer]")).to_have_value(str(customer.pk))
    page.fill("input[name=name]", "储能电站BMS数据平台")
    page.select_option("select[name=source]", "inquiry")
    page.select_option("select[name=presales_lead]", "")
    page.fill("input[name=estimated_amount]", "1800000")
    page.fill("input[name=expected_close_on]", "2030-06-30")
    page.fill("textarea[name=competitors]", "宁德时代、华为数字能源")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-testid=stage] [data-stage=lead]")).to_be_visible()
    opportunity = Opportunity.objects.get(name="储能电站BMS数据平台")
    assert re.fullmatch(r"SJ-\d{4}-00001", opportunity.number)
    expect(page.locator("[data-testid=number]")).to_have_text(opportunity.number)
    # As if the sales rep had entered it yesterday: the early-involvement clock then has something to show.
    earlier = timedelta(days=1, hours=2)
    Opportunity.objects.filter(pk=opportunity.pk).update(created_at=F("created_at") - earlier)
    opportunity.stage_events.update(at=F("at") - earlier)

    # The gate's reason is on the page before anyone tries ...
    expect(page.locator("[data-move=discovery] .move-reasons")).to_contain_text(zh(NO_LEAD))
    # ... and trying anyway is refused with the same reason (the move panel is swapped by htmx).
    page.select_option("select[name=to_stage]", "discovery")
    page.locator("[data-testid=move-form] button[type=submit]").click()
    expect(page.locator("#move-panel .alert-danger")).to_contain_text(zh(NO_LEAD))
    expect(page.locator("[data-testid=stage] [data-stage=lead]")).to_be_visible()

    # Fix it: assign the presales lead (the early-involvement clock stops).
    page.locator("a[href$='/assign/']").click()
    page.select_option("select[name=presales_lead]", str(me.pk))
    page.fill("input[name=reason]", "客户首次拜访前指派")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-testid=presales-lead]")).to_have_text("张伟")
    expect(page.locator("[data-move=discovery] .move-reasons")).to_have_count(0)
    involvement = page.locator("[data-testid=early-involvement]")
    expect(involvement).to_contain_text("1")
    expect(involvement).not_to_have_text(zh("Presales involved from the start"))

    # Now the move goes through.
    page.select_option("select[name=to_stage]", "discovery")
    page.fill("textarea[name=reason]", "客户确认启动需求调研")
    page.locator("[data-testid=move-form] button[type=submit]").click()
    expect(page.locator("[data-testid=stage] [data-stage=discovery]")).to_be_visible()

    # The next gate: solution needs a communication record of this opportunity. It is recorded on
    # the customer's side (the customers app's communication form, tested there); here through
    # the model, as a research interview would have been entered.
    expect(page.locator("[data-move=solution] .move-reasons")).to_contain_text(zh(NO_RESEARCH))
    add_communication(opportunity, subject="现场调研：BMS告警与运维流程", created_by=me)
    page.reload()
    expect(page.locator("[data-move=solution] .move-reasons")).to_have_count(0)
    page.select_option("select[name=to_stage]", "solution")
    page.fill("textarea[name=reason]", "调研报告已完成，进入方案设计")
    page.locator("[data-testid=move-form] button[type=submit]").click()
    expect(page.locator("[data-testid=stage] [data-stage=solution]")).to_be_visible()
    expect(page.locator("text=调研报告已完成，进入方案设计")).to_be_visible()

    opportunity.refresh_from_db()
    assert opportunity.stage == "solution" and opportunity.presales_assigned_at is not None
    assert list(opportunity.stage_events.order_by("at", "pk").values_list("to_stage", flat=True)) == [
        "lead",
        "discovery",
        "solution",
    ]

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
