"""The KPI indicator library (指标库), its quarterly reviews, and appraisal schemes (考核方案) with
weighted items. Scoring rules are pure Python (presales.kpi.rules); AHP weights in presales.kpi.ahp.

Who sees what: every logged-in user reads the whole library and the active schemes; draft and
retired schemes only the editors (managers and appraisal committee members, see permissions.py).
Every write goes through presales.kpi.services."""

from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales.core.models import CreatedByModel

from .choices import (
    DataSource,
    Dimension,
    IndicatorStatus,
    ReviewDecision,
    RuleType,
    SchemeStatus,
)

USER = settings.AUTH_USER_MODEL

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    _("Use letters, digits, “-”, “_” or “.” only (e.g. KPI-R01)."),
)
quarter_validator = RegexValidator(r"^\d{4}Q[1-4]$", _("Write the quarter as YYYYQn, e.g. 2026Q3."))


def _is_editor(user) -> bool:
    from presales.accounts.choices import RoleCode

    return bool(
        user and user.is_authenticated and user.is_active and (user.is_manager or user.has_role(RoleCode.COMMITTEE))
    )


class IndicatorQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The library is open to every logged-in user."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.all()


class Indicator(CreatedByModel):
    """One indicator of the library, e.g. KPI-R01 “project technical resolution”. Its scoring rule
    is `rule_type` + `rule_params` (validated by presales.kpi.rules) out of `max_points`.

    `version` (the optimistic-lock column) increments on every saved change; each version is kept
    as an IndicatorVersion snapshot, so a score can cite the exact definition and rule it used."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    definition = models.TextField(_("definition"), blank=True)
    data_source = models.CharField(_("data source"), max_length=16, choices=DataSource.choices)
    metric_code = models.CharField(
        _("metric code"), max_length=64, blank=True,
        help_text=_("Code of the computed metric (presales.metrics registry) when the data source is computed."),
    )
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    rule_type = models.CharField(_("scoring rule"), max_length=16, choices=RuleType.choices)
    rule_params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    max_points = models.DecimalField(
        _("full marks"), max_digits=7, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    applicable_roles = models.ManyToManyField(
        "accounts.Role", verbose_name=_("applicable roles"), blank=True, related_name="kpi_indicators"
    )
    evaluation_sources = models.JSONField(
        _("evaluation sources"), default=list, blank=True,
        help_text=_("Who supplies the value: self, supervisor, customer, peers, system."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=IndicatorStatus.choices, default=IndicatorStatus.ACTIVE
    )
    replaced_by = models.ForeignKey(
        "self", verbose_name=_("replaced by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="replaces",
    )

    history = HistoricalRecords(m2m_fields=[applicable_roles])
    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("kpi:indicator_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status == IndicatorStatus.ACTIVE

    @property
    def metric_available(self) -> bool:
        """True when the computed metric exists in presales.metrics.registry (guarded: the
        metrics app may not provide it yet)."""
        from .metrics import metric_available

        return bool(self.metric_code) and metric_available(self.metric_code)

    @property
    def effective_data_source(self) -> str:
        """The source actually used: a computed indicator whose metric is not available is entered
        by hand until it is (never a made-up value)."""
        if self.data_source == DataSource.COMPUTED and not self.metric_available:
            return DataSource.MANUAL
        return self.data_source


class IndicatorVersion(models.Model):
    """The full snapshot of an indicator at one version (definition, rule, full marks, roles)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"), default=dict)
    change_summary = models.CharField(_("change summary"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        USER, verbose_name=_("changed by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("indicator version")
        verbose_name_plural = _("indicator versions")
        ordering = ["indicator", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "number"], name="kpi_indicator_version_unique",
                violation_error_message=_("This version of the indicator is already recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} v{self.number}"


class IndicatorReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(indicator__in=Indicator.objects.visible_to(user).values("pk"))


class IndicatorReview(models.Model):
    """The quarterly review of an indicator (指标季度审视): keep, replace (by another indicator) or
    retire, always with a reason. Replace and retire set the indicator's status to retired."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="reviews"
    )
    quarter = models.CharField(_("quarter"), max_length=6, validators=[quarter_validator])
    decision = models.CharField(_("decision"), max_length=16, choices=ReviewDecision.choices)
    reason = models.TextField(_("reason"))
    replaced_by = models.ForeignKey(
        Indicator, verbose_name=_("replaced by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    reviewer = models.ForeignKey(USER, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    indicator_version = models.PositiveIntegerField(_("indicator version"), default=1)

    history = HistoricalRecords()
    objects = IndicatorReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator review")
        verbose_name_plural = _("indicator reviews")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "quarter"], name="kpi_review_once_per_quarter",
                violation_error_message=_("This indicator was already reviewed in this quarter."),
            ),
            models.CheckConstraint(
                condition=~Q(decision=ReviewDecision.REPLACE) | Q(replaced_by__isnull=False),
                name="kpi_review_replace_needs_successor",
                violation_error_code="replace_needs_successor",
                violation_error_message=_("Name the indicator that replaces this one."),
            ),
        ]

    constraint_fields = {"replace_needs_successor": "replaced_by"}

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.quarter} {self.decision}"


def _published_appraisals():
    """The queryset of published appraisals (appraisal.Appraisal with `scheme` and `status`), or
    None while the appraisal app does not provide them."""
    if not apps.is_installed("presales.appraisal"):
        return None
    try:
        model = apps.get_model("appraisal", "Appraisal")
    except LookupError:
        return None
    field_names = {f.name for f in model._meta.get_fields()}
    if not {"scheme", "status"} <= field_names:
        return None
    queryset = model._default_manager.all()
    if hasattr(queryset, "published"):  # the appraisal app knows its published steps
        return queryset.published()
    return queryset.filter(status="published")


class SchemeQuerySet(models.QuerySet):
    def with_locked(self):
        """Annotate `locked_flag` (used by is_locked() without a query per row)."""
        published = _published_appraisals()
        if published is None:
            return self.annotate(locked_flag=models.Value(False, output_field=models.BooleanField()))
        return self.annotate(locked_flag=models.Exists(published.filter(scheme=models.OuterRef("pk"))))

    def visible_to(self, user):
        """Editors (managers, committee) see every scheme; everybody else the active ones."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if _is_editor(user):
            return self.all()
        return self.filter(status=SchemeStatus.ACTIVE)


class Scheme(CreatedByModel):
    """An appraisal scheme (考核方案) for a role or position: weighted indicators (items) whose
    weights sum to exactly 100.00 %, optionally grouped by dimension weights
    (`{"results": 40, "process": 30, ...}` summing to 100). With dimension weights the item weights
    stay percentages of the whole scheme and the items of each dimension must sum to that
    dimension's weight (so the total is still 100). Only an active scheme may be used by an
    appraisal cycle; a scheme used by a published appraisal is locked (`is_locked()`)."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    description = models.TextField(_("description"), blank=True)
    role = models.ForeignKey(
        "accounts.Role", verbose_name=_("role"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="kpi_schemes",
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    dimension_weights = models.JSONField(
        _("dimension weights"), default=dict, blank=True,
        help_text=_("Optional: percent per dimension, summing to 100."),
    )
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True, editable=False)

    history = HistoricalRecords()
    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("kpi:scheme_detail", args=[self.pk])

    def is_locked(self) -> bool:
        """True when an appraisal that uses this scheme is published: then nobody edits it.
        Asks presales.appraisal (model appraisal.Appraisal with `scheme` and `status`) when it
        exists; False otherwise. Lists annotate it once (`SchemeQuerySet.with_locked`)."""
        if hasattr(self, "locked_flag"):
            return bool(self.locked_flag)
        if not self.pk:
            return False
        published = _published_appraisals()
        if published is None:
            return False
        return published.filter(scheme=self.pk).exists()

    def items_total(self) -> Decimal:
        return sum((item.weight for item in self.items.all()), Decimal("0"))


class SchemeItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scheme__in=Scheme.objects.visible_to(user).values("pk"))


class SchemeItem(models.Model):
    """One indicator in a scheme, with its weight (percent of the whole scheme, 2 decimals).
    `dimension` is the group it counts in (defaults to the indicator's own dimension; the
    presales manager form counts e.g. customer satisfaction among its key indicators)."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="scheme_items"
    )
    weight = models.DecimalField(
        _("weight (%)"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()
    objects = SchemeItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("scheme item")
        verbose_name_plural = _("scheme items")
        ordering = ["scheme", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "indicator"], name="kpi_scheme_item_unique",
                violation_error_code="duplicate_indicator",
                violation_error_message=_("This indicator is already in the scheme."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=100), name="kpi_scheme_item_weight_range",
                violation_error_code="weight_range",
                violation_error_message=_("A weight is between 0 and 100."),
            ),
        ]

    constraint_fields = {"duplicate_indicator": "indicator", "weight_range": "weight"}

    def __str__(self) -> str:
        return f"{self.scheme_id}:{self.indicator_id} {self.weight}%"


class AhpRun(models.Model):
    """One AHP computation applied to a scheme: the pairwise matrix over some of its items (all of
    them, or one dimension's), the resulting weights and consistency ratio. Kept so that weights
    derived by AHP can be explained later."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="ahp_runs")
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices, blank=True)
    indicator_codes = models.JSONField(_("indicators"), default=list)
    matrix = models.JSONField(_("pairwise comparison matrix"), default=list)
    weights = models.JSONField(_("weights"), default=list)
    applied_weights = models.JSONField(_("applied weights (%)"), default=list)
    consistency_ratio = models.FloatField(_("consistency ratio"))
    lambda_max = models.FloatField(_("λmax"))
    by = models.ForeignKey(USER, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("AHP run")
        verbose_name_plural = _("AHP runs")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"AHP {self.scheme_id} {self.at:%Y-%m-%d}"
