"""The CRM import pages: who reaches them, the upload → mapping → preview → import journey with
the error report, the progress bar, cancel, the templates, the navigation item, query counts."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from presales.customers.models import Customer
from presales.imports import services
from presales.imports.models import ImportJob
from tests.imports.conftest import (
    CUSTOMER_HEADERS,
    committed,
    customer_rows,
    run_file,
    xlsx_bytes,
)
from tests.imports.test_import_services import bad_customer_rows
from tests.kit import check_access, count_queries, snapshot

pytestmark = pytest.mark.django_db


def upload(client, content, name="客户导出.xlsx", kind="customers", source="纷享销客"):
    return client.post(
        reverse("imports:upload"),
        {"kind": kind, "source": source, "file": SimpleUploadedFile(name, content)},
    )


def test_who_reaches_the_import_pages(client, cast):
    for url in (reverse("imports:list"), reverse("imports:upload"), reverse("imports:template", args=["customers"])):
        check_access(
            client, cast, url, permitted=["manager", "lead_a"], forbidden=["engineer_a", "sales_a", "nobody"]
        )
    job = services.import_job_create(
        actor=cast.manager,
        kind="customers",
        source_name="CRM",
        file_name="a.xlsx",
        content=xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast)),
    )
    for name in ("imports:detail", "imports:mapping", "imports:progress", "imports:errors"):
        check_access(
            client,
            cast,
            reverse(name, args=[job.pk]),
            permitted=["manager"],
            hidden=["lead_a"],  # a team lead sees the imports they uploaded, not a manager's
            forbidden=["engineer_a", "nobody"],
        )
    before = snapshot(ImportJob)
    for name in ("imports:confirm", "imports:cancel"):
        check_access(
            client,
            cast,
            reverse(name, args=[job.pk]),
            method="post",
            permitted=[],
            hidden=["lead_a"],
            forbidden=["engineer_a"],
        )
    assert snapshot(ImportJob) == before


def test_upload_map_preview_fix_and_import(client, cast):
    client.force_login(cast.manager)
    # 1. upload: the headers are recognised
    response = upload(client, xlsx_bytes(CUSTOMER_HEADERS, bad_customer_rows(cast)))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:mapping", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "映射列" in page and "制造业" in page  # a sample value shown beside its column
    # 2. mapping: what the form proposes, sent back as it is; the dry run runs
    form = client.get(response["Location"]).context["form"]
    data = {name: field.initial or "" for name, field in form.fields.items()}
    assert data["col_1"] == "name" and data["col_4"] == "sales_owner"
    with committed():
        response = client.post(reverse("imports:mapping", args=[job.pk]), data)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "previewed" and Customer.objects.count() == 0
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'data-count="error">6<' in page and "将新建" in page
    assert 'data-error-column="所属行业"' in page and "航天" in page
    # 3. the error report: row numbers, messages per column, and the original cells
    report = client.get(reverse("imports:errors", args=[job.pk]))
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(report.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("行号", "错误", "客户编号")
    assert [r[0] for r in rows[1:]] == [3, 4, 5, 6, 7, 8]
    assert "所属行业" in rows[1][1] and rows[1][4] == "航天"
    # 4. all or nothing is refused while rows are bad; nothing written
    response = client.post(reverse("imports:confirm", args=[job.pk]), {"mode": "all"}, follow=True)
    assert "6 行有错误" in response.content.decode() and Customer.objects.count() == 0
    # 5. the fixed file (the report, corrected) is imported again: its two extra columns are ignored
    fixed = [list(r) for r in rows[1:]]
    fixed[0][4] = "制造业"  # row 3: a known industry
    fixed[1][6] = cast.sales_a.username  # row 4: a known owner
    fixed[2][2] = "C00004"  # row 5: an id
    fixed[3][6] = cast.sales_a.username  # row 6: the sales owner
    fixed[4][5] = "华北"  # row 7: a region
    fixed[5][8] = "www.fixed.cn"  # row 8: a website
    content = xlsx_bytes(rows[0], fixed)
    response = upload(client, content, name="客户导出-已修正.xlsx")
    second = ImportJob.objects.latest("pk")
    mapping = client.get(response["Location"]).context["form"]
    data = {name: field.initial or "" for name, field in mapping.fields.items()}
    with committed():
        client.post(reverse("imports:mapping", args=[second.pk]), data)
    second.refresh_from_db()
    assert (second.status, second.rows_failed, second.rows_created) == ("previewed", 0, 6)
    with committed():
        response = client.post(reverse("imports:confirm", args=[second.pk]), {"mode": "all"})
    second.refresh_from_db()
    assert second.status == "imported" and Customer.objects.count() == 6
    page = client.get(second.get_absolute_url()).content.decode()
    customer = Customer.objects.get(name="航天客户")
    assert reverse("customers:detail", args=[customer.pk]) in page


def test_bad_upload_is_refused_on_the_field(client, cast):
    client.force_login(cast.manager)
    response = upload(client, b"just text", name="notes.txt")
    assert response.status_code == 200 and 'data-field-error="file"' in response.content.decode()
    response = upload(client, xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast)), source="  ")
    assert 'data-field-error="source"' in response.content.decode()
    assert not ImportJob.objects.exists()


def test_mapping_errors_are_shown_and_change_nothing(client, cast):
    client.force_login(cast.manager)
    upload(client, xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast)))
    job = ImportJob.objects.get()
    before = snapshot(ImportJob)
    response = client.post(reverse("imports:mapping", args=[job.pk]), {"col_0": "", "col_1": "name", "col_2": "name"})
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="mapping-errors"' in body and "两次" in body
    assert snapshot(ImportJob) == before


def test_progress_while_running_and_reload_when_done(client, cast):
    client.force_login(cast.manager)
    job = run_file(cast.manager, "customers", xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast, 4)), commit=False)
    ImportJob.objects.filter(pk=job.pk).update(status="importing")
    services.record_progress(job.pk, 2, 4)
    response = client.get(reverse("imports:progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "2 / 4 行" in body and "50%" in body and 'hx-trigger="every 1s"' in body
    assert "HX-Refresh" not in response
    ImportJob.objects.filter(pk=job.pk).update(status="imported")
    response = client.get(reverse("imports:progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"


def test_cancel_from_the_page(client, cast):
    client.force_login(cast.manager)
    job = run_file(cast.manager, "customers", xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast)), commit=False)
    with committed():
        response = client.post(reverse("imports:cancel", args=[job.pk]), follow=True)
    assert "导入已取消" in response.content.decode()
    assert ImportJob.objects.get(pk=job.pk).status == "cancelled" and not Customer.objects.exists()
    response = client.post(reverse("imports:cancel", args=[job.pk]), follow=True)
    assert "不能取消" in response.content.decode()


@pytest.mark.parametrize("kind", ["customers", "contacts", "opportunities"])
def test_templates_are_recognised_when_filled_in(client, cast, kind):
    client.force_login(cast.manager)
    response = client.get(reverse("imports:template", args=[kind]))
    book = load_workbook(io.BytesIO(response.content))
    headers = [c.value for c in book.worksheets[0][1]]
    assert headers[0].endswith("编号（CRM）")
    assert book.worksheets[1].title == "填写说明"
    job = services.import_job_create(
        actor=cast.manager,
        kind=kind,
        source_name="模板",
        file_name="t.xlsx",
        content=xlsx_bytes(headers, [["x"] * len(headers)]),
    )
    assert len(job.columns) == len(headers)  # every template column is mapped automatically
    csv = client.get(reverse("imports:template", args=[kind]) + "?format=csv")
    assert csv.content.startswith("\ufeff".encode()) and headers[1] in csv.content.decode("utf-8-sig")
    assert client.get(reverse("imports:template", args=["payments"])).status_code == 404


def test_navigation_item_for_those_who_import(client, cast):
    client.force_login(cast.manager)
    assert "CRM导入" in client.get(reverse("imports:list")).content.decode()
    client.force_login(cast.engineer_a)
    assert "CRM导入" not in client.get(reverse("customers:list")).content.decode()


def test_list_and_detail_query_counts_do_not_grow(client, cast):
    client.force_login(cast.manager)
    job = run_file(cast.manager, "customers", xlsx_bytes(CUSTOMER_HEADERS, bad_customer_rows(cast)), commit=False)
    detail = count_queries(client, job.get_absolute_url())
    listing = count_queries(client, reverse("imports:list"))
    job2 = run_file(
        cast.manager, "customers", xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast, 40)), commit=True
    )
    assert count_queries(client, job2.get_absolute_url()) == detail
    assert count_queries(client, reverse("imports:list")) == listing
