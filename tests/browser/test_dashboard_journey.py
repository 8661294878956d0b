"""In a real browser: a presales manager logs in and lands on the dashboard, opens the grouped
navigation, clicks the breached-SLA figure, lands on the filtered support-request list and exports
it. Screenshots of the dashboard and the grouped navigation at 1366 px and 390 px go to
docs/screenshots/."""

import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from presales.accounts.choices import RoleCode
from presales.opportunities.choices import Stage
from tests.factories import TeamFactory, make_user
from tests.factories.customers import CustomerFactory
from tests.factories.metrics import project
from tests.factories.support import SupportRequestFactory

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _company():
    team = TeamFactory(name="华东售前组")
    manager = make_user(RoleCode.PRESALES_MANAGER, team=team, username="wangjing", display_name="王静")
    engineer = make_user(RoleCode.PRESALES_ENGINEER, team=team, username="zhangwei", display_name="张伟")
    engineer2 = make_user(RoleCode.PRESALES_ENGINEER, team=team, username="zhaolei", display_name="赵磊")
    sales = make_user(RoleCode.SALES, team=team, username="liuyang", display_name="刘洋")
    customer = CustomerFactory(presales_owner=engineer, sales_owner=sales, name="合肥储能科技有限公司",
                               industry="energy_storage")
    now = timezone.now()
    for i, stage in enumerate([Stage.LEAD, Stage.LEAD, Stage.DISCOVERY, Stage.SOLUTION, Stage.DEMO_POC, Stage.BID]):
        project(customer, lead=engineer if i % 2 else engineer2, stage=stage,
                estimated_amount=Decimal(800000 + 150000 * i), created_at=now - timedelta(days=3 + i),
                presales_assigned_at=now - timedelta(days=2 + i // 2))
    project(customer, lead=engineer, stage=Stage.WON, closed_at=now - timedelta(days=5))
    project(customer, lead=engineer2, stage=Stage.LOST, closed_at=now - timedelta(days=8))
    late = []
    for i in range(6):
        submitted = now - timedelta(days=2 + 5 * i)
        responded = submitted + timedelta(hours=2 if i % 3 else 20)  # every third answered late
        r = SupportRequestFactory(customer=customer, assignee=engineer, status="in_progress",
                                  submitted_at=submitted, assigned_at=submitted, response_due_at=submitted
                                  + timedelta(hours=8), first_response_at=responded,
                                  wanted_by=submitted + timedelta(days=40))
        if i % 3 == 0:
            late.append(r)
    return manager, late


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_manager_dashboard_journey(live_server, page, roles):
    manager, late = _company()
    base = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "wangjing")
    page.fill("input[name=password]", "pw-123456")
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    # The manager lands on the dashboard.
    expect(page).to_have_url(re.compile(r"/insights/dashboard/$"))
    expect(page.locator("#panel-pipeline")).to_be_visible()
    expect(page.locator("#chart-pipeline canvas")).to_have_count(1)
    # The grouped bar fits on one line at 1366 px: every group's top is the brand's top row.
    tops = page.locator("[data-nav-group] > a").evaluate_all("els => els.map(e => e.getBoundingClientRect().top)")
    assert len(tops) >= 5 and max(tops) - min(tops) < 4
    page.screenshot(path=str(SHOTS / "dashboard-1366.png"), full_page=True)
    page.locator("[data-nav-group=process] > a").click()
    expect(page.locator("[data-nav-group=process] .dropdown-menu")).to_be_visible()
    page.screenshot(path=str(SHOTS / "navigation-1366.png"), clip={"x": 0, "y": 0, "width": 1366, "height": 420})
    page.keyboard.press("Escape")

    # At 390 px the menu collapses behind the toggler; the inbox bell stays in view.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator("#mainnav")).to_be_hidden()
    expect(page.locator("[data-testid=inbox-link]")).to_be_visible()
    page.screenshot(path=str(SHOTS / "dashboard-390.png"), full_page=True)
    page.locator("[data-testid=nav-toggle]").click()
    expect(page.locator("#mainnav")).to_be_visible()
    page.locator("[data-nav-group=workbench] > a").click()
    expect(page.locator("[data-nav-group=workbench] .dropdown-item.active")).to_be_visible()
    page.screenshot(path=str(SHOTS / "navigation-390.png"), full_page=False)
    page.locator("[data-testid=nav-toggle]").click()
    page.set_viewport_size({"width": 1366, "height": 900})

    # The breached-SLA figure leads to the list of exactly those requests.
    figure = page.locator("[data-figure=sla-breached]")
    expect(figure).to_have_text(str(len(late)))
    figure.click()
    expect(page).to_have_url(re.compile(r"/support/\?.*sla=breached"))
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(len(late))
    for r in late:
        expect(page.locator("#results")).to_contain_text(r.number)

    # …and exports it.
    with page.expect_download() as info:
        page.locator("[data-testid=export-xlsx]").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    ws = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    assert ws.freeze_panes == "A2" and ws.cell(row=1, column=1).value == "编号"
    numbers = {ws.cell(row=i, column=1).value for i in range(2, ws.max_row + 1)} - {None}
    assert numbers == {r.number for r in late}
