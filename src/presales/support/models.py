"""Presales support requests: sales asks, a manager assigns, an engineer responds and delivers.
Two clocks: the first-response SLA (hours by priority, from submission) and the due date (wanted by)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales.core.models import CreatedByModel
from presales.core.permissions import ScopedQuerySet

from . import sla
from .choices import OPEN_REQUEST_STATUSES, EventAction, Priority, RequestStatus, RequestType

USER = settings.AUTH_USER_MODEL


class SupportRequestQuerySet(ScopedQuerySet):
    confidential_field = None  # a request is visible to its team; the customer's secrecy is not copied

    def involved_q(self, user):
        return Q(requester_id=user.pk) | Q(assignee_id=user.pk)


class SupportRequest(CreatedByModel):
    """售前支持申请. `response_due_at` = submitted + SLA hours of the priority; `first_response_at`
    is set by the assignee's first response; `wanted_by` is the due date for the work itself."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    request_type = models.CharField(_("type"), max_length=16, choices=RequestType.choices)
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    description = models.TextField(_("what is needed"))
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="support_requests",
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_requests",
    )
    requester = models.ForeignKey(
        USER, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="support_requests_made"
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("presales team"),
        on_delete=models.PROTECT,
        related_name="support_requests",
    )
    assignee = models.ForeignKey(
        USER,
        verbose_name=_("assigned engineer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_requests_assigned",
    )
    wanted_by = models.DateTimeField(_("wanted by"))
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.NEW, editable=False
    )
    submitted_at = models.DateTimeField(_("submitted at"), editable=False)
    response_due_at = models.DateTimeField(_("first response due"), editable=False)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True, editable=False)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True, editable=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)
    outcome = models.TextField(_("outcome"), blank=True)
    history = HistoricalRecords()

    objects = SupportRequestQuerySet.as_manager()
    constraint_fields = {"wanted_before_submitted": "wanted_by"}

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "response_due_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["requester", "status"]),
            models.Index(fields=["team", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(wanted_by__gte=models.F("submitted_at")),
                name="support_wanted_after_submitted",
                violation_error_code="wanted_before_submitted",
                violation_error_message=_("The wanted-by time cannot be before the request is submitted."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("support:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    def response_clock(self, now=None) -> sla.Clock:
        return sla.response_clock(
            status=self.status,
            response_due_at=self.response_due_at,
            first_response_at=self.first_response_at,
            now=now or timezone.now(),
            submitted_at=self.submitted_at,
        )

    def due_clock(self, now=None) -> sla.Clock:
        return sla.due_clock(
            status=self.status, wanted_by=self.wanted_by, done_at=self.done_at, now=now or timezone.now()
        )

    @property
    def response_hours(self) -> float | None:
        return sla.response_hours(submitted_at=self.submitted_at, first_response_at=self.first_response_at)


class SupportRequestEventQuerySet(models.QuerySet):
    """An event is visible exactly when its request is."""

    def visible_to(self, user):
        return self.filter(request__in=SupportRequest.objects.visible_to(user).values("pk"))


class SupportRequestEvent(models.Model):
    """One step of a support request (submitted, assigned, responded, done, cancelled...)."""

    request = models.ForeignKey(
        SupportRequest, verbose_name=_("support request"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=32, choices=EventAction.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=RequestStatus.choices)
    actor = models.ForeignKey(USER, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    # Set by the service to the same instant as the request's timestamp it explains (and by the
    # demo data to past times): a default, not auto_now_add, which would overwrite both.
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    # For assignments: the engineer the request was (re)assigned to.
    assignee = models.ForeignKey(
        USER, verbose_name=_("assigned to"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    objects = SupportRequestEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("support request event")
        verbose_name_plural = _("support request events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action}"
