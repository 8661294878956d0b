"""End to end, in a real browser: a manager builds a scheme, watches the live weight sum, derives
the weights by AHP from pairwise comparisons (an inconsistent matrix first, then a consistent one),
applies them and activates the scheme. Screenshots: docs/screenshots/kpi-*.png."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from presales.accounts.choices import RoleCode
from presales.kpi.models import AhpRun, Scheme
from tests.factories import make_user
from tests.factories.kpi import BANDS, make_indicator

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_scheme_with_ahp_weights(live_server, page, roles):
    manager = make_user(RoleCode.PRESALES_MANAGER, username="wangjl", display_name="王经理")
    indicators = [
        make_indicator(manager, code="UI-R04", name="项目技术解决率", rule_type="bands", rule_params=BANDS,
                       max_points=30, data_source="computed", metric_code="unresolved_issue_customers"),
        make_indicator(manager, code="UI-P01", name="客户满意度", dimension="process", rule_type="linear",
                       rule_params={"zero_at": 80, "full_at": 95}, max_points=15),
        make_indicator(manager, code="UI-P03", name="客户投诉次数", dimension="process", rule_type="deduction",
                       rule_params={"per_occurrence": 5}, max_points=15),
    ]
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "wangjl")
    page.fill("input[name=password]", "pw-123456")
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    # The library, and the rule tried on an indicator.
    page.goto(f"{base}/kpi/?q=UI-")
    expect(page.locator("[data-testid=indicator-row]")).to_have_count(3)
    page.goto(f"{base}/kpi/")
    page.screenshot(path=str(SHOTS / "kpi-library.png"), full_page=True)
    page.goto(f"{base}/kpi/indicators/{indicators[0].pk}/")
    page.fill("[data-testid=try-value]", "3")
    page.click("[data-testid=try-submit]")
    expect(page.locator("[data-testid=try-result]")).to_contain_text("30 / 30")
    page.screenshot(path=str(SHOTS / "kpi-indicator.png"), full_page=True)

    # A new scheme with the three indicators.
    page.goto(f"{base}/kpi/schemes/new/")
    page.fill("input[name=code]", "SCH-UI")
    page.fill("input[name=name]", "售前工程师考核方案(界面)")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/kpi/schemes/\d+/$"))
    scheme = Scheme.objects.get(code="SCH-UI")
    for indicator, weight in zip(indicators, ("50", "30", "10"), strict=True):
        page.select_option("select[name=indicator]", str(indicator.pk))
        page.fill("input[name=weight]", weight)
        page.click("[data-testid=add-item]")
        expect(page.locator("[data-testid=item-row]")).to_have_count(indicators.index(indicator) + 1)
    # the live sum follows the inputs before anything is saved
    expect(page.locator("[data-testid=total-sum]")).to_have_text("90.00")
    page.fill("[data-testid=weight-UI-P03]", "25")
    expect(page.locator("[data-testid=total-sum]")).to_have_text("105.00")
    page.fill("[data-testid=weight-UI-P03]", "10")
    # activation is refused with the current sum
    page.click("[data-testid=activate]")
    expect(page.locator(".alert-danger").first).to_contain_text("90.00")

    # AHP: an inconsistent matrix first
    page.click("[data-testid=ahp-link]")
    expect(page.locator("[data-testid=ahp-matrix]")).to_be_visible()
    page.select_option("[data-testid=a_0_1]", "9")
    page.select_option("[data-testid=a_0_2]", "1/9")
    page.select_option("[data-testid=a_1_2]", "9")
    page.click("[data-testid=ahp-compute]")
    expect(page.locator("[data-testid=ahp-cr]")).to_contain_text("CR =")
    expect(page.locator("[data-testid=ahp-apply]")).to_have_count(0)
    # then a consistent one
    page.select_option("[data-testid=a_0_1]", "3")
    page.select_option("[data-testid=a_0_2]", "5")
    page.select_option("[data-testid=a_1_2]", "3")
    page.click("[data-testid=ahp-compute]")
    expect(page.locator("[data-testid=ahp-cr]")).to_contain_text("0.033")
    expect(page.locator("[data-testid=ahp-weight-row]")).to_have_count(3)
    page.screenshot(path=str(SHOTS / "kpi-ahp.png"), full_page=True)
    page.click("[data-testid=ahp-apply]")
    expect(page).to_have_url(re.compile(rf"/kpi/schemes/{scheme.pk}/$"))
    expect(page.locator("[data-testid=total-sum]")).to_have_text("100.00")
    assert list(scheme.items.order_by("position").values_list("weight", flat=True)) == [
        Decimal("63.70"), Decimal("25.83"), Decimal("10.47")]
    assert AhpRun.objects.filter(scheme=scheme).count() == 1

    page.click("[data-testid=activate]")
    expect(page.locator("[data-testid=scheme-status]")).to_contain_text(re.compile("启用|Active"))
    page.screenshot(path=str(SHOTS / "kpi-scheme.png"), full_page=True)

    # the schemes side by side
    page.goto(f"{base}/kpi/schemes/")
    expect(page.locator("[data-testid=compare-table]")).to_contain_text("63.7")
    page.screenshot(path=str(SHOTS / "kpi-schemes.png"), full_page=True)
