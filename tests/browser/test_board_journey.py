"""In a real browser: the opportunity board shows its columns' headers at once and loads each
column's cards by itself (htmx, under the Content-Security-Policy: no inline script); a filter
reloads the columns with the filter in the URL; the board by progress does the same; another
team's opportunities never appear."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from presales.accounts.choices import RoleCode
from presales.opportunities.choices import Stage
from tests.browser.journey import login
from tests.factories import CustomerFactory, TeamFactory, make_user
from tests.factories.opportunities import OpportunityFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_board_loads_its_columns_lazily(live_server, page, roles):
    team, other_team = TeamFactory(name="华东售前组"), TeamFactory(name="华南售前组")
    me = make_user(RoleCode.PRESALES_ENGINEER, team=team, username="zhangwei", display_name="张伟")
    sales = make_user(RoleCode.SALES, team=team, username="liuyang", display_name="刘洋")
    stranger = make_user(RoleCode.PRESALES_ENGINEER, team=other_team, username="chen", display_name="陈工")
    customer = CustomerFactory(presales_owner=me, sales_owner=sales, name="苏州绿能储能科技有限公司")
    today = timezone.localdate()
    for i in range(23):  # more than a column shows
        OpportunityFactory(customer=customer, presales_lead=me, sales_owner=sales, team=team,
                           stage=Stage.SOLUTION, name=f"方案商机{i:02d}", source="inquiry",
                           expected_close_on=today + timedelta(days=i))
    OpportunityFactory(customer=customer, presales_lead=me, sales_owner=sales, team=team, stage=Stage.BID,
                       name="展会来的投标商机", source="event", estimated_amount=Decimal("1500000"))
    other = OpportunityFactory(customer=CustomerFactory(presales_owner=stranger), presales_lead=stranger,
                               team=other_team, stage=Stage.BID, name="别队的投标商机")
    base = live_server.url

    login(page, base, "zhangwei")

    page.goto(f"{base}/opportunities/board/")
    solution = page.locator(f'.board-col[data-stage="{Stage.SOLUTION}"]')
    bid = page.locator(f'.board-col[data-stage="{Stage.BID}"]')
    expect(solution.locator('[data-testid="count"]')).to_have_text("23")
    # The cards arrive by themselves: 20 of 23, soonest first, and the link to the rest.
    expect(solution.locator(".board-card")).to_have_count(20)
    expect(solution.locator(".board-card").first).to_contain_text("方案商机00")
    expect(solution.locator("a[href$=\"?stage=solution\"]")).to_contain_text("3")
    expect(bid.locator(".board-card")).to_have_count(1)
    expect(bid).to_contain_text("展会来的投标商机")
    expect(page.locator('[data-testid="board-cards-loading"]')).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(other.name)
    expect(page.locator(f'.board-col[data-stage="{Stage.LEAD}"] .empty-state')).to_be_visible()

    # A filter reloads the columns (headers and cards), and the URL keeps it.
    page.select_option("select[name=source]", "event")
    expect(page).to_have_url(re.compile(r"source=event"))
    expect(solution.locator('[data-testid="count"]')).to_have_text("0")
    expect(solution.locator(".board-card")).to_have_count(0)
    expect(bid.locator(".board-card")).to_have_count(1)
    expect(bid).to_contain_text("展会来的投标商机")
    page.reload()  # the filtered board from its URL alone
    expect(page.locator(f'.board-col[data-stage="{Stage.BID}"] .board-card')).to_have_count(1)
    expect(page.locator(f'.board-col[data-stage="{Stage.SOLUTION}"] .board-card')).to_have_count(0)

    # The board by progress loads its columns the same way.
    page.goto(f"{base}/opportunities/board/")
    page.get_by_test_id("progress-board").click()
    expect(page).to_have_url(re.compile(r"by=progress"))
    designing = page.locator('.board-col[data-progress="designing"]')
    expect(designing.locator(".board-card")).to_have_count(20)
    expect(page.locator('[data-testid="board-cards-loading"]')).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(other.name)
