"""The document archive: categories with their stage codes, documents with numbers, versions
over de-duplicated files, the approval history, access requests and the download log.

Who may read a document (`Document.objects.visible_to(user)`) and who may find it
(`findable_to(user)`) is explained in permissions.py; both are single SQL filters.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales.core.models import CreatedByModel

from .choices import (
    AccessLevel,
    AccessRequestStatus,
    ArchiveReason,
    CategoryKind,
    DocumentStatus,
    EventAction,
    FinalMode,
    ReviewStep,
)

USER = settings.AUTH_USER_MODEL

stage_code_validator = RegexValidator(
    r"^[A-Z]{2}$", message=_("A stage code is two capital letters, e.g. QD."), code="invalid_code"
)


class CategoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Categories are reference data: every signed-in colleague sees them."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.all()

    def get_by_natural_key(self, kind):
        return self.get(kind=kind)


class DocumentCategory(models.Model):
    """One of the six kinds of presales document, with its two-letter stage code (the first part of
    every number, e.g. QD for requirement research) and the approval steps its documents go
    through. Seeded by a data migration; the code and the steps are configured in the admin."""

    kind = models.CharField(_("kind"), max_length=16, choices=CategoryKind.choices, unique=True)
    code = models.CharField(
        _("stage code"),
        max_length=2,
        unique=True,
        validators=[stage_code_validator],
        help_text=_("Two capital letters that start the numbers of this category's documents."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    needs_department_head = models.BooleanField(_("department head review"), default=True)
    needs_presales_manager = models.BooleanField(_("presales manager review"), default=True)
    needs_final_review = models.BooleanField(
        _("final review"), default=True, help_text=_("By a leader or a cross-department meeting.")
    )
    history = HistoricalRecords()

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("document category")
        verbose_name_plural = _("document categories")
        ordering = ["position", "kind"]

    def __str__(self) -> str:
        return f"{self.code} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return f"{reverse('documents:list')}?category={self.pk}"

    def natural_key(self):
        return (self.kind,)


class FileBlob(models.Model):
    """Stored file content, one row per distinct content (SHA-256): two versions or documents with
    the same bytes share one stored file. Blobs are immutable and never deleted while a version
    refers to them, so a backup of the database finds every file it names."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    file_type = models.CharField(_("file type"), max_length=16)
    content_type = models.CharField(_("content type"), max_length=128)
    name = models.CharField(_("storage name"), max_length=255, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.file_type}, {self.size} B)"


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Documents the user may read (open, preview, download). See permissions.readable_q."""
        from .permissions import readable_q

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(readable_q(user))

    def findable_to(self, user):
        """Documents the user may find in lists and search: those they may read, plus the
        non-confidential documents of projects and customers they can see (they may ask for
        access to those). See permissions.findable_q."""
        from .permissions import findable_q

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(findable_q(user))


class Document(CreatedByModel):
    """A presales document: numbered (stage code + YYYYMM + sequence, e.g. QD202305001), tied to an
    opportunity (and so its customer) or to a customer only, with versions, an approval flow and
    an access level. Status changes only through the services (events, notifications)."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    category = models.ForeignKey(
        DocumentCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="documents"
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="documents"
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="documents",
        help_text=_("The project's (or customer's) presales team."),
    )
    author = models.ForeignKey(
        USER, verbose_name=_("author"), on_delete=models.PROTECT, related_name="documents"
    )
    description = models.TextField(_("description"), blank=True)
    access_level = models.CharField(
        _("access level"), max_length=16, choices=AccessLevel.choices, default=AccessLevel.TEAM
    )
    named_readers = models.ManyToManyField(
        USER,
        verbose_name=_("named readers"),
        blank=True,
        related_name="readable_documents",
        help_text=_(
            "People who may read the document whatever its level (the only readers of a confidential one)."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DocumentStatus.choices,
        default=DocumentStatus.DRAFT,
        editable=False,
    )
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Archived automatically after this date.")
    )
    current_version = models.ForeignKey(
        "DocumentVersion",
        verbose_name=_("current version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    published_version = models.ForeignKey(
        "DocumentVersion",
        verbose_name=_("published version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    archive_reason = models.CharField(
        _("archive reason"), max_length=16, choices=ArchiveReason.choices, blank=True, editable=False
    )
    # "app.model:pk:kind" of the record a generated document was made from (a POC's launch
    # confirmation, a solution, a bid's deviation table...): archiving it again adds a version.
    source_key = models.CharField(
        _("generated from"), max_length=120, unique=True, null=True, blank=True, editable=False
    )
    history = HistoricalRecords(m2m_fields=[named_readers])

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["category", "-created_at"]),
            models.Index(fields=["opportunity", "-created_at"]),
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["author", "status"]),
            models.Index(fields=["team", "access_level"]),
            models.Index(fields=["status", "valid_until"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=DocumentStatus.ARCHIVED, archived_at__isnull=False)
                | (~Q(status=DocumentStatus.ARCHIVED) & Q(archived_at__isnull=True)),
                name="document_archived_has_time",
                violation_error_code="archived_time",
                violation_error_message=_("An archived document has its archiving time, and only it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.status == DocumentStatus.ARCHIVED


class DocumentVersion(models.Model):
    """One version of a document's file: who recorded it, when, why (the change summary), the
    file (a shared blob) under its original name, and a snapshot of the document's metadata at
    that time (metadata.py compares two snapshots). Versions are never changed or deleted."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    blob = models.ForeignKey(
        FileBlob, verbose_name=_("file"), on_delete=models.PROTECT, related_name="versions"
    )
    filename = models.CharField(_("file name"), max_length=255)
    change_summary = models.TextField(_("change summary"))
    author = models.ForeignKey(USER, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    metadata = models.JSONField(_("metadata"), default=dict)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.document.number} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("documents:version", args=[self.document_id, self.number])


class DocumentEvent(models.Model):
    """One step in a document's life: created, new version, submitted, approved or returned at a
    review step (with the comment, and for a final review by meeting its participants), archived,
    access changed. Who, when, from which status to which."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="events"
    )
    version = models.ForeignKey(
        DocumentVersion,
        verbose_name=_("version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=16, choices=EventAction.choices)
    step = models.CharField(_("review step"), max_length=20, choices=ReviewStep.choices, blank=True)
    from_status = models.CharField(_("from"), max_length=20, choices=DocumentStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=DocumentStatus.choices, blank=True)
    actor = models.ForeignKey(
        USER,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the periodic archiving job."),
    )
    at = models.DateTimeField(_("at"), db_index=True)
    comment = models.TextField(_("comment"), blank=True)
    final_mode = models.CharField(_("final review by"), max_length=8, choices=FinalMode.choices, blank=True)
    participants = models.ManyToManyField(
        USER, verbose_name=_("meeting participants"), blank=True, related_name="document_review_meetings"
    )

    class Meta:
        verbose_name = _("document event")
        verbose_name_plural = _("document events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["document", "-at"]), models.Index(fields=["actor", "action"])]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.get_action_display()}"


class AccessRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Requests the user made, and requests they may decide (see permissions.decidable_q)."""
        from .permissions import decidable_requests_q

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(Q(requester_id=user.pk) | decidable_requests_q(user))


class AccessRequest(models.Model):
    """Somebody outside the project team asks to read a project-team document; the responsible
    person grants it until a date (the grant then lapses by itself) or refuses it, with a note."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="access_requests"
    )
    requester = models.ForeignKey(
        USER,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="document_access_requests",
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=8, choices=AccessRequestStatus.choices, default=AccessRequestStatus.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    expires_at = models.DateTimeField(_("access until"), null=True, blank=True)

    objects = AccessRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["document", "requester", "status"]),
            models.Index(fields=["status", "-requested_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "requester"],
                condition=Q(status="pending"),
                name="access_request_one_pending",
                violation_error_code="already_pending",
                violation_error_message=_("You have already asked for access to this document."),
            ),
            models.CheckConstraint(
                condition=~Q(status="granted") | Q(expires_at__isnull=False),
                name="access_grant_has_expiry",
                violation_error_code="grant_without_expiry",
                violation_error_message=_("A grant needs the date it ends."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.document_id} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("documents:access_requests")

    def is_active_grant(self, now) -> bool:
        return (
            self.status == AccessRequestStatus.GRANTED
            and self.expires_at is not None
            and self.expires_at > now
        )


class DownloadLog(models.Model):
    """Every download (and inline preview) of a confidential document's file: who, when, which
    version."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="downloads"
    )
    version = models.ForeignKey(
        DocumentVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(USER, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    inline = models.BooleanField(_("viewed in the browser"), default=False)

    class Meta:
        verbose_name = _("download record")
        verbose_name_plural = _("download records")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["document", "-at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.version}"
