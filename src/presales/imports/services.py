"""Every write of the CRM import: upload a file, confirm its mapping (which starts the dry run),
confirm the import, cancel. The rows themselves go through the customers' and opportunities'
services (see engine). The web pages, the management command and the tests call these."""

from __future__ import annotations

import logging
import os
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from presales.core import outbox
from presales.core.errors import DomainError, PermissionDenied

from . import engine, permissions
from .choices import FINISHED_STATUSES, RUNNING_STATUSES, ImportKind, ImportMode, JobStatus, RowOutcome
from .models import CrmSource, ImportJob, ImportRow, SourceMapping
from .reading import FileRefused, read_table
from .spec import CHOICE, FIELDS, auto_columns, fields_of, is_blank, text_of

logger = logging.getLogger("presales.imports")

TASK = "presales.imports.tasks.run_import_job"
SAMPLE_VALUES = 60  # distinct values kept per column for the mapping page
# A file must map these fields (a record cannot be found or created without them).
REQUIRED_MAPPING = {
    ImportKind.CUSTOMERS: (("external_id",), ("name",)),
    ImportKind.CONTACTS: (("external_id",), ("name",), ("customer_ref", "customer_name")),
    ImportKind.OPPORTUNITIES: (("external_id",), ("name",), ("customer_ref", "customer_name")),
}


def _check_may_import(actor) -> None:
    if not permissions.can_import(actor):
        raise PermissionDenied(_("Only managers and team leads may import from a CRM."))


def _lock_job(job: ImportJob, actor) -> ImportJob:
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not permissions.can_act_on_job(actor, locked):
        raise PermissionDenied(_("Only the person who uploaded this file, or a manager, may do this."))
    return locked


# --- upload --------------------------------------------------------------------------------------


@transaction.atomic
def import_job_create(*, actor, kind: str, source_name: str, file_name: str, content: bytes) -> ImportJob:
    """Read the uploaded file (nothing is imported yet), keep it, and propose a column mapping:
    the one remembered for this source and kind, completed by the usual headers."""
    _check_may_import(actor)
    if kind not in ImportKind.values:
        raise DomainError(_("Choose what the file holds."), code="invalid", field="kind")
    source_name = " ".join((source_name or "").split())
    if not source_name:
        raise DomainError(
            _("Name the system the file comes from (e.g. 纷享销客, Salesforce)."),
            code="required",
            field="source",
        )
    if len(source_name) > 64:
        raise DomainError(_("At most %(max)s characters.") % {"max": 64}, code="invalid", field="source")
    try:
        table = read_table(content, file_name)
    except FileRefused as refused:
        raise DomainError(str(refused), code="file_refused", field="file") from None
    source, _created = CrmSource.objects.get_or_create(name=source_name)
    remembered = SourceMapping.objects.filter(source=source, kind=kind).first()
    samples: dict[str, list] = {}
    for header in table.headers:
        seen: list[str] = []
        for _number, cells in table.rows:
            cell = cells.get(header)
            if is_blank(cell):
                continue
            text = text_of(cell)[:100]
            if text not in seen:
                seen.append(text)
                if len(seen) >= SAMPLE_VALUES:
                    break
        samples[header] = seen
    job = ImportJob(
        created_by=actor,
        source=source,
        kind=kind,
        file_name=os.path.basename(file_name)[:255],
        headers=table.headers,
        total_rows=len(table.rows),
        samples=samples,
        columns=auto_columns(kind, table.headers, remembered.columns if remembered else None),
        values=remembered.values if remembered else {},
        owners=remembered.owners if remembered else {},
        language=translation.get_language() or "zh-hans",
    )
    extension = os.path.splitext(file_name)[1].lower()
    job.file.save(f"{uuid.uuid4().hex}{extension}", ContentFile(content), save=False)
    job.save()
    return job


# --- mapping -------------------------------------------------------------------------------------


def _clean_mapping(job: ImportJob, columns: dict, values: dict, owners: dict) -> tuple[dict, dict, dict]:
    from presales.accounts.models import User

    fields = fields_of(job.kind)
    errors: dict[str, list[str]] = {}
    clean_columns: dict[str, str] = {}
    used: dict[str, str] = {}
    for header, name in (columns or {}).items():
        if not name:
            continue
        if header not in job.headers or name not in fields:
            errors.setdefault("columns", []).append(
                _("Unknown column or field: %(header)s.") % {"header": header}
            )
            continue
        if name in used:
            errors.setdefault("columns", []).append(
                _("“%(field)s” is mapped twice: from “%(first)s” and “%(second)s”.")
                % {"field": fields[name].label, "first": used[name], "second": header}
            )
            continue
        used[name] = header
        clean_columns[header] = name
    for alternatives in REQUIRED_MAPPING[job.kind]:
        if not any(a in used for a in alternatives):
            labels = " / ".join(str(fields[a].label) for a in alternatives)
            errors.setdefault("columns", []).append(
                _("Map a column to “%(field)s”: the import needs it.") % {"field": labels}
            )
    clean_values: dict[str, dict[str, str]] = {}
    for name, table in (values or {}).items():
        f = fields.get(name)
        if f is None or f.type != CHOICE:
            continue
        for raw, code in (table or {}).items():
            if not code:
                continue
            if code not in f.choices.values:
                errors.setdefault("values", []).append(_("Unknown value: %(value)s.") % {"value": code})
                continue
            clean_values.setdefault(name, {})[str(raw)] = code
    clean_owners: dict[str, int] = {}
    wanted = {str(raw): str(pk) for raw, pk in (owners or {}).items() if pk}
    if wanted:
        active = set(
            User.objects.filter(
                pk__in=[int(v) for v in wanted.values() if v.isdigit()], is_active=True
            ).values_list("pk", flat=True)
        )
        for raw, pk in wanted.items():
            if not pk.isdigit() or int(pk) not in active:
                errors.setdefault("owners", []).append(
                    _("Choose an active colleague for “%(value)s”.") % {"value": raw}
                )
            else:
                clean_owners[raw] = int(pk)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], code="invalid_mapping", errors=errors)
    return clean_columns, clean_values, clean_owners


@transaction.atomic
def import_job_map(
    *,
    actor,
    job: ImportJob,
    columns: dict[str, str],
    values: dict | None = None,
    owners: dict | None = None,
    default_presales_owner=None,
    background: bool = True,
) -> ImportJob:
    """Confirm how the file's columns (and its stage, industry... and owner values) map onto our
    fields, remember it for the source, and start the dry run. With `background=False` the caller
    runs it (`run_job`), as the management command does."""
    locked = _lock_job(job, actor)
    if locked.status not in (JobStatus.UPLOADED, JobStatus.PREVIEWED, JobStatus.REFUSED, JobStatus.FAILED):
        raise DomainError(
            _("This import is %(status)s: its mapping no longer changes.")
            % {"status": locked.get_status_display()},
            code="invalid_state",
        )
    columns, values, owners = _clean_mapping(locked, columns, values or {}, owners or {})
    if default_presales_owner is not None:
        from presales.accounts.choices import PRESALES_ROLES

        if not default_presales_owner.is_active or not default_presales_owner.has_role(*PRESALES_ROLES):
            raise DomainError(
                _("The presales owner must hold a presales role."),
                code="invalid",
                field="default_presales_owner",
            )
    locked.columns, locked.values, locked.owners = columns, values, owners
    locked.default_presales_owner = default_presales_owner
    locked.status, locked.dry_run, locked.message = JobStatus.PREVIEWING, True, ""
    locked.started_at = locked.finished_at = None
    locked.save()
    mapping, _created = SourceMapping.objects.get_or_create(source_id=locked.source_id, kind=locked.kind)
    mapping.columns = {**mapping.columns, **columns, **{h: "" for h in locked.headers if h not in columns}}
    mapping.values = {
        n: {**mapping.values.get(n, {}), **table} for n, table in {**mapping.values, **values}.items()
    }
    mapping.owners = {**mapping.owners, **owners}
    mapping.save()
    _reset_progress(locked.pk)
    if background:
        # No deduplication key: each confirmed mapping is a new dry run (run_job ignores a stale one).
        outbox.enqueue(TASK, kwargs={"job_id": locked.pk})
    return locked


# --- confirm, cancel ------------------------------------------------------------------------------


@transaction.atomic
def import_job_confirm(*, actor, job: ImportJob, mode: str, background: bool = True) -> ImportJob:
    """Import what the dry run showed. All or nothing refuses a file with bad rows before it
    starts (and the import refuses it again if rows went bad since the preview)."""
    locked = _lock_job(job, actor)
    if locked.status != JobStatus.PREVIEWED:
        raise DomainError(
            _("Check the file first: the import starts from its preview."), code="invalid_state"
        )
    if mode not in ImportMode.values:
        raise DomainError(_("Choose how bad rows are handled."), code="invalid", field="mode")
    if mode == ImportMode.ALL_OR_NOTHING and locked.rows_failed:
        raise DomainError(
            ngettext(
                "%(count)s row has errors: fix the file and upload it again, or skip the bad rows.",
                "%(count)s rows have errors: fix the file and upload it again, or skip the bad rows.",
                locked.rows_failed,
            )
            % {"count": locked.rows_failed},
            code="rows_refused",
            field="mode",
        )
    if locked.rows_failed >= locked.total_rows:
        raise DomainError(
            _("Every row has errors: there is nothing to import."), code="rows_refused", field="mode"
        )
    locked.mode, locked.status, locked.dry_run = mode, JobStatus.IMPORTING, False
    locked.started_at = locked.finished_at = None
    locked.save(update_fields=["mode", "status", "dry_run", "started_at", "finished_at"])
    _reset_progress(locked.pk)
    if background:
        outbox.enqueue(TASK, kwargs={"job_id": locked.pk}, dedup_key=f"import-{locked.pk}-import")
    return locked


@transaction.atomic
def import_job_cancel(*, actor, job: ImportJob) -> ImportJob:
    """Stop before importing: the uploaded file is deleted, nothing was or will be written."""
    locked = _lock_job(job, actor)
    if locked.status in RUNNING_STATUSES or locked.status in FINISHED_STATUSES:
        raise DomainError(
            _("This import is %(status)s: it cannot be cancelled.") % {"status": locked.get_status_display()},
            code="invalid_state",
        )
    locked.status, locked.finished_at = JobStatus.CANCELLED, timezone.now()
    locked.save(update_fields=["status", "finished_at"])
    if locked.file:
        name = locked.file.name
        transaction.on_commit(lambda: locked.file.storage.delete(name))
    return locked


# --- running --------------------------------------------------------------------------------------


def _progress_key(job_id: int) -> str:
    return f"imports:progress:{job_id}"


def _reset_progress(job_id: int) -> None:
    try:
        cache.delete(_progress_key(job_id))
    except Exception:  # noqa: BLE001 - the cache is an optimisation: without it, no percentage
        logger.warning("import %s: progress not reset (cache unavailable)", job_id)


def record_progress(job_id: int, done: int, total: int) -> None:
    """Where a running job is, for the progress bar (the run's own transaction is not visible to
    other connections until it ends, so the count goes through the cache)."""
    try:
        cache.set(_progress_key(job_id), {"done": done, "total": total}, timeout=6 * 3600)
    except Exception:  # noqa: BLE001 - the cache is an optimisation
        logger.warning("import %s: progress not recorded (cache unavailable)", job_id)


def progress_of(job: ImportJob) -> dict:
    """{"done", "total", "percent"} of a job: exact once finished, from the cache while running
    (0 done when the cache has nothing yet or is down)."""
    total = job.total_rows or 0
    if job.status in RUNNING_STATUSES:
        try:
            current = cache.get(_progress_key(job.pk)) or {}
        except Exception:  # noqa: BLE001
            current = {}
        done = int(current.get("done", 0))
    else:
        done = total if job.started_at else 0
    percent = int(done * 100 / total) if total else 0
    return {"done": done, "total": total, "percent": percent}


def run_job(job_id: int, *, progress=None) -> str:
    """The job's pending run: the dry run (status "checking") or the import (status "importing").
    Anything else (a second delivery of the task, a cancelled job) does nothing."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update()
            .select_related("source", "created_by")
            .filter(pk=job_id, status__in=RUNNING_STATUSES)
            .first()
        )
        if job is None:
            return "skipped"
        job.started_at = timezone.now()
        job.save(update_fields=["started_at"])
    dry_run = job.status == JobStatus.PREVIEWING

    def report(done: int, total: int) -> None:
        record_progress(job.pk, done, total)
        if progress is not None:
            progress(done, total)

    try:
        result = engine.run(job, dry_run=dry_run, progress=report)
    except FileRefused as refused:
        return _finish_failed(job, str(refused))
    except Exception:  # noqa: BLE001 - record the failure on the job; nothing was committed
        logger.exception("import %s failed", job.pk)
        with translation.override(job.language):
            return _finish_failed(job, _("The import stopped on an unexpected error; nothing was written."))
    return _finish(job, result, dry_run=dry_run)


def _finish_failed(job: ImportJob, message: str) -> str:
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, message=message, finished_at=timezone.now()
    )
    return JobStatus.FAILED


@transaction.atomic
def _finish(job: ImportJob, result: engine.RunResult, *, dry_run: bool) -> str:
    counts = {o: result.count(o) for o in RowOutcome.values}
    if dry_run:
        status = JobStatus.PREVIEWED
    elif result.committed:
        status = JobStatus.IMPORTED
    else:
        status = JobStatus.REFUSED
    with translation.override(job.language):
        if status == JobStatus.REFUSED:
            message = ngettext(
                "%(count)s row has errors: nothing was imported.",
                "%(count)s rows have errors: nothing was imported.",
                counts[RowOutcome.ERROR],
            ) % {"count": counts[RowOutcome.ERROR]}
        elif status == JobStatus.IMPORTED and counts[RowOutcome.ERROR]:
            message = ngettext(
                "%(count)s row with errors was skipped.",
                "%(count)s rows with errors were skipped.",
                counts[RowOutcome.ERROR],
            ) % {"count": counts[RowOutcome.ERROR]}
        else:
            message = ""
    kept = result.committed
    ImportRow.objects.filter(job_id=job.pk).delete()
    ImportRow.objects.bulk_create(
        (
            ImportRow(
                job_id=job.pk,
                row=r.row,
                outcome=r.outcome,
                external_id=r.external_id[:128],
                # a record created by a run that was rolled back does not exist
                object_id=r.object_id if kept or r.outcome != RowOutcome.CREATE else None,
                label=r.label if kept or r.outcome != RowOutcome.CREATE else r.name,
                errors=r.errors,
                notes=r.notes,
                values=r.values,
            )
            for r in result.rows
        ),
        batch_size=1000,
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        message=message,
        finished_at=timezone.now(),
        total_rows=len(result.rows),
        rows_created=counts[RowOutcome.CREATE],
        rows_updated=counts[RowOutcome.UPDATE],
        rows_unchanged=counts[RowOutcome.UNCHANGED],
        rows_failed=counts[RowOutcome.ERROR],
    )
    return status


# --- files to download ----------------------------------------------------------------------------


def template_workbook(kind: str) -> bytes:
    """An empty file to fill in: one column per field (its label in the user's language, which the
    import recognises), and a second sheet that explains each column and its accepted values."""
    from presales.core.exports import Column, Sheet, workbook_bytes

    fields = FIELDS[kind]
    required = {a for group in REQUIRED_MAPPING[kind] for a in group if len(group) == 1}
    rows = [
        {
            "column": str(f.label),
            "required": _("Yes") if (f.required or f.name in required) else "",
            "help": str(f.help),
            "values": "、".join(str(label) for label in f.choices.labels) if f.choices else "",
        }
        for f in fields
    ]
    sheets = [
        Sheet(
            title=ImportKind(kind).label,
            columns=[Column(f.label, lambda r: None, width=18) for f in fields],
            rows=[],
        ),
        Sheet(
            title=_("How to fill in"),
            columns=[
                Column(_("Column"), "column", width=24),
                Column(_("Required to create"), "required", width=14),
                Column(_("Description"), "help", width=60),
                Column(_("Accepted values"), "values", width=80),
            ],
            rows=rows,
        ),
    ]
    content, _truncated = workbook_bytes(sheets)
    return content


def template_csv(kind: str) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerow([str(f.label) for f in FIELDS[kind]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read it as UTF-8


def error_report(job: ImportJob) -> bytes:
    """The rows with errors, as they were in the file, with their row number and what is wrong
    per column: fix them in this workbook and upload it again (the two extra columns are ignored)."""
    from presales.core.exports import Column, Sheet, workbook_bytes

    def describe(row) -> str:
        parts = []
        for header, messages in row.errors.items():
            for message in messages:
                parts.append(f"{header}：{message}" if header else message)
        return "；".join(parts)

    columns = [Column(_("Row"), "row", "int", 8), Column(_("Errors"), describe, width=60)]
    columns += [Column(h, (lambda row, h=h: row.values.get(h)), width=18) for h in job.headers]
    rows = job.rows.filter(outcome=RowOutcome.ERROR).order_by("row").iterator(chunk_size=1000)
    content, _truncated = workbook_bytes([Sheet(title=_("Rows with errors"), columns=columns, rows=rows)])
    return content
