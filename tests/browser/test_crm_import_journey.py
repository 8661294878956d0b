"""In a real browser: an administrator imports a CRM export with two bad rows, reads the errors
per row and column on the preview, downloads the error report, fixes the two rows in it, uploads it
again and imports. Nothing is written before the import is confirmed. Screenshots of the preview
go to docs/screenshots/."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from presales.accounts.choices import RoleCode
from tests.factories import TeamFactory, make_user

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
HEADERS = ["Account ID", "客户名称", "行业", "区域", "负责人", "售前负责人", "地址"]


def _workbook(rows) -> bytes:
    wb = Workbook()
    wb.active.append(HEADERS)
    for row in rows:
        wb.active.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_imports_a_crm_export_fixes_two_rows_and_imports_again(live_server, page, roles, tmp_path):
    from presales.customers.models import Customer

    team = TeamFactory(name="华东售前组")
    make_user(RoleCode.ADMIN, team=team, username="admin1", display_name="系统管理员")
    make_user(RoleCode.PRESALES_ENGINEER, team=team, username="zhangwei", display_name="张伟")
    make_user(RoleCode.SALES, team=team, username="liuyang", display_name="刘洋", email="liuyang@example.com")
    rows = [
        ("A-1001", "合肥储能科技有限公司", "储能", "华东", "liuyang", "zhangwei", "合肥市高新区"),
        ("A-1002", "苏州精密制造有限公司", "制造业", "华东", "liuyang@example.com", "zhangwei", "苏州工业园区"),
        ("A-1003", "深圳低空飞行器有限公司", "航空航天", "华南", "liuyang", "zhangwei", ""),  # unknown industry
        ("A-1004", "成都电力设计院", "电力", "西南", "wangwu", "zhangwei", ""),  # unknown owner
        ("A-1005", "杭州智慧园区运营有限公司", "政府", "华东", "liuyang", "zhangwei", ""),
    ]
    export = tmp_path / "Salesforce客户导出.xlsx"
    export.write_bytes(_workbook(rows))
    base = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "admin1")
    page.fill("input[name=password]", "pw-123456")
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")

    # Through the grouped navigation: 管理 → CRM导入
    page.locator("[data-nav-group=admin] > a").click()
    page.get_by_role("link", name="CRM导入").click()
    expect(page).to_have_url(re.compile(r"/imports/$"))
    page.get_by_test_id("new-import").click()
    page.get_by_label("客户", exact=True).check()
    page.fill("input[name=source]", "Salesforce")
    page.set_input_files("input[name=file]", str(export))
    page.locator("[data-testid=upload-form] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/imports/\d+/mapping/$"))
    # The English and Chinese headers are matched; "储能" is recognised as an industry.
    expect(page.locator("tr[data-column='Account ID'] select")).to_have_value("external_id")
    expect(page.locator("tr[data-column='负责人'] select")).to_have_value("sales_owner")
    page.get_by_test_id("check-file").click()

    # The preview: three rows would be created, two are refused with their column.
    expect(page.locator("[data-count=create]")).to_have_text("3")
    expect(page.locator("[data-count=error]")).to_have_text("2")
    expect(page.locator("tr[data-row='4'] [data-error-column='行业']")).to_contain_text("航空航天")
    expect(page.locator("tr[data-row='5'] [data-error-column='负责人']")).to_contain_text("wangwu")
    page.screenshot(path=str(SHOTS / "crm-import-preview-1366.png"), full_page=True)
    assert Customer.objects.count() == 0  # nothing written by the preview
    with page.expect_download() as download_info:
        page.get_by_test_id("error-report").click()
    report = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes())).active
    bad = [list(r) for r in report.iter_rows(min_row=2, values_only=True)]
    assert [r[0] for r in bad] == [4, 5]

    # Fixed in the report itself, uploaded again: the mapping is remembered for Salesforce.
    bad[0][4] = "低空经济"
    bad[1][6] = "liuyang"
    fixed = tmp_path / "已修正.xlsx"
    wb = Workbook()
    wb.active.append([c.value for c in report[1]])
    for row in bad:
        wb.active.append(row)
    wb.save(fixed)
    page.goto(f"{base}/imports/new/")
    page.get_by_label("客户", exact=True).check()
    page.fill("input[name=source]", "Salesforce")
    page.set_input_files("input[name=file]", str(fixed))
    page.locator("[data-testid=upload-form] button[type=submit]").click()
    page.get_by_test_id("check-file").click()
    expect(page.locator("[data-count=create]")).to_have_text("2")
    expect(page.locator("[data-count=error]")).to_have_text("0")
    page.get_by_test_id("confirm-import").click()
    expect(page.get_by_test_id("job-status")).to_have_attribute("data-status", "imported")
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["成都电力设计院", "深圳低空飞行器有限公司"]

    # The first file, imported now without its two bad rows, then the whole file again: no duplicates.
    page.goto(f"{base}/imports/")
    page.locator("a", has_text="Salesforce客户导出.xlsx").click()
    page.get_by_label("跳过出错的行").check()
    page.get_by_test_id("confirm-import").click()
    expect(page.get_by_test_id("job-status")).to_have_attribute("data-status", "imported")
    assert Customer.objects.count() == 5
    page.screenshot(path=str(SHOTS / "crm-import-done-1366.png"), full_page=True)
