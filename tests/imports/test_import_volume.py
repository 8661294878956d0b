"""A 10,000-row CRM export through the Celery task (eager here, as without a broker), with its
progress, and the management command over the same services."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from presales.core.models import OutboxMessage
from presales.customers.models import Contact, Customer
from presales.imports import services
from presales.imports.models import ImportJob
from tests.imports.conftest import CUSTOMER_HEADERS, committed, csv_bytes, customer_rows, xlsx_bytes

pytestmark = pytest.mark.django_db

ROWS = 10_000


def contact_rows(n, customers=20):
    return [
        (f"P{i:05d}", f"C{i % customers + 1:05d}", f"联系人{i}", "技术对接人", "信息中心工程师", f"138{i:08d}", "")
        for i in range(n)
    ]


def test_ten_thousand_rows_import_through_the_task_with_progress(cast):
    from tests.imports.conftest import CONTACT_HEADERS, run_file

    run_file(cast.manager, "customers", xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast, 20)))
    content = csv_bytes(CONTACT_HEADERS, contact_rows(ROWS))
    job = services.import_job_create(
        actor=cast.manager, kind="contacts", source_name="纷享销客", file_name="全部联系人.csv", content=content
    )
    assert job.total_rows == ROWS
    # the dry run, with its progress reported chunk by chunk
    services.import_job_map(actor=cast.manager, job=job, columns=job.columns, background=False)
    steps: list[tuple[int, int]] = []
    started = time.monotonic()
    services.run_job(job.pk, progress=lambda done, total: steps.append((done, total)))
    preview_seconds = time.monotonic() - started
    # every chunk's end, and within a chunk at most one report a second: never one per row
    assert {(n, ROWS) for n in range(500, ROWS + 1, 500)} <= set(steps) and steps[-1] == (ROWS, ROWS)
    assert all(a[0] < b[0] for a, b in zip(steps, steps[1:], strict=False))
    assert len(steps) <= ROWS // 500 + int(preview_seconds) + 1
    job.refresh_from_db()
    assert (job.status, job.rows_created, job.rows_failed) == ("previewed", ROWS, 0)
    assert not Contact.objects.exists()
    # the import: sent through the outbox to the Celery task, which records its progress
    with committed():
        services.import_job_confirm(actor=cast.manager, job=job, mode="all")
    job.refresh_from_db()
    assert OutboxMessage.objects.get(task_name=services.TASK, dedup_key=f"import-{job.pk}-import").sent_at
    assert cache.get(f"imports:progress:{job.pk}") == {"done": ROWS, "total": ROWS}
    assert services.progress_of(job)["percent"] == 100
    assert (job.status, job.rows_created) == ("imported", ROWS)
    assert Contact.objects.count() == ROWS
    print(f"\n{ROWS} rows: dry run {preview_seconds:.1f} s ({ROWS / preview_seconds:.0f} rows/s)")


def test_management_command_dry_run_and_import(cast, tmp_path):
    path = tmp_path / "客户.xlsx"
    path.write_bytes(xlsx_bytes(CUSTOMER_HEADERS, customer_rows(cast, 3)))
    call_command("crm_import", str(path), kind="customers", source="纷享销客", user=cast.manager.username, verbosity=0)
    assert ImportJob.objects.get().status == "previewed" and not Customer.objects.exists()
    call_command(
        "crm_import", str(path), kind="customers", source="纷享销客", user=cast.manager.username, commit=True,
        verbosity=0,
    )
    assert Customer.objects.count() == 3
    call_command(  # again: nothing changes
        "crm_import", str(path), kind="customers", source="纷享销客", user=cast.manager.username, commit=True,
        verbosity=0,
    )
    assert ImportJob.objects.latest("pk").rows_unchanged == 3
    with pytest.raises(CommandError, match="只有经理和团队负责人"):
        call_command("crm_import", str(path), kind="customers", source="纷享销客", user=cast.engineer_a.username)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(CUSTOMER_HEADERS, [("C9", "坏客户", "航天", "华东", "x", "y", "")]))
    with pytest.raises(CommandError):
        call_command("crm_import", str(bad), kind="customers", source="纷享销客", user=cast.manager.username,
                     commit=True, verbosity=0)
    assert not Customer.objects.filter(name="坏客户").exists()
