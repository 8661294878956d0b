"""Customers and everything presales records about them."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales.core.fields import WebsiteField
from presales.core.models import CreatedByModel
from presales.core.permissions import ScopedQuerySet, is_manager

from .choices import (
    Channel,
    CompanySize,
    ComplaintStatus,
    ContactRole,
    CustomerStatus,
    FeedbackSource,
    FeedbackStatus,
    Industry,
    IssueStatus,
    OwnerKind,
    Region,
    Severity,
)

USER = settings.AUTH_USER_MODEL


class CustomerQuerySet(ScopedQuerySet):
    def involved_q(self, user):
        assisting = Customer.assistants.through.objects.filter(customer_id=OuterRef("pk"), user_id=user.pk)
        return Q(presales_owner_id=user.pk) | Q(sales_owner_id=user.pk) | Q(Exists(assisting))


class Customer(CreatedByModel):
    """A customer company. Exactly one presales owner (专人专接口: one person is the customer's
    presales interface) and one sales owner, both required by the database; other engineers assist.
    A change of owner goes through `customer_reassign` and leaves an OwnershipChange row."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    industry = models.CharField(_("industry"), max_length=32, choices=Industry.choices)
    region = models.CharField(_("region"), max_length=16, choices=Region.choices)
    size = models.CharField(_("size"), max_length=8, choices=CompanySize.choices, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=CustomerStatus.choices, default=CustomerStatus.PROSPECT)
    profile = models.TextField(_("profile"), blank=True, help_text=_("Business, IT landscape, key concerns."))
    website = WebsiteField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    presales_owner = models.ForeignKey(
        USER, verbose_name=_("presales owner"), on_delete=models.PROTECT, related_name="presales_customers"
    )
    sales_owner = models.ForeignKey(
        USER, verbose_name=_("sales owner"), on_delete=models.PROTECT, related_name="sales_customers"
    )
    assistants = models.ManyToManyField(
        USER, verbose_name=_("assisting engineers"), blank=True, related_name="assisted_customers"
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("presales team"), on_delete=models.PROTECT, related_name="customers"
    )
    confidential = models.BooleanField(
        _("confidential"), default=False, help_text=_("Only the people involved, the team lead and managers see it.")
    )
    history = HistoricalRecords(m2m_fields=[assistants])

    objects = CustomerQuerySet.as_manager()
    constraint_fields = {"customer_name_taken": "name", "owners_identical": "sales_owner"}

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), name="customer_name_unique_ci", violation_error_code="customer_name_taken",
                violation_error_message=_("A customer with this name already exists."),
            ),
            models.CheckConstraint(
                condition=~Q(presales_owner=F("sales_owner")),
                name="customer_presales_owner_not_sales_owner", violation_error_code="owners_identical",
                violation_error_message=_("The presales owner and the sales owner must be two different people."),
            ),
        ]
        indexes = [models.Index(fields=["team", "industry"]), models.Index(fields=["presales_owner"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:detail", args=[self.pk])


class OwnershipChange(models.Model):
    """A reassignment of a customer's presales or sales owner: who, from whom, to whom, why."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="ownership_changes")
    kind = models.CharField(_("kind"), max_length=16, choices=OwnerKind.choices)
    from_user = models.ForeignKey(USER, verbose_name=_("previous owner"), on_delete=models.PROTECT, related_name="+", null=True)
    to_user = models.ForeignKey(USER, verbose_name=_("new owner"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(USER, verbose_name=_("changed by"), on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ownership change")
        verbose_name_plural = _("ownership changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.customer}: {self.get_kind_display()} → {self.to_user}"


class CustomerChildQuerySet(models.QuerySet):
    """Records hanging off a customer are visible exactly when their customer is."""

    def visible_to(self, user):
        if user is not None and user.is_authenticated and user.is_active and is_manager(user):
            # Managers see every customer: no semi-join, so that counting and sorting a long list
            # (500k communication records) can use the table's own indexes.
            return self.all()
        return self.filter(customer__in=Customer.objects.visible_to(user).values("pk"))


class CustomerChild(CreatedByModel):
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+")

    objects = CustomerChildQuerySet.as_manager()

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        return reverse("customers:detail", args=[self.customer_id])


class Contact(CustomerChild):
    """A person at the customer, with their role in the buying decision."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("full name"), max_length=64)
    role = models.CharField(_("role"), max_length=32, choices=ContactRole.choices)
    title = models.CharField(_("job title"), max_length=64, blank=True)
    department = models.CharField(_("department"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    wechat = models.CharField(_("WeChat"), max_length=64, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class CommunicationLog(CustomerChild):
    """沟通记录: one exchange with the customer. `is_follow_up` marks the weekly follow-up visit
    (跟踪回访) expected for every active project."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="communications")
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", verbose_name=_("opportunity"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="communications",
    )
    occurred_at = models.DateTimeField(_("time"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    participants = models.CharField(_("participants"), max_length=255, help_text=_("Who took part, on both sides."))
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"))
    result = models.TextField(_("result"), blank=True)
    next_step = models.TextField(_("next step"), blank=True)
    next_contact_on = models.DateField(_("next contact on"), null=True, blank=True)
    is_follow_up = models.BooleanField(_("follow-up visit"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("communication record")
        verbose_name_plural = _("communication records")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["customer", "-occurred_at"]),
            models.Index(fields=["opportunity", "-occurred_at"]),
            models.Index(fields=["created_by", "-occurred_at"]),
            # the log across customers, newest first (list page, /api/communications/)
            models.Index(fields=["-occurred_at", "-id"], name="customers_comm_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.subject


class TechnicalIssue(CustomerChild):
    """A technical problem the customer raised, with a due date; open until resolved."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="technical_issues")
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", verbose_name=_("opportunity"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="technical_issues",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices, default=Severity.MEDIUM)
    raised_on = models.DateField(_("raised on"))
    due_on = models.DateField(_("due on"))
    owner = models.ForeignKey(USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="technical_issues")
    status = models.CharField(_("status"), max_length=16, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    history = HistoricalRecords()

    constraint_fields = {
        "due_before_raised": "due_on", "resolved_time": "status", "resolution_missing": "resolution",
    }

    class Meta:
        verbose_name = _("technical issue")
        verbose_name_plural = _("technical issues")
        ordering = ["status", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("raised_on")), name="techissue_due_after_raised",
                violation_error_code="due_before_raised",
                violation_error_message=_("The due date cannot be before the day the issue was raised."),
            ),
            models.CheckConstraint(
                condition=Q(status=IssueStatus.OPEN, resolved_at__isnull=True)
                | Q(status=IssueStatus.RESOLVED, resolved_at__isnull=False),
                name="techissue_resolved_has_time", violation_error_code="resolved_time",
                violation_error_message=_("A resolved issue needs its resolution time, an open one has none."),
            ),
            models.CheckConstraint(
                condition=Q(status=IssueStatus.OPEN) | ~Q(resolution=""),
                name="techissue_resolved_has_resolution", violation_error_code="resolution_missing",
                violation_error_message=_("Describe how the issue was resolved."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["customer", "status"]),
        ]

    def __str__(self) -> str:
        return self.title


class Complaint(CustomerChild):
    """客户投诉: a complaint from the customer, possibly against one of our people."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="complaints")
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", verbose_name=_("opportunity"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="complaints",
    )
    against = models.ForeignKey(
        USER, verbose_name=_("against"), on_delete=models.PROTECT, null=True, blank=True, related_name="complaints_received"
    )
    received_on = models.DateField(_("received on"))
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices, default=Severity.MEDIUM)
    description = models.TextField(_("description"))
    status = models.CharField(_("status"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    handling = models.TextField(_("handling"), blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    history = HistoricalRecords()

    constraint_fields = {"handled_time": "status", "handling_missing": "handling"}

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ComplaintStatus.OPEN, handled_at__isnull=True)
                | Q(status=ComplaintStatus.HANDLED, handled_at__isnull=False),
                name="complaint_handled_has_time", violation_error_code="handled_time",
                violation_error_message=_(
                    "A handled complaint needs the time it was handled, an open one has none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status=ComplaintStatus.OPEN) | ~Q(handling=""),
                name="complaint_handled_has_handling", violation_error_code="handling_missing",
                violation_error_message=_("Describe how the complaint was handled."),
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-received_on"]),
            models.Index(fields=["against", "-received_on"]),
            models.Index(fields=["status", "-received_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.received_on}"


class SatisfactionSurvey(CustomerChild):
    """A customer satisfaction survey for a project and an engineer: a 0–100 score and an
    optional NPS answer (0–10, "how likely would you recommend us")."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="surveys")
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", verbose_name=_("opportunity"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="surveys",
    )
    engineer = models.ForeignKey(USER, verbose_name=_("engineer"), on_delete=models.PROTECT, related_name="surveys")
    surveyed_on = models.DateField(_("surveyed on"))
    respondent = models.CharField(_("respondent"), max_length=64, blank=True)
    score = models.PositiveSmallIntegerField(_("score (0–100)"))
    nps = models.PositiveSmallIntegerField(_("likelihood to recommend (0–10)"), null=True, blank=True)
    comments = models.TextField(_("comments"), blank=True)
    history = HistoricalRecords()

    constraint_fields = {"score_range": "score", "nps_range": "nps"}

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-surveyed_on", "-pk"]
        constraints = [
            # PositiveSmallIntegerField already refuses negative numbers in the database.
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="survey_score_0_100",
                violation_error_code="score_range",
                violation_error_message=_("The score is between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__gte=0, nps__lte=10), name="survey_nps_0_10",
                violation_error_code="nps_range",
                violation_error_message=_("The recommendation answer is between 0 and 10."),
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-surveyed_on"]),
            models.Index(fields=["engineer", "-surveyed_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.surveyed_on}: {self.score}"


class FeedbackItem(CustomerChild):
    """客户反馈清单: an objection or question raised in a presentation, demo or meeting, with an
    owner until it is resolved or declined."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="feedback_items")
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", verbose_name=_("opportunity"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="feedback_items",
    )
    source = models.CharField(_("source"), max_length=16, choices=FeedbackSource.choices)
    raised_on = models.DateField(_("raised on"))
    content = models.TextField(_("objection or question"))
    owner = models.ForeignKey(USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="feedback_items")
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    history = HistoricalRecords()

    constraint_fields = {"due_before_raised": "due_on", "resolution_missing": "resolution"}

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        ordering = ["status", "-raised_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=F("raised_on")),
                name="feedback_due_after_raised", violation_error_code="due_before_raised",
                violation_error_message=_("The due date cannot be before the day the feedback was raised."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[FeedbackStatus.RESOLVED, FeedbackStatus.DECLINED])
                | ~Q(resolution=""),
                name="feedback_closed_has_resolution", violation_error_code="resolution_missing",
                violation_error_message=_("Say how the feedback was resolved, or why it is declined."),
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "status"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "-raised_on"]),
        ]

    def __str__(self) -> str:
        return self.content[:60]
