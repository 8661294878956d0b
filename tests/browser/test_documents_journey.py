"""End to end, in a real browser: upload a solution document to a project and read its number, send
it through the approval flow (returned once by the department step, revised, resubmitted, approved
by the team lead, the presales manager and the department head), see it published; an engineer of
another team can neither open nor download it."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from presales.accounts.choices import RoleCode
from presales.documents.models import Document, DocumentCategory
from presales.documents.samples import minimal_pdf
from tests.browser.journey import login
from tests.factories import CustomerFactory, TeamFactory, make_user
from tests.factories.opportunities import OpportunityFactory

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "documents-detail.png"
CATEGORIES = [
    ("project_info", "XM"),
    ("research", "QD"),
    ("solution", "FJ"),
    ("demo", "YS"),
    ("bid", "TB"),
    ("other", "QT"),
]


@pytest.fixture
def categories(transactional_db):
    """Transactional tests may start from an emptied database: the seeded categories may be gone."""
    for position, (kind, code) in enumerate(CATEGORIES, start=1):
        DocumentCategory.objects.get_or_create(kind=kind, defaults={"code": code, "position": position})


def submit_form(page):
    page.locator("main form[method=post] button[type=submit]").click()


def review(page, base, document, decision, comment="", final_mode=None):
    page.goto(f"{base}/documents/{document.pk}/")
    page.locator("[data-testid=review]").click()
    page.check(f"input[name=decision][value={decision}]")
    if comment:
        page.fill("textarea[name=comment]", comment)
    if final_mode:
        page.select_option("select[name=final_mode]", final_mode)
    submit_form(page)
    expect(page).to_have_url(re.compile(rf"/documents/{document.pk}/$"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_documents_journey(live_server, page, roles, categories):
    team = TeamFactory(name="华东售前组")
    lead = make_user(RoleCode.PRESALES_ENGINEER, team=team, username="lizhong", display_name="李忠")
    team.lead = lead
    team.save()
    author = make_user(RoleCode.SOLUTION_ARCHITECT, team=team, username="zhangwei", display_name="张伟")
    sales = make_user(RoleCode.SALES, team=team, username="liuyang", display_name="刘洋")
    make_user(RoleCode.PRESALES_MANAGER, team=team, username="wangjing", display_name="王静")
    make_user(
        RoleCode.DEPARTMENT_HEAD, team=TeamFactory(name="售前管理部"), username="zhoumin", display_name="周敏"
    )
    make_user(
        RoleCode.PRESALES_ENGINEER,
        team=TeamFactory(name="华南售前组"),
        username="chenhao",
        display_name="陈浩",
    )
    customer = CustomerFactory(presales_owner=author, sales_owner=sales, name="苏州新能储能科技有限公司")
    opportunity = OpportunityFactory(customer=customer, name="储能电站BMS数据平台", presales_lead=author)
    base = live_server.url

    # Upload a solution document to the project and read its number.
    login(page, base, "zhangwei")
    page.goto(f"{base}/documents/new/?opportunity={opportunity.pk}")
    expect(page.locator("input[name=opportunity]")).to_have_value(opportunity.number)
    page.fill("input[name=title]", "储能电站BMS数据平台解决方案")
    page.select_option("select[name=category]", label="FJ 方案设计")
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "BMS解决方案.pdf",
                "mimeType": "application/pdf",
                "buffer": minimal_pdf(["BMS data platform", "Solution design v1"]),
            }
        ],
    )
    page.fill("textarea[name=description]", "总体架构、数据采集、告警分析与实施计划。")
    submit_form(page)
    expect(page).to_have_url(re.compile(r"/documents/\d+/$"))
    document = Document.objects.get(title="储能电站BMS数据平台解决方案")
    month = timezone.localtime(document.created_at).strftime("%Y%m")
    assert document.number == f"FJ{month}001"
    expect(page.locator("[data-testid=number]")).to_have_text(document.number)
    expect(page.locator("[data-testid=status]")).to_have_text("草稿")

    # Submit; the team lead (department step) returns it with comments.
    page.locator("[data-testid=submit]").click()
    page.fill("textarea[name=comment]", "请审核")
    submit_form(page)
    expect(page.locator("[data-testid=status]")).to_have_text("部门初审")
    login(page, base, "lizhong")
    review(page, base, document, "return", comment="请补充储能柜BMS的数据接入方式和网络拓扑。")
    expect(page.locator("[data-testid=status]")).to_have_text("已退回")

    # The author reads the comment, uploads a revised version and resubmits.
    login(page, base, "zhangwei")
    page.goto(f"{base}/documents/{document.pk}/")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("请补充储能柜BMS的数据接入方式")
    page.goto(f"{base}/documents/{document.pk}/versions/new/")
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "BMS解决方案v2.pdf",
                "mimeType": "application/pdf",
                "buffer": minimal_pdf(["BMS data platform", "Solution design v2", "Modbus/IEC 104 access"]),
            }
        ],
    )
    page.fill("textarea[name=change_summary]", "补充数据接入方式（Modbus/IEC 104）与网络拓扑")
    submit_form(page)
    expect(page.locator("tr[data-version='2']")).to_be_visible()
    page.locator("[data-testid=submit]").click()
    submit_form(page)
    expect(page.locator("[data-testid=status]")).to_have_text("部门初审")

    # Department head step, presales manager, final review by the department head: published.
    login(page, base, "lizhong")
    review(page, base, document, "approve", comment="接入方案清楚")
    expect(page.locator("[data-testid=status]")).to_have_text("售前经理审核")
    login(page, base, "wangjing")
    review(page, base, document, "approve")
    expect(page.locator("[data-testid=status]")).to_have_text("终审")
    login(page, base, "zhoumin")
    review(page, base, document, "approve", comment="同意发布", final_mode="leader")
    expect(page.locator("[data-testid=status]")).to_have_text("已发布")
    document.refresh_from_db()
    assert document.status == "published" and document.published_version.number == 2

    login(page, base, "zhangwei")
    page.goto(f"{base}/documents/{document.pk}/")
    expect(page.locator("[data-testid=timeline] [data-event=approved]")).to_have_count(3)
    expect(page.locator("[data-testid=timeline] [data-event=returned]")).to_have_count(1)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # An engineer of another team: no page, no file, not in the list.
    login(page, base, "chenhao")
    for path in (
        f"/documents/{document.pk}/",
        f"/documents/{document.pk}/versions/2/download/",
        f"/documents/{document.pk}/versions/1/preview/",
        f"/api/documents/{document.pk}/versions/2/download/",
    ):
        response = page.request.get(f"{base}{path}")
        assert response.status == 404, path
    page.goto(f"{base}/documents/")
    expect(page.locator("main")).not_to_contain_text(document.number)
