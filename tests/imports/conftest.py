"""Helpers of the CRM import tests: real CSV (UTF-8 and GBK) and XLSX files with Chinese content,
built in memory, and a job driven through the services the pages use."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

CUSTOMER_HEADERS = ["客户编号", "客户名称", "所属行业", "区域", "负责人", "售前负责人", "网址"]
CONTACT_HEADERS = ["联系人ID", "客户编号", "姓名", "角色", "职务", "手机", "邮箱"]
OPPORTUNITY_HEADERS = [
    "商机编号",
    "商机名称",
    "客户编号",
    "销售阶段",
    "预计金额",
    "预计签约日期",
    "负责人",
    "售前负责人",
]


def xlsx_bytes(headers, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "导出数据"
    ws.append(headers)
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers, rows, *, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def customer_rows(cast, n=3, start=1):
    return [
        (
            f"C{i:05d}",
            f"导入客户{i}有限公司",
            "制造业",
            "华东",
            cast.sales_a.username,
            cast.engineer_a.email,
            f"www.customer{i}.cn",
        )
        for i in range(start, start + n)
    ]


def run_file(
    actor,
    kind,
    content,
    *,
    name="export.xlsx",
    source="纷享销客",
    mode="all",
    commit=True,
    default_presales_owner=None,
):
    """Upload → automatic mapping → dry run → (import). Returns the job as it ended."""
    from presales.imports import services
    from presales.imports.models import ImportJob

    job = services.import_job_create(
        actor=actor, kind=kind, source_name=source, file_name=name, content=content
    )
    with committed():  # the outbox sends the task once the mapping commits; eager: it runs now
        job = services.import_job_map(
            actor=actor,
            job=job,
            columns=job.columns,
            values=job.values,
            owners=job.owners,
            default_presales_owner=default_presales_owner,
        )
    job = ImportJob.objects.get(pk=job.pk)
    if commit and job.status == "previewed" and (mode == "skip" or not job.rows_failed):
        with committed():
            services.import_job_confirm(actor=actor, job=job, mode=mode)
        job = ImportJob.objects.get(pk=job.pk)
    return job


def committed():
    """Run the on-commit callbacks (the outbox's task sends) at the end of the block, as a real
    commit would: the tests run inside one transaction that never commits."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def row_errors(job) -> dict[int, dict[str, list[str]]]:
    return {r.row: r.errors for r in job.rows.filter(outcome="error")}
