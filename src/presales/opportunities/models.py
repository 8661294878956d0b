"""Opportunities (商机/项目) moving through the SOP stages, each move an event row."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from presales.core.models import CreatedByModel
from presales.core.permissions import ScopedQuerySet, visible_through

from .choices import CLOSED_STAGES, Outcome, ProcurementMethod, Progress, Source, Stage

USER = settings.AUTH_USER_MODEL


class OpportunityQuerySet(ScopedQuerySet):
    def involved_q(self, user):
        # `IN (the user's memberships)`, not a correlated EXISTS: PostgreSQL evaluates it once
        # (a hashed subplan) instead of once per row. A team member's board counts every open row
        # of the scope: 144 ms at 100k with EXISTS, 50-75 ms with IN (EXPLAIN ANALYZE).
        member_of = Opportunity.members.through.objects.filter(user_id=user.pk).values("opportunity_id")
        return Q(presales_lead_id=user.pk) | Q(sales_owner_id=user.pk) | Q(pk__in=member_of)

    def open(self):
        return self.exclude(stage__in=CLOSED_STAGES)


class OpportunityChildQuerySet(models.QuerySet):
    """Records hanging off an opportunity are visible exactly when their opportunity is."""

    def visible_to(self, user):
        return visible_through(self, user, "opportunity", Opportunity)


class Opportunity(CreatedByModel):
    """A sales opportunity / presales project. `number` (SJ-YYYY-NNNNN) comes from the sequence
    service. `stage` changes only through `opportunity_move` (gates, events). `presales_assigned_at`
    records when presales joined, for the early-involvement measure."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="opportunities"
    )
    source = models.CharField(_("source"), max_length=32, choices=Source.choices)
    industry = models.CharField(_("industry"), max_length=32, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Background and what the customer wants."))
    estimated_amount = models.DecimalField(_("estimated amount (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True)
    budget = models.DecimalField(_("customer budget (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True)
    procurement_method = models.CharField(
        _("procurement method"), max_length=32, choices=ProcurementMethod.choices, default=ProcurementMethod.UNKNOWN
    )
    competitors = models.TextField(_("competitors"), blank=True)
    expected_close_on = models.DateField(_("expected close date"), null=True, blank=True)
    sales_owner = models.ForeignKey(USER, verbose_name=_("sales owner"), on_delete=models.PROTECT, related_name="sales_opportunities")
    presales_lead = models.ForeignKey(
        USER, verbose_name=_("presales lead"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="led_opportunities",
    )
    members = models.ManyToManyField(USER, verbose_name=_("presales team members"), blank=True, related_name="opportunities")
    team = models.ForeignKey("accounts.Team", verbose_name=_("presales team"), on_delete=models.PROTECT, related_name="opportunities")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.LEAD, editable=False)
    stage_changed_at = models.DateTimeField(_("stage changed at"), null=True, blank=True, editable=False)
    presales_assigned_at = models.DateTimeField(_("presales assigned at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    confidential = models.BooleanField(
        _("confidential"), default=False, help_text=_("Only the people involved, the team lead and managers see it.")
    )
    # Derived from the stage and the artefacts (presales.opportunities.progress), kept current by
    # signals on every artefact change; stored so that boards and filters work in SQL.
    progress = models.CharField(
        _("progress status"), max_length=24, choices=Progress.choices, default=Progress.NOT_STARTED, editable=False
    )
    history = HistoricalRecords(m2m_fields=[members], excluded_fields=["progress"])

    objects = OpportunityQuerySet.as_manager()
    # Constraint violations reported on the form field they concern (core.services.validate_or_raise).
    constraint_fields = {"amount_negative": "estimated_amount", "budget_negative": "budget"}

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["stage", "-created_at"]),
            models.Index(fields=["team", "stage"]),
            models.Index(fields=["presales_lead", "stage"]),
            models.Index(fields=["sales_owner", "stage"]),
            models.Index(fields=["stage", "expected_close_on"]),  # the board's columns
            models.Index(fields=["progress", "expected_close_on"]),  # the progress board's columns
            # The manager dashboard (insights): index-only scans of the open pipeline by stage and
            # team with its amounts, of the opportunities created in a period (early involvement),
            # and a range on the closing date (win rates).
            models.Index(fields=["stage", "team", "estimated_amount"], name="opp_dash_pipeline_idx"),
            models.Index(fields=["created_at", "presales_assigned_at", "team"], name="opp_dash_created_idx"),
            models.Index(fields=["closed_at", "stage", "team", "presales_lead", "industry"], name="opp_dash_closed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_amount__isnull=True) | Q(estimated_amount__gte=0),
                name="opportunity_amount_not_negative", violation_error_code="amount_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="opportunity_budget_not_negative", violation_error_code="budget_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("opportunities:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.stage in CLOSED_STAGES

    @property
    def early_involvement(self):
        """Time from the opportunity's creation to presales joining (None while unassigned). A lead
        given at creation counts as zero (the two clocks are read a few microseconds apart)."""
        if self.presales_assigned_at is None:
            return None
        return max(self.presales_assigned_at - self.created_at, timedelta(0))


class StageEvent(models.Model):
    """One move of an opportunity between stages: who, when, from, to, why; whether a manager
    overrode refused gates, and which reasons were overridden."""

    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="stage_events")
    from_stage = models.CharField(pgettext_lazy("stage event", "from"), max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(pgettext_lazy("stage event", "to"), max_length=16, choices=Stage.choices)
    actor = models.ForeignKey(USER, verbose_name=pgettext_lazy("stage event", "by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(pgettext_lazy("stage event", "at"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    overridden = models.BooleanField(_("gate overridden"), default=False)
    overridden_reasons = models.JSONField(_("overridden refusal reasons"), default=list, blank=True)

    objects = OpportunityChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage event")
        verbose_name_plural = _("stage events")
        ordering = ["-at", "-pk"]
        # The dashboard's conversion between stages: per stage, an index-only scan of a period's events.
        indexes = [models.Index(fields=["to_stage", "at", "opportunity"], name="stageevent_dash_stage_idx")]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.from_stage} → {self.to_stage}"



class Retrospective(CreatedByModel):
    """复盘: required before an opportunity is closed won, lost or abandoned."""

    opportunity = models.OneToOneField(Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="retrospective")
    outcome = models.CharField(pgettext_lazy("retrospective", "outcome"), max_length=16, choices=Outcome.choices)
    summary = models.TextField(_("summary"))
    went_well = models.TextField(_("what went well"), blank=True)
    went_wrong = models.TextField(_("what went wrong"), blank=True)
    decisive_factors = models.TextField(_("decisive factors"), blank=True, help_text=_("Why we won or lost."))
    lessons = models.TextField(_("lessons for next time"))
    competitor_won = models.CharField(_("winning competitor"), max_length=200, blank=True)
    held_on = models.DateField(_("held on"))
    participants = models.CharField(_("participants"), max_length=255, blank=True)
    history = HistoricalRecords()

    objects = OpportunityChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("retrospective")
        verbose_name_plural = _("retrospectives")

    def __str__(self) -> str:
        return str(self.opportunity)

    def get_absolute_url(self) -> str:
        return self.opportunity.get_absolute_url()


class Handover(CreatedByModel):
    """The handover of a won opportunity to delivery: owner, responsibilities, date."""

    opportunity = models.OneToOneField(Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="handover")
    delivery_owner = models.ForeignKey(USER, verbose_name=_("delivery owner"), on_delete=models.PROTECT, related_name="handovers")
    handover_on = models.DateField(_("handover date"))
    responsibilities = models.TextField(_("responsibilities"))
    open_commitments = models.TextField(_("open commitments to the customer"), blank=True)
    documents = models.TextField(_("documents handed over"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    objects = OpportunityChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self) -> str:
        return str(self.opportunity)

    def get_absolute_url(self) -> str:
        return self.opportunity.get_absolute_url()


class BoardTotal(models.Model):
    """How many opportunities, and their summed estimated amount, per board dimension (stage or
    progress), column key and presales team; maintained in the writers' transactions
    (presales.opportunities.board_totals), rebuilt by `presales rebuild_board_totals`."""

    dimension = models.CharField(_("dimension"), max_length=8)
    key = models.CharField(_("column"), max_length=24)
    team = models.ForeignKey("accounts.Team", verbose_name=_("presales team"), on_delete=models.CASCADE,
                             related_name="+")
    count = models.BigIntegerField(_("count"), default=0)
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("board total")
        verbose_name_plural = _("board totals")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "key", "team"], name="board_total_unique_column_team")
        ]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.key}:{self.team_id} = {self.count}"
