"""`presales crm_import FILE --kind customers --source 纷享销客 --user admin [--commit]`: the same
import as the web pages (same services, same checks), from the command line. Without --commit it
is a dry run that writes nothing and reports what would happen; the column mapping is the one
remembered for the source, completed by the usual headers, and is remembered in turn."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from presales.core.errors import DomainError
from presales.imports import services
from presales.imports.choices import ImportKind, ImportMode, JobStatus, RowOutcome
from presales.imports.models import ImportJob


class Command(BaseCommand):
    help = "Import customers, contacts or opportunities from a CRM export (CSV or XLSX). Dry run unless --commit."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV or XLSX file")
        parser.add_argument("--kind", required=True, choices=ImportKind.values)
        parser.add_argument(
            "--source", required=True, help="the CRM the file comes from (mapping and ids per source)"
        )
        parser.add_argument("--user", required=True, help="login of the manager or team lead who imports")
        parser.add_argument(
            "--commit", action="store_true", help="import (default: dry run, nothing written)"
        )
        parser.add_argument(
            "--mode",
            choices=ImportMode.values,
            default=ImportMode.ALL_OR_NOTHING,
            help="all: nothing is imported if a row has errors; skip: import the good rows",
        )
        parser.add_argument(
            "--default-presales-owner", help="login of the presales owner of new customers without one"
        )
        parser.add_argument("--language", default="zh-hans", help="language of the messages (zh-hans or en)")

    def handle(
        self,
        *args,
        file,
        kind,
        source,
        user,
        commit,
        mode,
        default_presales_owner,
        language,
        verbosity,
        **options,
    ):
        from presales.accounts.models import User

        translation.activate(language)
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {user!r}.")
        default = None
        if default_presales_owner:
            default = User.objects.filter(username=default_presales_owner, is_active=True).first()
            if default is None:
                raise CommandError(f"No active user {default_presales_owner!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file!r}.")
        try:
            job = services.import_job_create(
                actor=actor, kind=kind, source_name=source, file_name=path.name, content=path.read_bytes()
            )
            self.stdout.write(
                f"Import #{job.pk}: {job.total_rows} rows; columns: "
                + ", ".join(f"{h} → {f}" for h, f in job.columns.items())
                or "none"
            )
            job = services.import_job_map(
                actor=actor,
                job=job,
                columns=job.columns,
                values=job.values,
                owners=job.owners,
                default_presales_owner=default,
                background=False,
            )
            services.run_job(job.pk, progress=self._progress if verbosity > 1 else None)
            job = ImportJob.objects.get(pk=job.pk)
            if commit and job.status == JobStatus.PREVIEWED:
                services.import_job_confirm(actor=actor, job=job, mode=mode, background=False)
                services.run_job(job.pk, progress=self._progress if verbosity > 1 else None)
                job = ImportJob.objects.get(pk=job.pk)
        except DomainError as refused:
            details = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in (refused.errors or {}).items())
            raise CommandError(f"{refused.message} {details}".strip()) from None
        self._report(job, verbosity)
        if job.status in (JobStatus.REFUSED, JobStatus.FAILED) or (not commit and job.rows_failed):
            raise CommandError(job.message or f"{job.rows_failed} rows have errors.")

    def _progress(self, done, total):
        self.stdout.write(f"  {done}/{total}")

    def _report(self, job, verbosity):
        label = "dry run" if job.dry_run else "import"
        self.stdout.write(
            f"{label} #{job.pk} {job.get_status_display()}: {job.rows_created} created, {job.rows_updated} updated, "
            f"{job.rows_unchanged} unchanged, {job.rows_failed} with errors."
        )
        if job.message:
            self.stdout.write(job.message)
        for row in job.rows.filter(outcome=RowOutcome.ERROR).order_by("row")[: 200 if verbosity else 0]:
            for column, messages in row.errors.items():
                for message in messages:
                    self.stdout.write(f"  row {row.row} [{column or '-'}]: {message}")
