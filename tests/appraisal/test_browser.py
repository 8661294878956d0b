"""End to end, in a real browser: open a cycle, fill a self-assessment and a supervisor review,
publish, read the scorecard with its explanations, export the score sheet."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from presales.accounts.choices import RoleCode
from presales.appraisal import services
from presales.appraisal.models import Appraisal
from tests.factories import TeamFactory, make_user
from tests.factories.appraisal import make_cycle, make_scheme

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-123456")
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def fill_entries(page, appraisal, manual_value, survey_value):
    for item in appraisal.scheme.items.select_related("indicator"):
        ind = item.indicator
        if ind.data_source == "computed":
            continue
        page.fill(
            f"input[name=value_{ind.pk}]", manual_value if ind.data_source == "manual" else survey_value
        )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_appraisal_journey(live_server, page, roles):
    team = TeamFactory(name="华东售前组")
    lead = make_user(RoleCode.PRESALES_ENGINEER, team=team, username="lizhang", display_name="李组长")
    team.lead = lead
    team.save()
    me = make_user(RoleCode.PRESALES_ENGINEER, team=team, username="zhangwei", display_name="张伟")
    committee = make_user(RoleCode.COMMITTEE, username="kaohe", display_name="考核组")
    scheme = make_scheme(dimension_weights={"results": 40, "process": 40, "collaboration": 20})
    cycle = make_cycle(committee, name="2026年第一季度售前绩效考核")
    services.participant_add(actor=committee, cycle=cycle, employee=me, scheme=scheme)
    base = live_server.url

    # The committee starts the cycle.
    login(page, base, "kaohe")
    page.goto(f"{base}/appraisal/cycles/{cycle.pk}/")
    page.locator("button[data-action=open]").click()
    expect(page.locator("[data-cycle-status]")).to_have_attribute("data-cycle-status", "open")

    # The engineer opens the cycle and fills in the self-assessment.
    login(page, base, "zhangwei")
    page.goto(f"{base}/appraisal/")
    page.get_by_role("link", name=cycle.name).first.click()
    page.get_by_role("link", name="张伟").click()
    appraisal = Appraisal.objects.get(cycle=cycle, employee=me)
    expect(page).to_have_url(re.compile(rf"/appraisal/{appraisal.pk}/$"))
    page.locator("a[data-entry=self]").click()
    fill_entries(page, appraisal, "6", "88")  # 6 is above the rating scale: refused
    page.fill("textarea[name=summary]", "本季度完成三个重点项目的方案交付")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-field-error]").first).to_be_visible()
    fill_entries(page, appraisal, "4.5", "88")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/appraisal/{appraisal.pk}/$"))
    page.locator("a[data-move=supervisor_review]").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "supervisor_review")

    # The team lead reviews, then closes the survey / 360° step.
    login(page, base, "lizhang")
    page.goto(f"{base}/appraisal/{appraisal.pk}/")
    page.locator("a[data-entry=supervisor]").click()
    fill_entries(page, appraisal, "4", "90")
    page.fill("textarea[name=summary]", "方案质量稳定,客户反馈良好")
    page.locator("main form button[type=submit]").click()
    page.locator("a[data-move=feedback]").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "feedback")
    page.locator("a[data-move=committee_review]").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "committee_review")

    # The committee publishes.
    login(page, base, "kaohe")
    page.goto(f"{base}/appraisal/{appraisal.pk}/")
    page.locator("a[data-move=published]").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "published")

    # The engineer reads the scorecard with its explanations and exports it.
    login(page, base, "zhangwei")
    page.goto(f"{base}/appraisal/{appraisal.pk}/")
    appraisal.refresh_from_db()
    expect(page.locator("[data-final]")).to_have_text(str(appraisal.final_score))
    expect(page.locator("tr[data-indicator] .explanation").first).not_to_be_empty()
    expect(page.locator("tr[data-indicator]")).to_have_count(3)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "appraisal-scorecard.png"), full_page=True)
    with page.expect_download() as download_info:
        page.locator("a[data-export]").click()
    content = Path(download_info.value.path()).read_bytes()
    ws = load_workbook(io.BytesIO(content)).active
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("绩效考核评分表" in t for t in texts) and "张伟" in texts
    page.goto(f"{base}/appraisal/cycles/{cycle.pk}/ranking")
    expect(page.locator("tr[data-rank]")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "appraisal-ranking.png"), full_page=True)
