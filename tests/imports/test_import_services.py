"""CRM import through the services: dry run, idempotent re-import, bad rows by row and column,
all-or-nothing, team scoping, stage and owner mapping, with real XLSX and CSV files."""

from __future__ import annotations

from decimal import Decimal

import pytest

from presales.core.errors import DomainError, PermissionDenied
from presales.customers.models import Contact, Customer, OwnershipChange
from presales.imports import services
from presales.imports.models import ExternalKey, ImportJob, SourceMapping
from presales.opportunities.models import Opportunity, StageEvent
from tests.imports.conftest import (
    CONTACT_HEADERS,
    CUSTOMER_HEADERS,
    OPPORTUNITY_HEADERS,
    committed,
    csv_bytes,
    customer_rows,
    row_errors,
    run_file,
    xlsx_bytes,
)
from tests.kit import snapshot

pytestmark = pytest.mark.django_db

BUSINESS = (Customer, Contact, Opportunity, OwnershipChange, StageEvent, ExternalKey)


def business_snapshot():
    from presales.core.models import Sequence

    return snapshot(*BUSINESS, Sequence)


def test_dry_run_writes_nothing(cast):
    before = business_snapshot()
    job = run_file(cast.manager, "customers", xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast)), commit=False)
    assert job.status == "previewed" and job.dry_run
    assert (job.rows_created, job.rows_updated, job.rows_failed) == (3, 0, 0)
    assert business_snapshot() == before
    # the preview names the rows, without pointing at records that do not exist
    assert list(job.rows.values_list("row", "outcome", "object_id")) == [
        (2, "create", None),
        (3, "create", None),
        (4, "create", None),
    ]


def test_cancel_writes_nothing_and_deletes_the_file(cast):
    job = run_file(cast.manager, "customers", xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast)), commit=False)
    storage, name = job.file.storage, job.file.name
    before = business_snapshot()
    with committed():
        services.import_job_cancel(actor=cast.manager, job=job)
    assert ImportJob.objects.get(pk=job.pk).status == "cancelled"
    assert not storage.exists(name)
    assert business_snapshot() == before
    with pytest.raises(DomainError):
        services.import_job_confirm(actor=cast.manager, job=job, mode="all")


def test_import_then_reimport_changes_nothing_and_an_edited_row_updates_with_history(cast):
    content = xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast))
    job = run_file(cast.manager, "customers", content)
    assert job.status == "imported" and job.rows_created == 3
    customer = Customer.objects.get(name="导入客户1有限公司")
    assert (customer.presales_owner, customer.sales_owner, customer.team) == (
        cast.engineer_a,
        cast.sales_a,
        cast.team_a,
    )
    assert customer.website == "https://www.customer1.cn"
    assert customer.history.first().history_user == cast.manager

    before = business_snapshot()
    again = run_file(cast.manager, "customers", content)
    assert (again.status, again.rows_created, again.rows_updated, again.rows_unchanged) == (
        "imported",
        0,
        0,
        3,
    )
    assert business_snapshot() == before  # history tables included: not one row written

    edited = customer_rows(cast)
    edited[0] = (*edited[0][:3], "华南", *edited[0][4:])  # row 2 moves region
    third = run_file(cast.manager, "customers", xlsx_bytes(CUSTOMER_HEADERS, edited), name="export-v2.xlsx")
    assert (third.rows_created, third.rows_updated, third.rows_unchanged) == (0, 1, 2)
    customer.refresh_from_db()
    assert customer.region == "south" and customer.version == 2
    latest = customer.history.first()
    assert latest.history_user == cast.manager
    assert f"#{third.pk}" in latest.history_change_reason and "纷享销客" in latest.history_change_reason
    assert latest.diff_against(latest.prev_record).changed_fields == ["region", "version"] or set(
        latest.diff_against(latest.prev_record).changed_fields
    ) >= {"region"}


def test_owner_change_goes_through_reassignment(cast):
    run_file(cast.manager, "customers", xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast, 1)))
    rows = customer_rows(cast, 1)
    rows[0] = (*rows[0][:5], cast.engineer_a2.username, rows[0][6])
    job = run_file(cast.manager, "customers", xlsx_bytes(CUSTOMER_HEADERS, rows))
    assert job.rows_updated == 1
    customer = Customer.objects.get()
    assert customer.presales_owner == cast.engineer_a2
    change = OwnershipChange.objects.filter(customer=customer, kind="presales").first()
    assert (change.from_user, change.to_user, change.actor) == (
        cast.engineer_a,
        cast.engineer_a2,
        cast.manager,
    )
    assert f"#{job.pk}" in change.reason


def bad_customer_rows(cast):
    good = customer_rows(cast, 1)[0]
    return [
        good,  # row 2
        (
            "C00002",
            "航天客户",
            "航天",
            "华东",
            cast.sales_a.username,
            cast.engineer_a.username,
            "",
        ),  # 3: industry
        (
            "C00003",
            "无主客户",
            "制造业",
            "华东",
            "ghost@nowhere.cn",
            cast.engineer_a.username,
            "",
        ),  # 4: owner
        (
            "",
            "没有编号的客户",
            "制造业",
            "华东",
            cast.sales_a.username,
            cast.engineer_a.username,
            "",
        ),  # 5: no id
        (
            "C00005",
            "角色不对的客户",
            "制造业",
            "华东",
            cast.engineer_a2.username,
            cast.engineer_a.username,
            "",
        ),  # 6
        (
            "C00006",
            "缺区域的客户",
            "制造业",
            "",
            cast.sales_a.username,
            cast.engineer_a.username,
            "",
        ),  # 7: region
        (
            "C00007",
            "网址错误的客户",
            "制造业",
            "华东",
            cast.sales_a.username,
            cast.engineer_a.username,
            "http://",
        ),  # 8
    ]


def test_bad_rows_are_reported_by_row_and_column_and_all_or_nothing_writes_nothing(cast):
    before = business_snapshot()
    job = run_file(cast.manager, "customers", xlsx_bytes(CUSTOMER_HEADERS, bad_customer_rows(cast)))
    assert job.status == "previewed" and job.rows_failed == 6 and job.rows_created == 1
    errors = row_errors(job)
    assert set(errors) == {3, 4, 5, 6, 7, 8}
    assert list(errors[3]) == ["所属行业"] and "航天" in errors[3]["所属行业"][0]
    assert list(errors[4]) == ["负责人"] and "ghost@nowhere.cn" in errors[4]["负责人"][0]
    assert list(errors[5]) == ["客户编号"]
    assert (
        list(errors[6]) == ["负责人"] and "销售角色" in errors[6]["负责人"][0]
    )  # the customers service's rule
    assert list(errors[7]) == ["区域"]
    assert list(errors[8]) == ["网址"]
    # translated (the uploader's language: Chinese)
    assert all("\u4e00" <= ch <= "\u9fff" for ch in errors[7]["区域"][0][:2])
    with pytest.raises(DomainError) as refused:
        services.import_job_confirm(actor=cast.manager, job=job, mode="all")
    assert refused.value.field == "mode" and "6" in refused.value.message
    assert business_snapshot() == before

    with committed():
        services.import_job_confirm(actor=cast.manager, job=job, mode="skip")
    job.refresh_from_db()
    assert (job.status, job.rows_created, job.rows_failed) == ("imported", 1, 6)
    assert list(Customer.objects.values_list("name", flat=True)) == ["导入客户1有限公司"]


def test_all_or_nothing_refuses_at_import_when_a_row_went_bad_since_the_preview(cast):
    job = run_file(cast.manager, "customers", xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast)), commit=False)
    assert job.rows_failed == 0
    cast.sales_a.is_active = False  # the sales owner leaves before the import is confirmed
    cast.sales_a.save()
    before = business_snapshot()
    with committed():
        services.import_job_confirm(actor=cast.manager, job=job, mode="all")
    job.refresh_from_db()
    assert job.status == "refused" and job.rows_failed == 3 and "3" in job.message
    assert business_snapshot() == before


def test_a_team_lead_imports_only_into_their_team(cast):
    rows = customer_rows(cast, 2)
    rows[1] = (*rows[1][:5], cast.engineer_b.username, rows[1][6])  # team B's engineer as presales owner
    job = run_file(cast.lead_a, "customers", xlsx_bytes(CUSTOMER_HEADERS, rows), mode="skip")
    assert (job.rows_created, job.rows_failed) == (1, 1)
    assert list(row_errors(job)[3]) == ["售前负责人"]
    # an existing customer of team B, found by name, is not touched
    from tests.factories import CustomerFactory

    CustomerFactory(name="华南老客户", presales_owner=cast.engineer_b, team=cast.team_b)
    other = [("C09999", "华南老客户", "制造业", "华南", cast.sales_a.username, cast.engineer_a.username, "")]
    job = run_file(cast.lead_a, "customers", xlsx_bytes(CUSTOMER_HEADERS, other), commit=False)
    assert job.rows_failed == 1 and "团队" in row_errors(job)[2]["客户编号"][0]


def test_only_managers_and_team_leads_import(cast):
    content = xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast))
    for user in (cast.engineer_a, cast.sales_a, cast.nobody):
        with pytest.raises(PermissionDenied):
            services.import_job_create(
                actor=user, kind="customers", source_name="CRM", file_name="a.xlsx", content=content
            )
    job = services.import_job_create(
        actor=cast.lead_a, kind="customers", source_name="CRM", file_name="a.xlsx", content=content
    )
    # another person's job: only its uploader or a manager acts on it
    with pytest.raises(PermissionDenied):
        services.import_job_map(actor=cast.engineer_a, job=job, columns=job.columns)
    assert set(ImportJob.objects.visible_to(cast.lead_a)) == {job}
    assert set(ImportJob.objects.visible_to(cast.engineer_b)) == set()
    assert set(ImportJob.objects.visible_to(cast.manager)) == {job}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.txt", b"x", "上传"),
        ("a.xlsx", b"not a workbook", "XLSX"),
        ("a.csv", b"", "\u7a7a"),
        ("a.csv", "客户编号,客户编号\n1,2\n".encode(), "客户编号"),
        ("a.csv", "客户编号,客户名称\n".encode(), "\u6ca1\u6709"),
    ],
)
def test_unreadable_files_are_refused_on_the_file_field(cast, name, content, message):
    before = snapshot(ImportJob)
    with pytest.raises(DomainError) as refused:
        services.import_job_create(
            actor=cast.manager, kind="customers", source_name="CRM", file_name=name, content=content
        )
    assert refused.value.field == "file" and message in refused.value.message
    assert snapshot(ImportJob) == before


def test_mapping_must_name_the_required_columns(cast):
    job = services.import_job_create(
        actor=cast.manager,
        kind="customers",
        source_name="CRM",
        file_name="a.xlsx",
        content=xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast)),
    )
    with pytest.raises(DomainError) as refused:
        services.import_job_map(actor=cast.manager, job=job, columns={"客户名称": "name", "负责人": "name"})
    messages = refused.value.errors["columns"]
    assert any("两次" in m or "twice" in m for m in messages)
    assert any("客户编号（CRM）" in m for m in messages)
    assert ImportJob.objects.get(pk=job.pk).status == "uploaded"


# --- contacts: GBK CSV, as Chinese Excel saves it ----------------------------------------------


def test_contacts_from_a_gbk_csv(cast):
    run_file(cast.manager, "customers", xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast, 2)))
    rows = [
        ("P001", "C00001", "王建国", "决策者", "信息中心主任", "13800000001", "wangjg@customer1.cn"),
        ("P002", "C00002", "李娜", "技术对接人", "IT经理", "", "lina@customer2.cn"),
        ("P003", "C99999", "赵敏", "采购", "采购经理", "13800000003", ""),  # unknown customer id
        ("P004", "C00001", "钱伟", "最终使用者", "工程师", "", ""),  # no way to reach him
    ]
    content = csv_bytes(CONTACT_HEADERS, rows, encoding="gb18030")
    job = run_file(cast.manager, "contacts", content, name="联系人.csv", mode="skip")
    assert (job.rows_created, job.rows_failed) == (2, 2)
    errors = row_errors(job)
    assert list(errors[4]) == ["客户编号"] and "C99999" in errors[4]["客户编号"][0]
    assert list(errors[5]) == ["手机"]  # the contacts service's rule: phone, e-mail or WeChat
    contact = Contact.objects.get(name="王建国")
    assert (contact.customer.name, contact.role, contact.title) == (
        "导入客户1有限公司",
        "decision_maker",
        "信息中心主任",
    )

    before = business_snapshot()
    again = run_file(cast.manager, "contacts", content, name="联系人.csv", mode="skip")
    assert (again.rows_created, again.rows_updated, again.rows_unchanged, again.rows_failed) == (0, 0, 2, 2)
    assert business_snapshot() == before


# --- opportunities: stages, amounts, dates; UTF-8 CSV --------------------------------------------


def opportunity_rows(cast):
    return [
        (
            "O001",
            "MES二期",
            "C00001",
            "需求确认",
            "12.5万",
            "2026/6/30",
            cast.sales_a.username,
            cast.engineer_a.username,
        ),
        (
            "O002",
            "储能BMS平台",
            "C00002",
            "谈判审核",
            "1,200,000.00",
            "2026-09-30",
            cast.sales_a.email,
            cast.engineer_a.username,
        ),
        (
            "O003",
            "已签约项目",
            "C00001",
            "赢单",
            "800000",
            "2026-03-31",
            cast.sales_a.username,
            cast.engineer_a2.username,
        ),
    ]


def test_opportunities_are_placed_at_their_crm_stage_and_moved_only_forward(cast):
    run_file(cast.manager, "customers", xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast, 2)))
    content = csv_bytes(OPPORTUNITY_HEADERS, opportunity_rows(cast))
    job = run_file(cast.manager, "opportunities", content, name="商机.csv")
    assert (job.status, job.rows_created, job.rows_failed) == ("imported", 3, 0), row_errors(job)
    mes = Opportunity.objects.get(name="MES二期")
    assert (mes.stage, mes.estimated_amount, str(mes.expected_close_on)) == (
        "discovery",
        Decimal("125000.00"),
        "2026-06-30",
    )
    assert (mes.presales_lead, mes.sales_owner, mes.team) == (cast.engineer_a, cast.sales_a, cast.team_a)
    won = Opportunity.objects.get(name="已签约项目")
    assert won.stage == "won" and won.closed_at is not None
    event = won.stage_events.filter(to_stage="won").get()
    # the gates of "won" (retrospective, handover) were not met: recorded as overridden, with the source
    assert (
        event.overridden
        and event.overridden_reasons
        and f"#{job.pk}" in event.reason
        and event.actor == cast.manager
    )
    # The progress status, derived once per chunk of rows (not after each saved row), is the
    # one derived from the imported records; a closed stage is its outcome.
    from presales.opportunities import progress

    stored = dict(Opportunity.objects.values_list("pk", "progress"))
    assert stored == progress.derive(stored) and stored[won.pk] == "won"
    assert stored[mes.pk] == progress.derive([mes.pk])[mes.pk] != "not_started"

    before = business_snapshot()
    again = run_file(cast.manager, "opportunities", content, name="商机.csv")
    assert (again.rows_unchanged, again.rows_updated, again.rows_created) == (3, 0, 0)
    assert business_snapshot() == before

    rows = opportunity_rows(cast)
    rows[0] = (*rows[0][:3], "方案报价", *rows[0][4:])  # forward: discovery → solution
    rows[1] = (*rows[1][:3], "需求确认", *rows[1][4:])  # backwards: kept, with a note
    rows[2] = (*rows[2][:3], "输单", *rows[2][4:])  # closed stays closed
    third = run_file(cast.manager, "opportunities", csv_bytes(OPPORTUNITY_HEADERS, rows), name="商机2.csv")
    assert (third.rows_updated, third.rows_unchanged, third.rows_failed) == (1, 2, 0)
    assert Opportunity.objects.get(name="MES二期").stage == "solution"
    assert Opportunity.objects.get(name="储能BMS平台").stage == "negotiation"
    assert Opportunity.objects.get(name="已签约项目").stage == "won"
    notes = {r.row: r.notes for r in third.rows.all()}
    assert notes[3] and "商务谈判" in notes[3][0]


def test_stage_and_owner_values_are_mapped_and_remembered_per_source(cast):
    run_file(cast.manager, "customers", xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast, 1)))
    rows = [("O010", "智慧园区", "C00001", "阶段A：意向", "", "", "刘销售", "")]
    content = xlsx_bytes(OPPORTUNITY_HEADERS, rows)
    job = run_file(cast.manager, "opportunities", content, commit=False)
    errors = row_errors(job)[2]
    assert set(errors) == {"销售阶段", "负责人"}

    with committed():
        services.import_job_map(
            actor=cast.manager,
            job=job,
            columns=job.columns,
            values={"stage": {"阶段A：意向": "discovery"}},
            owners={"刘销售": str(cast.sales_a.pk)},
        )
    job.refresh_from_db()
    assert job.rows_failed == 0 and job.rows_created == 1
    remembered = SourceMapping.objects.get(source__name="纷享销客", kind="opportunities")
    assert (
        remembered.values["stage"]["阶段A：意向"] == "discovery"
        and remembered.owners["刘销售"] == cast.sales_a.pk
    )
    # the next file from the same source is mapped the same way
    second = run_file(cast.manager, "opportunities", content)
    assert second.status == "imported" and Opportunity.objects.get().stage == "discovery"


def test_contacts_and_opportunities_need_their_customer_first(cast):
    rows = [("O020", "无客户商机", "C404", "线索", "", "", cast.sales_a.username, "")]
    job = run_file(cast.manager, "opportunities", xlsx_bytes(OPPORTUNITY_HEADERS, rows), commit=False)
    assert list(row_errors(job)[2]) == ["客户编号"]


def test_queries_per_row_do_not_grow_with_the_file_or_the_data(cast, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(n, start):
        job = services.import_job_create(
            actor=cast.manager,
            kind="customers",
            source_name="纷享销客",
            file_name="a.xlsx",
            content=xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast, n, start)),
        )
        services.import_job_map(actor=cast.manager, job=job, columns=job.columns, background=False)
        with CaptureQueriesContext(connection) as ctx:
            services.run_job(job.pk)
        assert ImportJob.objects.get(pk=job.pk).rows_created == n
        return len(ctx.captured_queries)

    ten, twenty, forty = count(10, 1), count(20, 100), count(40, 200)
    per_row = (twenty - ten) / 10
    assert forty - twenty == per_row * 20, (ten, twenty, forty)
    assert per_row <= 20  # savepoints included: one per row, one per service call
    # with many customers already there (they are found by name, in one query per chunk)
    from tests.factories import CustomerFactory

    CustomerFactory.create_batch(30, presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    assert count(20, 300) == twenty


def test_unreadable_cells_are_reported_on_their_columns_together(cast):
    run_file(cast.manager, "customers", xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast, 1)))
    rows = [("O030", "坏数据商机", "C00001", "阶段不明", "约五十万", "明年", "ghost", cast.engineer_a.username)]
    job = run_file(cast.manager, "opportunities", xlsx_bytes(OPPORTUNITY_HEADERS, rows), commit=False)
    errors = row_errors(job)[2]
    assert set(errors) == {"销售阶段", "预计金额", "预计签约日期", "负责人"}
    assert "约五十万" in errors["预计金额"][0] and "2026-06-30" in errors["预计签约日期"][0]
    assert job.rows.get().values["预计金额"] == "约五十万"  # the cells are kept for the error report
