"""Appraisal cycles 考核周期 and the appraisal of each participant.

- `Cycle`: quarterly or annual, its period, the weights of the evaluation sources (self,
  supervisor, customer survey, 360° peers; they sum to 100), the grade bands with the bonus
  coefficient of each grade, the deadline of each step.
- `Appraisal`: one participant of a cycle with their scheme (kpi.Scheme) and supervisor; its status
  moves through workflow.py; the totals, grade and coefficient are computed by scoring.py.
- `IndicatorScore`: the score of one indicator of the appraisal's scheme, with the snapshot of
  what it was computed from (indicator version and rule, metric value, numerator, denominator), so
  that a score stays reproducible after the indicator or the records change.
- `SourceEntry`: a value entered by an evaluator (self, supervisor, customer survey, peer) for a
  hand-entered indicator.
- `Adjustment`: the committee's adjustment of the total, with its reason.
- `Appeal`: the employee's appeal against a published result and the committee's answer.
- `AppraisalEvent`: every move of an appraisal between statuses.

Visibility: managers and the committee see every cycle and appraisal; a supervisor or team lead
the appraisals they supervise or of the teams they lead; an employee their own. A cycle is visible
to whoever takes part in it or whose team does (the published team ranking)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales.core.models import CreatedByModel

from .choices import (
    DEFAULT_GRADE_BANDS,
    PUBLISHED_STEPS,
    AppealOutcome,
    CycleKind,
    CycleStatus,
    Source,
    Step,
)

USER = settings.AUTH_USER_MODEL
SCORE = {"max_digits": 7, "decimal_places": 2}
VALUE = {"max_digits": 20, "decimal_places": 6}


def sees_everything(user) -> bool:
    """Managers and the appraisal committee see every cycle and appraisal."""
    from presales.accounts.choices import RoleCode

    return bool(user.is_manager or user.has_role(RoleCode.COMMITTEE))


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


class CycleQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not _active(user):
            return self.none()
        if sees_everything(user):
            return self.all()
        teams = set(user.led_team_ids)
        if user.team_id:
            teams.add(user.team_id)
        mine = Appraisal.objects.filter(Q(employee=user) | Q(supervisor=user) | Q(team_id__in=teams))
        return self.filter(pk__in=mine.values("cycle_id"))


class Cycle(CreatedByModel):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=CycleKind.choices, default=CycleKind.QUARTERLY)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), null=True, blank=True, help_text=_("1 to 4; empty for an annual cycle.")
    )
    start_on = models.DateField(_("period start"))
    end_on = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=16, choices=CycleStatus.choices, default=CycleStatus.DRAFT, editable=False
    )
    weight_self = models.DecimalField(
        _("self-assessment weight (%)"), max_digits=5, decimal_places=2, default=Decimal("10")
    )
    weight_supervisor = models.DecimalField(
        _("supervisor weight (%)"), max_digits=5, decimal_places=2, default=Decimal("50")
    )
    weight_customer = models.DecimalField(
        _("customer survey weight (%)"), max_digits=5, decimal_places=2, default=Decimal("20")
    )
    weight_peer = models.DecimalField(
        _("360° peer weight (%)"), max_digits=5, decimal_places=2, default=Decimal("20")
    )
    grade_bands = models.JSONField(
        _("grade bands"),
        default=list,
        blank=True,
        help_text=_("Best grade first: the lowest total of each grade and its bonus coefficient."),
    )
    self_due_on = models.DateField(_("self-assessment due"), null=True, blank=True)
    supervisor_due_on = models.DateField(_("supervisor review due"), null=True, blank=True)
    feedback_due_on = models.DateField(_("customer survey / 360° due"), null=True, blank=True)
    committee_due_on = models.DateField(_("committee review due"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("appraisal cycle")
        verbose_name_plural = _("appraisal cycles")
        ordering = ["-year", "-quarter", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("appraisal:cycle_detail", args=[self.pk])

    @property
    def is_annual(self) -> bool:
        return self.kind == CycleKind.ANNUAL

    def source_weights(self) -> dict[str, Decimal]:
        return {
            Source.SELF: self.weight_self,
            Source.SUPERVISOR: self.weight_supervisor,
            Source.CUSTOMER: self.weight_customer,
            Source.PEER: self.weight_peer,
        }

    def bands(self) -> list[dict]:
        return self.grade_bands or DEFAULT_GRADE_BANDS

    def due_on(self, step: str):
        return {
            Step.SELF_ASSESSMENT: self.self_due_on,
            Step.SUPERVISOR_REVIEW: self.supervisor_due_on,
            Step.FEEDBACK: self.feedback_due_on,
            Step.COMMITTEE_REVIEW: self.committee_due_on,
        }.get(step)


class AppraisalQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not _active(user):
            return self.none()
        if sees_everything(user):
            return self.all()
        return self.filter(Q(employee=user) | Q(supervisor=user) | Q(team_id__in=list(user.led_team_ids)))

    def published(self):
        return self.filter(status__in=PUBLISHED_STEPS)


class Appraisal(CreatedByModel):
    """One participant of a cycle. `status` moves only through services.appraisal_move."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="appraisals"
    )
    employee = models.ForeignKey(
        USER, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="appraisals"
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appraisals",
        help_text=_("The employee's team when they joined the cycle."),
    )
    scheme = models.ForeignKey(
        "kpi.Scheme",
        verbose_name=_("scheme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appraisals",
    )
    supervisor = models.ForeignKey(
        USER,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_appraisals",
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=Step.choices,
        default=Step.SELF_ASSESSMENT,
        editable=False,
        db_index=True,
    )
    self_summary = models.TextField(_("self-assessment summary"), blank=True)
    supervisor_comment = models.TextField(_("supervisor's comment"), blank=True)
    # results (scoring.py)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True, editable=False)
    weighted_total = models.DecimalField(_("weighted total"), null=True, blank=True, editable=False, **SCORE)
    adjustment = models.DecimalField(_("committee adjustment"), default=Decimal("0"), editable=False, **SCORE)
    final_score = models.DecimalField(_("final score"), null=True, blank=True, editable=False, **SCORE)
    grade = models.CharField(_("grade"), max_length=8, blank=True, editable=False)
    bonus_coefficient = models.DecimalField(
        _("bonus coefficient"), max_digits=5, decimal_places=2, null=True, blank=True, editable=False
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = AppraisalQuerySet.as_manager()

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["cycle", "-final_score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "employee"],
                name="appraisal_one_per_cycle",
                violation_error_message=_("This person already takes part in the cycle."),
            ),
        ]
        indexes = [models.Index(fields=["cycle", "status"]), models.Index(fields=["employee", "cycle"])]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.employee}"

    def get_absolute_url(self) -> str:
        return reverse("appraisal:detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status in PUBLISHED_STEPS


class IndicatorScore(models.Model):
    """The score of one indicator of an appraisal, with the snapshot it was computed from."""

    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE, related_name="scores"
    )
    indicator = models.ForeignKey(
        "kpi.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # snapshot of the indicator and the scheme item
    indicator_version = models.PositiveIntegerField(_("indicator version"), default=1)
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    dimension = models.CharField(_("dimension"), max_length=64, blank=True)
    data_source = models.CharField(_("data source"), max_length=16)
    metric_code = models.CharField(_("metric"), max_length=64, blank=True)
    rule_type = models.CharField(_("scoring rule"), max_length=32)
    rule_params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    max_points = models.DecimalField(_("maximum points"), **SCORE)
    weight = models.DecimalField(_("weight (%)"), max_digits=6, decimal_places=2)
    dimension_weight = models.DecimalField(
        _("dimension weight (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    # the input
    value = models.DecimalField(_("value"), null=True, blank=True, **VALUE)
    numerator = models.DecimalField(_("numerator"), null=True, blank=True, **VALUE)
    denominator = models.DecimalField(_("denominator"), null=True, blank=True, **VALUE)
    record_count = models.PositiveIntegerField(_("records"), null=True, blank=True)
    sources = models.JSONField(_("values by source"), default=dict, blank=True)
    # the result
    points = models.DecimalField(_("points"), null=True, blank=True, **SCORE)
    normalized = models.DecimalField(_("score (0–100)"), null=True, blank=True, **SCORE)
    weighted = models.DecimalField(_("weighted score"), null=True, blank=True, **SCORE)
    explanation = models.TextField(_("explanation"), blank=True)
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        ordering = ["appraisal", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "indicator"], name="appraisal_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.normalized}"


class SourceEntry(models.Model):
    """A value an evaluator entered for a hand-entered indicator of an appraisal."""

    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE, related_name="entries"
    )
    indicator = models.ForeignKey(
        "kpi.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    evaluator = models.ForeignKey(
        USER, verbose_name=_("evaluator"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(_("value"), **VALUE)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation entry")
        verbose_name_plural = _("evaluation entries")
        ordering = ["appraisal", "indicator", "source", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "indicator", "source", "evaluator"], name="appraisal_entry_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.value}"


class Adjustment(models.Model):
    """The committee's adjustment of an appraisal's total (points, + or −), with the reason."""

    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE, related_name="adjustments"
    )
    points = models.DecimalField(_("points"), **SCORE)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(USER, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("committee adjustment")
        verbose_name_plural = _("committee adjustments")
        ordering = ["appraisal", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.points:+}"


class Appeal(models.Model):
    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE, related_name="appeals"
    )
    reason = models.TextField(_("reason"))
    filed_by = models.ForeignKey(USER, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=AppealOutcome.choices, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        USER, verbose_name=_("answered by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["appraisal", "filed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.appraisal_id}: {self.outcome or '…'}"


class AppraisalEvent(models.Model):
    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=24, choices=Step.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=24, choices=Step.choices)
    actor = models.ForeignKey(USER, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("appraisal event")
        verbose_name_plural = _("appraisal events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.appraisal_id}: {self.from_status} → {self.to_status}"
