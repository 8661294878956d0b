"""Requirement research (需求调研) of an opportunity, the second SOP stage (seed 003 §3.2):

- `ResearchPlan` 调研计划: one per opportunity — goals, content, methods, people of both sides,
  schedule. Edits are kept by the change history. The plan also carries the revision counter of
  the requirement set (bumped by every added, changed or withdrawn requirement item).
- `ResearchActivity` 调研活动: an interview, questionnaire, site visit, system demo...: when, who,
  notes, attachments (documents of the archive, category "research"); planned → done.
- `ResearchReport` 调研报告: one per opportunity; exported as DOCX and filed in the archive.
- `RequirementItem` 需求条目: the requirement set, numbered per opportunity.
- `RequirementConfirmation` 需求确认书: one round of the customer's confirmation of the set, with a
  snapshot of the items. A round is current while the set's revision has not moved since; later
  rounds supersede earlier ones (all kept).

Every record is visible exactly when its opportunity is (`visible_to(user)`)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales.core.models import CreatedByModel

from .choices import (
    ActivityKind,
    ActivityStatus,
    ConfirmationMethod,
    Priority,
    RequirementCategory,
    RequirementStatus,
)

USER = settings.AUTH_USER_MODEL


class OpportunityRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The records of the opportunities the user may see (same rule, same 404)."""
        from presales.opportunities.models import Opportunity

        return self.filter(opportunity__in=Opportunity.objects.visible_to(user).values("pk"))


class OpportunityRecord(CreatedByModel):
    objects = OpportunityRecordQuerySet.as_manager()
    anchor = ""

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        url = reverse("discovery:workspace", args=[self.opportunity_id])
        return f"{url}#{self.anchor}" if self.anchor else url


class ResearchPlan(OpportunityRecord):
    """调研计划 of an opportunity (one; edited in place, the history keeps every version)."""

    opportunity = models.OneToOneField(
        "opportunities.Opportunity", verbose_name=_("opportunity"), on_delete=models.PROTECT,
        related_name="research_plan",
    )
    goals = models.TextField(_("research goals"))
    content = models.TextField(
        _("research content"),
        help_text=_("Business processes, existing systems, pain points, expected goals..."),
    )
    methods = models.JSONField(_("research methods"), default=list, blank=True)
    our_participants = models.ManyToManyField(
        USER, verbose_name=_("our participants"), blank=True, related_name="research_plans"
    )
    customer_contacts = models.ManyToManyField(
        "customers.Contact", verbose_name=_("customer contacts"), blank=True, related_name="research_plans"
    )
    other_participants = models.CharField(
        _("other participants"), max_length=255, blank=True,
        help_text=_("People of the customer not yet among its contacts, partners..."),
    )
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    # The requirement set's revision: +1 for every item added, changed or withdrawn.
    requirements_revision = models.PositiveIntegerField(_("requirement set revision"), default=0, editable=False)
    requirements_changed_at = models.DateTimeField(
        _("requirement set changed at"), null=True, blank=True, editable=False
    )
    history = HistoricalRecords(excluded_fields=["requirements_revision", "requirements_changed_at"])
    anchor = "plan"
    constraint_fields = {"research_plan_end_before_start": "ends_on"}

    class Meta:
        verbose_name = _("research plan")
        verbose_name_plural = _("research plans")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="discovery_plan_end_after_start",
                violation_error_code="research_plan_end_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Research plan of %(opportunity)s") % {"opportunity": self.opportunity})

    def get_methods_display(self) -> list[str]:
        return [str(ActivityKind(m).label) for m in self.methods if m in ActivityKind.values]


class ResearchActivity(OpportunityRecord):
    """调研活动: one interview, questionnaire, site visit, system demo..."""

    opportunity = models.ForeignKey(
        "opportunities.Opportunity", verbose_name=_("opportunity"), on_delete=models.PROTECT,
        related_name="research_activities",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    scheduled_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    location = models.CharField(_("place or meeting link"), max_length=200, blank=True)
    our_participants = models.ManyToManyField(
        USER, verbose_name=_("our participants"), blank=True, related_name="research_activities"
    )
    customer_contacts = models.ManyToManyField(
        "customers.Contact", verbose_name=_("customer contacts"), blank=True, related_name="research_activities"
    )
    other_participants = models.CharField(_("other participants"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True, help_text=_("What was learned: facts, quotes, numbers."))
    status = models.CharField(
        _("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED, editable=False
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)
    attachments = models.ManyToManyField(
        "documents.Document", verbose_name=_("attachments"), blank=True, related_name="research_activities"
    )
    history = HistoricalRecords()
    anchor = "activities"

    class Meta:
        verbose_name = _("research activity")
        verbose_name_plural = _("research activities")
        ordering = ["scheduled_at", "pk"]
        indexes = [models.Index(fields=["opportunity", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject}"


class ResearchReport(OpportunityRecord):
    """调研报告 of an opportunity (one; the archive keeps each exported version)."""

    opportunity = models.OneToOneField(
        "opportunities.Opportunity", verbose_name=_("opportunity"), on_delete=models.PROTECT,
        related_name="research_report",
    )
    summary = models.TextField(_("summary"))
    current_state = models.TextField(_("current state"), blank=True)
    pain_points = models.TextField(_("pain points"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    history = HistoricalRecords()
    anchor = "report"

    class Meta:
        verbose_name = _("research report")
        verbose_name_plural = _("research reports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return str(_("Research report of %(opportunity)s") % {"opportunity": self.opportunity})


class RequirementItem(OpportunityRecord):
    """需求条目: one requirement of the set, numbered per opportunity (REQ-001...). Raised in an
    activity, or by a customer contact (or a named person)."""

    opportunity = models.ForeignKey(
        "opportunities.Opportunity", verbose_name=_("opportunity"), on_delete=models.PROTECT,
        related_name="requirement_items",
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.SHOULD)
    category = models.CharField(
        _("category"), max_length=16, choices=RequirementCategory.choices, default=RequirementCategory.FUNCTIONAL
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RequirementStatus.choices, default=RequirementStatus.PROPOSED
    )
    source_activity = models.ForeignKey(
        ResearchActivity, verbose_name=_("raised in activity"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="requirements",
    )
    source_contact = models.ForeignKey(
        "customers.Contact", verbose_name=_("raised by contact"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="requirements",
    )
    raised_by = models.CharField(
        _("raised by"), max_length=100, blank=True, help_text=_("The customer's person, when not a recorded contact.")
    )
    history = HistoricalRecords()
    anchor = "requirements"

    class Meta:
        verbose_name = _("requirement item")
        verbose_name_plural = _("requirement items")
        ordering = ["opportunity", "number"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "number"], name="discovery_requirement_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        return f"REQ-{self.number:03d}"


class RequirementConfirmation(OpportunityRecord):
    """需求确认书: one round of the customer's confirmation of the requirement set. Immutable once
    recorded; `snapshot` holds the items as confirmed, `revision` the set's revision then."""

    opportunity = models.ForeignKey(
        "opportunities.Opportunity", verbose_name=_("opportunity"), on_delete=models.PROTECT,
        related_name="requirement_confirmations",
    )
    round = models.PositiveSmallIntegerField(_("round"), editable=False)
    method = models.CharField(_("confirmed by"), max_length=16, choices=ConfirmationMethod.choices)
    confirmed_on = models.DateField(_("confirmation date"))
    contact = models.ForeignKey(
        "customers.Contact", verbose_name=_("customer contact"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="requirement_confirmations",
    )
    signatory_name = models.CharField(_("customer signatory"), max_length=64)
    signatory_title = models.CharField(_("signatory's title"), max_length=64, blank=True)
    reference = models.TextField(
        _("evidence"), blank=True,
        help_text=_("The e-mail (sender, subject, confirming sentence) or the minutes' reference."),
    )
    notes = models.TextField(_("notes"), blank=True)
    snapshot = models.JSONField(_("confirmed items"), default=list, editable=False)
    revision = models.PositiveIntegerField(_("requirement set revision"), editable=False)
    item_count = models.PositiveSmallIntegerField(_("items"), default=0, editable=False)
    history = HistoricalRecords()
    anchor = "confirmation"

    class Meta:
        verbose_name = _("requirement confirmation")
        verbose_name_plural = _("requirement confirmations")
        ordering = ["opportunity", "-round"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "round"], name="discovery_confirmation_round_unique"),
        ]

    def __str__(self) -> str:
        return str(_("Requirement confirmation no. %(round)s") % {"round": self.round})

    def get_absolute_url(self) -> str:
        return reverse("discovery:confirmation_detail", args=[self.pk])
