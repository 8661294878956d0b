"""XLSX exports of the list pages (core.exports.XlsxListExport): each holds exactly the rows its
list is filtered to, within the user's scope, with Chinese headers, typed cells and a frozen
header row; the query count does not grow with the rows."""

from __future__ import annotations

import io
import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from presales.opportunities.choices import Stage
from presales.poc.choices import Status as PocStatus
from tests.factories.appraisal import make_committee, running_cycle
from tests.factories.bids import make_bid
from tests.factories.customers import CustomerFactory
from tests.factories.documents import make_document
from tests.factories.metrics import poc_row, project
from tests.factories.support import SupportRequestFactory
from tests.kit import assert_constant_queries

pytestmark = pytest.mark.django_db
_n = itertools.count(1)


def sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True) if sum(v is not None for v in r) > 1]  # not the notes under the rows
    return ws, header, rows


def export(client, url_name, params):
    query = "&".join(f"{k}={v}" for k, v in {**params, "export": "xlsx"}.items())
    return client.get(f"{reverse(url_name)}?{query}")


@pytest.fixture
def customers(cast):
    a = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a, name="合肥储能科技有限公司")
    b = CustomerFactory(presales_owner=cast.engineer_b, sales_owner=cast.sales_a, name="深圳电网设备有限公司")
    b2 = CustomerFactory(presales_owner=cast.engineer_b, sales_owner=cast.sales_a, name="广州地铁集团有限公司")
    return a, b, b2


def opportunities(cast, customers):
    a, b, _ = customers
    return {
        "in": project(b, lead=cast.engineer_b, stage=Stage.LEAD, estimated_amount=Decimal("1234567.5")),
        "filtered_out": project(b, lead=cast.engineer_b, stage=Stage.DISCOVERY),
        "out_of_scope": project(a, lead=cast.engineer_a, stage=Stage.LEAD),
    }


def test_opportunities(client, cast, customers):
    o = opportunities(cast, customers)
    client.force_login(cast.engineer_b)
    ws, header, rows = sheet(export(client, "opportunities:list", {"stage": "lead"}))
    assert header[:3] == ["编号", "名称", "客户"]
    assert [r["编号"] for r in rows] == [o["in"].number]
    assert rows[0]["预计金额（元）"] == 1234567.5
    money_col = header.index("预计金额（元）") + 1
    assert ws.cell(row=2, column=money_col).number_format == "#,##0.00"
    assert rows[0]["阶段"] == "商机获取" or rows[0]["阶段"]
    # The manager sees both lead-stage opportunities: the scope, not the export, hid one.
    client.force_login(cast.manager)
    _, _, rows = sheet(export(client, "opportunities:list", {"stage": "lead"}))
    assert {r["编号"] for r in rows} == {o["in"].number, o["out_of_scope"].number}


def test_list_page_carries_the_query_string_to_its_export_button(client, cast, customers):
    opportunities(cast, customers)
    client.force_login(cast.manager)
    response = client.get(reverse("opportunities:list") + "?stage=lead&page=1")
    assert response.context["export_url"] == reverse("opportunities:list") + "?stage=lead&export=xlsx"
    assert 'data-testid="export-xlsx"' in response.content.decode()


def test_customers(client, cast, customers):
    a, b, b2 = customers
    client.force_login(cast.engineer_b)
    _, header, rows = sheet(export(client, "customers:list", {"q": "有限公司"}))
    assert header[0] == "名称"
    assert {r["名称"] for r in rows} == {b.name, b2.name}
    _, _, rows = sheet(export(client, "customers:list", {"q": "深圳"}))
    assert [r["名称"] for r in rows] == [b.name]


def test_support_requests(client, cast, customers):
    a, b, _ = customers
    now = timezone.now()
    inside = SupportRequestFactory(customer=b, priority="urgent", submitted_at=now - timedelta(days=1))
    SupportRequestFactory(customer=b, priority="normal")
    SupportRequestFactory(customer=a, priority="urgent")
    client.force_login(cast.engineer_b)
    ws, header, rows = sheet(export(client, "support:list", {"priority": "urgent"}))
    assert [r["编号"] for r in rows] == [inside.number]
    assert rows[0]["优先级"] == "紧急"
    submitted = rows[0]["提交时间"]
    assert submitted == timezone.localtime(inside.submitted_at).replace(tzinfo=None, microsecond=submitted.microsecond)
    assert ws.cell(row=2, column=header.index("提交时间") + 1).number_format == "yyyy-mm-dd hh:mm"


def test_pocs(client, cast, customers):
    o = opportunities(cast, customers)
    running = poc_row(o["in"], status=PocStatus.RUNNING)
    poc_row(o["in"], status=PocStatus.DRAFT)
    poc_row(o["out_of_scope"], status=PocStatus.RUNNING)
    client.force_login(cast.engineer_b)
    _, header, rows = sheet(export(client, "poc:list", {"status": "running"}))
    assert header[0] == "编号" and [r["编号"] for r in rows] == [running.number]


def test_bids(client, cast, customers):
    o = opportunities(cast, customers)
    mine = dict(actor=cast.engineer_b, business_owner=cast.engineer_b, technical_owner=cast.engineer_b)
    inside = make_bid(cast, opportunity=o["in"], project_name="地铁储能采购", **mine)
    make_bid(cast, opportunity=o["in"], project_name="电网改造", **mine)
    make_bid(cast, opportunity=o["out_of_scope"], project_name="储能采购二期")
    client.force_login(cast.engineer_b)
    _, header, rows = sheet(export(client, "bids:list", {"q": "采购"}))
    assert header[:2] == ["编号", "项目名称"] and [r["编号"] for r in rows] == [inside.number]


def test_documents(client, cast, customers):
    a, b, _ = customers
    inside = make_document(author=cast.engineer_b, customer=b, title="地铁储能解决方案")
    make_document(author=cast.engineer_b, customer=b, title="电网改造报价")
    make_document(author=cast.engineer_a, customer=a, title="合肥储能解决方案")
    client.force_login(cast.engineer_b)
    _, header, rows = sheet(export(client, "documents:list", {"q": "解决方案"}))
    assert header[:2] == ["编号", "标题"] and [r["编号"] for r in rows] == [inside.number]


def test_scorecards(client, cast):
    committee = make_committee()
    cycle = running_cycle(cast, committee=committee, people=[cast.engineer_a, cast.engineer_a2, cast.engineer_b])
    url = reverse("appraisal:cycle_detail", args=[cycle.pk])
    client.force_login(committee)
    _, header, rows = sheet(client.get(f"{url}?status=self_assessment&export=xlsx"))
    assert header[:2] == ["被考核人", "团队"] and len(rows) == 3
    _, _, rows = sheet(client.get(f"{url}?team={cast.team_a.pk}&export=xlsx"))
    assert {r["被考核人"] for r in rows} == {"张工", "赵工"}
    # A lead's export holds what the lead may see (here: the people they supervise, 陈工 included);
    # an engineer's only their own appraisal.
    from presales.appraisal.models import Appraisal

    client.force_login(cast.lead_a)
    _, _, rows = sheet(client.get(f"{url}?export=xlsx"))
    visible = {str(a.employee) for a in Appraisal.objects.visible_to(cast.lead_a).filter(cycle=cycle)}
    assert {r["被考核人"] for r in rows} == visible
    client.force_login(cast.engineer_a)
    _, _, rows = sheet(client.get(f"{url}?export=xlsx"))
    assert {r["被考核人"] for r in rows} == {"张工"}
    # The page shows the filtered rows with an export link carrying the filter.
    client.force_login(committee)
    response = client.get(f"{url}?status=self_assessment")
    assert len(response.context["rows"]) == 3
    assert "status=self_assessment&amp;export=xlsx" in response.content.decode()


def test_export_is_bounded(client, cast, customers, monkeypatch):
    from presales.opportunities.views import OpportunityListView

    opportunities(cast, customers)
    monkeypatch.setattr(OpportunityListView, "export_limit", 1)
    client.force_login(cast.manager)
    response = export(client, "opportunities:list", {})
    assert response["X-Export-Truncated"] == "1"
    ws = load_workbook(io.BytesIO(response.content)).active
    assert "导出最多 1 行" in str(ws.cell(row=ws.max_row, column=1).value)


@pytest.mark.parametrize(
    "url_name", ["opportunities:list", "customers:list", "support:list", "poc:list", "bids:list", "documents:list"]
)
def test_export_query_count_does_not_grow(client, cast, customers, url_name):
    a, b, _ = customers
    client.force_login(cast.manager)

    def grow():
        for i in range(4):
            c = CustomerFactory(presales_owner=cast.engineer_b, sales_owner=cast.sales_a)
            o = project(c, lead=cast.engineer_b, stage=Stage.LEAD)
            poc_row(o, status=PocStatus.RUNNING)
            SupportRequestFactory(customer=c, assignee=cast.engineer_b)
            make_bid(cast, opportunity=o, actor=cast.engineer_b, business_owner=cast.engineer_b,
                     technical_owner=cast.engineer_b)
            make_document(author=cast.engineer_b, customer=c, title=f"文档{next(_n)}")

    grow()
    assert_constant_queries(client, f"{reverse(url_name)}?export=xlsx", grow, at_most=20)
