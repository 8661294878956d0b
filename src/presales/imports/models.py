"""CRM import: the systems files come from, their remembered column mappings, the external ids
that make a re-import idempotent, and the import jobs with their per-row results."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from presales.core.permissions import is_manager

from .choices import ImportKind, ImportMode, JobStatus, RowOutcome

USER = settings.AUTH_USER_MODEL


class CrmSource(models.Model):
    """A system files come from (纷享销客, Salesforce, 销售易...). External ids are unique within
    one source, and the column and value mappings are remembered per source and kind."""

    name = models.CharField(_("source system"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("CRM source")
        verbose_name_plural = _("CRM sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SourceMapping(models.Model):
    """How the files of one source and kind map onto our fields, as last confirmed by a user:
    `columns` {file header: field}, `values` {field: {file value: our code}} (stages, industries...),
    `owners` {file value: user id} for owner names that are neither a login nor an e-mail."""

    source = models.ForeignKey(
        CrmSource, verbose_name=_("source system"), on_delete=models.CASCADE, related_name="mappings"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    columns = models.JSONField(_("columns"), default=dict, blank=True)
    values = models.JSONField(_("values"), default=dict, blank=True)
    owners = models.JSONField(_("owners"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [models.UniqueConstraint(fields=["source", "kind"], name="imports_mapping_source_kind")]

    def __str__(self) -> str:
        return f"{self.source} · {self.get_kind_display()}"


class ExternalKey(models.Model):
    """The record a source's external id stands for: found again on every re-import, so that an
    edited row updates the record instead of creating a second one."""

    source = models.ForeignKey(
        CrmSource, verbose_name=_("source system"), on_delete=models.CASCADE, related_name="keys"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    external_id = models.CharField(_("external id"), max_length=128)
    object_id = models.BigIntegerField(_("record"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("external id")
        verbose_name_plural = _("external ids")
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "external_id"], name="imports_key_unique"),
        ]
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self) -> str:
        return f"{self.source}:{self.kind}:{self.external_id}"


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Managers see every import; anyone else the imports they started."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if is_manager(user):
            return self.all()
        return self.filter(created_by_id=user.pk)


class ImportJob(models.Model):
    """One uploaded file on its way in: upload → column mapping → dry run (preview) → import.
    The rows of the latest run are ImportRow records; the counts of that run are kept here."""

    created_by = models.ForeignKey(
        USER, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    source = models.ForeignKey(
        CrmSource, verbose_name=_("source system"), on_delete=models.PROTECT, related_name="jobs"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    headers = models.JSONField(_("columns in the file"), default=list)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    # {header: [distinct values, at most SAMPLE_VALUES]}: what the mapping page offers to map.
    samples = models.JSONField(_("values in the file"), default=dict, blank=True)
    columns = models.JSONField(_("column mapping"), default=dict, blank=True)
    values = models.JSONField(_("value mapping"), default=dict, blank=True)
    owners = models.JSONField(_("owner mapping"), default=dict, blank=True)
    default_presales_owner = models.ForeignKey(
        USER,
        verbose_name=_("default presales owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    mode = models.CharField(
        _("mode"), max_length=8, choices=ImportMode.choices, default=ImportMode.ALL_OR_NOTHING
    )
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.UPLOADED
    )
    # The language of the person who uploaded: the row messages are written in it.
    language = models.CharField(_("language"), max_length=16, default="zh-hans")
    dry_run = models.BooleanField(_("dry run"), default=True)
    rows_created = models.PositiveIntegerField(_("created"), default=0)
    rows_updated = models.PositiveIntegerField(_("updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_failed = models.PositiveIntegerField(_("rows with errors"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("imports:detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        from .choices import RUNNING_STATUSES

        return self.status in RUNNING_STATUSES


class ImportRow(models.Model):
    """The outcome of one row of the job's latest run (dry run or import). `row` is the row number
    as a spreadsheet shows it (the header is row 1). `errors` is {file column: [messages]};
    `values` keeps the row's cells (bad rows only) for the page and the error report."""

    job = models.ForeignKey(
        ImportJob, verbose_name=_("import"), on_delete=models.CASCADE, related_name="rows"
    )
    row = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=RowOutcome.choices)
    external_id = models.CharField(_("external id"), max_length=128, blank=True)
    object_id = models.BigIntegerField(_("record"), null=True, blank=True)
    label = models.CharField(_("record"), max_length=255, blank=True)
    errors = models.JSONField(_("errors"), default=dict, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    values = models.JSONField(_("values"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["job", "row"]
        indexes = [models.Index(fields=["job", "outcome", "row"])]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row} {self.outcome}"
