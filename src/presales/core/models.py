"""Base model mixins and the sequence table behind every human-readable number."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Creation and last-change time, in UTC."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A row with an optimistic-lock version: every saved change increments it; a write that was
    prepared against an older version is refused (see core.concurrency)."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class CreatedByModel(VersionedModel):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        abstract = True


class Sequence(models.Model):
    """One counter per key (e.g. `POC-2026`, `QD202305`, `OPP-2026`). Incremented under a row lock
    by core.numbering.sequence_next; never decremented, so a number is never reused."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    value = models.PositiveBigIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("sequence")
        verbose_name_plural = _("sequences")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class OutboxMessage(models.Model):
    """A Celery task to send, written in the same transaction as the change that calls for it
    (the transactional outbox, see core.outbox): a task is sent only if the change committed, and is
    not lost when the broker is down at that moment — the sweep sends it when the broker is back."""

    task_name = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)
    # At most one message per key: enqueueing the same work twice sends it once.
    dedup_key = models.CharField(_("deduplication key"), max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    available_at = models.DateTimeField(_("next attempt at"), db_index=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["available_at"], name="core_outbox_pending", condition=models.Q(sent_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"
