"""POCs (概念验证) of an opportunity: the launch confirmation (POC启动确认书) with its hypotheses,
kickoff meeting, quantified success criteria, resource guarantee list (资源保障清单), risks with
fallback plans and escalation path; the readiness self-check; measurements, incidents, scope
changes and weekly syncs while running; the verdict and, after a loss, the post-mortem.

A POC is visible exactly when its opportunity is (`Poc.objects.visible_to(user)`); everything
hanging off a POC is visible exactly when the POC is."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales.core.models import CreatedByModel
from presales.core.permissions import visible_through
from presales.customers.choices import Industry

from .choices import (
    Aggregation,
    AttendeeRole,
    ConfirmationMethod,
    CriterionForm,
    DataSource,
    Direction,
    IncidentSeverity,
    IncidentStatus,
    Level,
    MeasurementSource,
    NextStep,
    ProblemKind,
    Rating,
    ResourceKind,
    ReviewPurpose,
    ScopeChangeStatus,
    Side,
    Status,
)
from .readiness import ASKED_NUMBERS

USER = settings.AUTH_USER_MODEL
DECIMAL = {"max_digits": 20, "decimal_places": 6}


class PocQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The POCs of the opportunities the user may see (same rule, same 404)."""
        from presales.opportunities.models import Opportunity

        return visible_through(self, user, "opportunity", Opportunity)


class PocChildQuerySet(models.QuerySet):
    def visible_to(self, user):
        return visible_through(self, user, "poc", Poc)


def launch_confirmed(method, *, our_signatory, our_signed_on, customer_signatory, customer_signed_on,
                     email_reference) -> bool:
    """`Poc.is_confirmed` from the columns (also for rows read with `values()`)."""
    if method == ConfirmationMethod.SIGNED:
        return bool(our_signatory and our_signed_on and customer_signatory and customer_signed_on)
    if method == ConfirmationMethod.EMAIL:
        return bool(customer_signatory and customer_signed_on and email_reference)
    return False


# `launch_confirmed` in SQL, over the same six columns (named in braces), for rows whose JSON the
# database writes (core.lean.JsonRows). tests/poc/test_api_lean_json.py checks both agree.
LAUNCH_CONFIRMED_SQL = (
    f"CASE WHEN {{confirmation_method}} = '{ConfirmationMethod.SIGNED.value}' THEN "
    "(COALESCE({our_signatory}, '') <> '' AND {our_signed_on} IS NOT NULL "
    "AND COALESCE({customer_signatory}, '') <> '' AND {customer_signed_on} IS NOT NULL) "
    f"WHEN {{confirmation_method}} = '{ConfirmationMethod.EMAIL.value}' THEN "
    "(COALESCE({customer_signatory}, '') <> '' AND {customer_signed_on} IS NOT NULL "
    "AND COALESCE({email_reference}, '') <> '') "
    "ELSE false END"
)


class Poc(CreatedByModel):
    """One POC of an opportunity, numbered POC-YYYY-NNN by the sequence service. The status moves
    only through `poc_move` (workflow with guards, an event row per move)."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", verbose_name=_("opportunity"), on_delete=models.PROTECT, related_name="pocs"
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="pocs", editable=False
    )
    title = models.CharField(_("project name"), max_length=200)
    our_company = models.CharField(_("our company"), max_length=200)
    industry = models.CharField(_("industry"), max_length=32, choices=Industry.choices, blank=True)
    hypotheses = models.JSONField(
        _("hypotheses"), default=list, blank=True,
        help_text=_("1 to 3 verifiable hypotheses: “Prove that technology X reaches performance Y in scenario Z”."),
    )
    planned_start_on = models.DateField(_("planned start date"), null=True, blank=True)
    planned_end_on = models.DateField(_("planned end date"), null=True, blank=True)
    next_step = models.CharField(_("next step after a pass"), max_length=16, choices=NextStep.choices, blank=True)
    next_step_other = models.CharField(_("other next step"), max_length=200, blank=True)
    # escalation path 异常升级路径
    our_escalation_contact = models.CharField(_("our escalation contact"), max_length=64, blank=True)
    our_escalation_phone = models.CharField(_("our escalation phone"), max_length=32, blank=True)
    customer_escalation_contact = models.CharField(_("customer escalation contact"), max_length=64, blank=True)
    customer_escalation_phone = models.CharField(_("customer escalation phone"), max_length=32, blank=True)
    response_hours = models.PositiveSmallIntegerField(
        _("response limit (hours)"), null=True, blank=True,
        help_text=_("Hours from the moment an incident occurs to the first response."),
    )
    # confirmation of the launch confirmation by both sides (signatures or a recorded e-mail)
    confirmation_method = models.CharField(
        _("confirmation"), max_length=8, choices=ConfirmationMethod.choices, blank=True, editable=False
    )
    our_signatory = models.CharField(_("our representative"), max_length=64, blank=True, editable=False)
    our_signed_on = models.DateField(_("our signing date"), null=True, blank=True, editable=False)
    customer_signatory = models.CharField(_("customer representative"), max_length=64, blank=True, editable=False)
    customer_signed_on = models.DateField(_("customer signing date"), null=True, blank=True, editable=False)
    email_reference = models.TextField(_("e-mail confirmation"), blank=True, editable=False)
    # the state machine
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, editable=False)
    verdict = models.CharField(_("verdict"), max_length=16, choices=Level.choices, blank=True, editable=False)
    conclusion = models.TextField(_("conclusion and agreed next step"), blank=True, editable=False)
    history = HistoricalRecords()

    objects = PocQuerySet.as_manager()
    constraint_fields = {"poc_end_before_start": "planned_end_on", "poc_response_hours": "response_hours"}

    class Meta:
        verbose_name = _("POC")
        verbose_name_plural = _("POCs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["opportunity", "status"]),
            models.Index(fields=["customer", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_on__isnull=True) | Q(planned_start_on__isnull=True)
                | Q(planned_end_on__gte=F("planned_start_on")),
                name="poc_end_after_start", violation_error_code="poc_end_before_start",
                violation_error_message=_("The planned end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(response_hours__isnull=True) | Q(response_hours__gte=1),
                name="poc_response_hours_positive", violation_error_code="poc_response_hours",
                violation_error_message=_("The response limit is at least one hour."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("poc:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in (Status.PASSED, Status.FAILED, Status.ABANDONED)

    @property
    def is_confirmed(self) -> bool:
        """Signed by both sides with dates, or confirmed by a recorded e-mail."""
        return launch_confirmed(self.confirmation_method, our_signatory=self.our_signatory,
                                our_signed_on=self.our_signed_on, customer_signatory=self.customer_signatory,
                                customer_signed_on=self.customer_signed_on, email_reference=self.email_reference)

    @property
    def next_step_text(self) -> str:
        if self.next_step == NextStep.OTHER:
            return self.next_step_other
        return str(self.get_next_step_display()) if self.next_step else ""


class PocChild(CreatedByModel):
    poc = models.ForeignKey(Poc, verbose_name=_("POC"), on_delete=models.CASCADE, related_name="+")

    objects = PocChildQuerySet.as_manager()
    anchor = ""

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        url = reverse("poc:detail", args=[self.poc_id])
        return f"{url}#{self.anchor}" if self.anchor else url


class KickoffMeeting(PocChild):
    """启动会: at least 30 minutes, both sides' key roles present, minutes written."""

    poc = models.OneToOneField(Poc, verbose_name=_("POC"), on_delete=models.CASCADE, related_name="kickoff")
    held_at = models.DateTimeField(_("held at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    remote = models.BooleanField(_("held remotely"), default=False)
    location = models.CharField(_("place or meeting link"), max_length=200, blank=True)
    minutes = models.TextField(_("minutes"))
    history = HistoricalRecords()
    anchor = "kickoff"
    constraint_fields = {"kickoff_too_short": "duration_minutes"}

    class Meta:
        verbose_name = _("kickoff meeting")
        verbose_name_plural = _("kickoff meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=30), name="poc_kickoff_at_least_30_minutes",
                violation_error_code="kickoff_too_short",
                violation_error_message=_("A kickoff meeting lasts at least 30 minutes."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.poc.number} {self.held_at:%Y-%m-%d}"


class KickoffAttendee(models.Model):
    """One person at the kickoff, by side and role."""

    kickoff = models.ForeignKey(KickoffMeeting, verbose_name=_("kickoff meeting"), on_delete=models.CASCADE,
                                related_name="attendees")
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    role = models.CharField(_("role"), max_length=32, choices=AttendeeRole.choices)
    name = models.CharField(_("full name"), max_length=64)
    title = models.CharField(_("job title"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("kickoff attendee")
        verbose_name_plural = _("kickoff attendees")
        ordering = ["side", "role", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class CriterionGuideQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.all()


class CriterionGuide(CreatedByModel):
    """成功标准量化指引: suggested metrics and levels per industry scenario (reference data that
    managers edit); choosing one pre-fills a new success criterion."""

    industry = models.CharField(_("industry"), max_length=32, choices=Industry.choices)
    scenario = models.CharField(_("scenario"), max_length=64)
    metric = models.CharField(_("metric"), max_length=100)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    form = models.CharField(_("form"), max_length=16, choices=CriterionForm.choices, default=CriterionForm.ABSOLUTE)
    baseline = models.DecimalField(_("baseline"), **DECIMAL, null=True, blank=True)
    reference = models.DecimalField(_("reference value"), **DECIMAL, null=True, blank=True)
    pass_level = models.DecimalField(_("suggested pass level"), **DECIMAL, null=True, blank=True)
    excellent_level = models.DecimalField(_("suggested excellent level"), **DECIMAL, null=True, blank=True)
    pass_text = models.CharField(_("pass level as written"), max_length=200)
    excellent_text = models.CharField(_("excellent level as written"), max_length=200)
    aggregation = models.CharField(_("aggregation"), max_length=8, choices=Aggregation.choices,
                                   default=Aggregation.LATEST)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = CriterionGuideQuerySet.as_manager()

    class Meta:
        verbose_name = _("criterion guide entry")
        verbose_name_plural = _("success criteria guide")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "metric"], name="poc_guide_unique_metric",
                                    violation_error_message=_("This scenario has this metric already.")),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} · {self.metric}"

    def get_absolute_url(self) -> str:
        return reverse("poc:guide_list")


class SuccessCriterion(PocChild):
    """One quantified success criterion (成功标准): metric, unit, direction, baseline, the pass
    (Minimum) and excellent (Target) levels in one of three forms, how the data is collected, and
    whether the customer agreed to it. At most three per POC are key criteria."""

    poc = models.ForeignKey(Poc, verbose_name=_("POC"), on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"), default=0, editable=False)
    name = models.CharField(_("metric"), max_length=100)
    is_key = models.BooleanField(_("key criterion"), default=True,
                                 help_text=_("The 1–3 metrics the customer cares most about decide the verdict."))
    unit = models.CharField(_("unit"), max_length=32)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    form = models.CharField(_("form"), max_length=16, choices=CriterionForm.choices, default=CriterionForm.ABSOLUTE)
    baseline = models.DecimalField(_("baseline"), **DECIMAL, null=True, blank=True,
                                   help_text=_("Today's value, in the unit (required for a change vs baseline)."))
    reference = models.DecimalField(_("reference value"), **DECIMAL, null=True, blank=True,
                                    help_text=_("The customer's target or industry average, in the unit "
                                                "(required for a share of a reference)."))
    pass_level = models.DecimalField(_("pass level"), **DECIMAL, null=True, blank=True,
                                     help_text=_("Minimum: reached, the POC passes (in the unit, or in percent for "
                                                 "relative forms)."))
    excellent_level = models.DecimalField(_("excellent level"), **DECIMAL, null=True, blank=True,
                                          help_text=_("Target: reached, we negotiate from strength."))
    aggregation = models.CharField(_("aggregation"), max_length=8, choices=Aggregation.choices,
                                   default=Aggregation.LATEST)
    data_source = models.CharField(_("data source"), max_length=16, choices=DataSource.choices, blank=True)
    data_source_detail = models.CharField(_("data source details"), max_length=200, blank=True)
    sampling_frequency = models.CharField(_("sampling frequency"), max_length=100, blank=True,
                                          help_text=_("Continuous or spot checks, how often."))
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True,
                                              help_text=_("Measurements needed before the verdict is final."))
    comparison_baseline = models.CharField(_("comparison baseline"), max_length=200, blank=True,
                                           help_text=_("What the result is compared with (current line, "
                                                       "competitor, lab reference)."))
    agreed = models.BooleanField(_("agreed by the customer"), default=False)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    guide = models.ForeignKey(CriterionGuide, verbose_name=_("from the guide"), on_delete=models.SET_NULL,
                              null=True, blank=True, related_name="criteria")
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()
    anchor = "criteria"
    constraint_fields = {"criterion_name_taken": "name", "agreed_without_date": "agreed_on"}

    class Meta:
        verbose_name = _("success criterion")
        verbose_name_plural = _("success criteria")
        ordering = ["poc", "-is_key", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["poc", "name"], name="poc_criterion_unique_name",
                                    violation_error_code="criterion_name_taken",
                                    violation_error_message=_("This POC has a criterion with this name already.")),
            models.CheckConstraint(condition=Q(agreed=False) | Q(agreed_on__isnull=False),
                                   name="poc_criterion_agreed_has_date", violation_error_code="agreed_without_date",
                                   violation_error_message=_("Give the date the customer agreed.")),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from .verdict import spec_errors

        errors = spec_errors(self.spec, name=self.name)
        if errors:
            raise ValidationError(errors)

    @property
    def spec(self):
        from .verdict import Spec

        return Spec(direction=self.direction, form=self.form, pass_level=self.pass_level,
                    excellent_level=self.excellent_level, baseline=self.baseline, reference=self.reference,
                    aggregation=self.aggregation, sample_size=self.sample_size or 1)

    @property
    def pass_text(self) -> str:
        from .verdict import level_text

        return level_text(self.spec, self.pass_level, self.unit)

    @property
    def excellent_text(self) -> str:
        from .verdict import level_text

        return level_text(self.spec, self.excellent_level, self.unit)


class MeasurementImport(models.Model):
    """One imported file of measurements (all its rows valid, or nothing imported)."""

    poc = models.ForeignKey(Poc, verbose_name=_("POC"), on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(_("file"), max_length=255)
    rows = models.PositiveIntegerField(_("rows imported"))
    uploaded_by = models.ForeignKey(USER, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = PocChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("measurement import")
        verbose_name_plural = _("measurement imports")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class Measurement(PocChild):
    """One measured value of a criterion, in the criterion's unit, at a time."""

    poc = models.ForeignKey(Poc, verbose_name=_("POC"), on_delete=models.CASCADE, related_name="measurements")
    criterion = models.ForeignKey(SuccessCriterion, verbose_name=_("criterion"), on_delete=models.CASCADE,
                                  related_name="measurements")
    measured_at = models.DateTimeField(_("measured at"))
    value = models.DecimalField(_("value"), **DECIMAL)
    source = models.CharField(_("source"), max_length=8, choices=MeasurementSource.choices,
                              default=MeasurementSource.MANUAL, editable=False)
    note = models.CharField(_("note"), max_length=255, blank=True)
    batch = models.ForeignKey(MeasurementImport, verbose_name=_("import"), on_delete=models.CASCADE, null=True,
                              blank=True, related_name="measurements", editable=False)
    anchor = "measurements"

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["-measured_at", "-pk"]
        indexes = [models.Index(fields=["criterion", "measured_at"]), models.Index(fields=["poc", "-measured_at"])]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class ResourceItem(PocChild):
    """One line of the resource guarantee list (资源保障清单), for one side."""

    poc = models.ForeignKey(Poc, verbose_name=_("POC"), on_delete=models.CASCADE, related_name="resources")
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    kind = models.CharField(_("item"), max_length=32, choices=ResourceKind.choices)
    description = models.CharField(_("what / who"), max_length=255,
                                   help_text=_("Name of the person, model of the prototype, the data needed..."))
    contact = models.CharField(_("phone or contact"), max_length=64, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    due_on = models.DateField(_("date"), null=True, blank=True,
                              help_text=_("Arrival date, milestone deadline, availability from..."))
    hours = models.DecimalField(_("hours"), max_digits=8, decimal_places=1, null=True, blank=True)
    confirmed = models.BooleanField(_("confirmed"), default=False)
    notes = models.CharField(_("notes"), max_length=255, blank=True)
    history = HistoricalRecords()
    anchor = "resources"

    class Meta:
        verbose_name = _("resource item")
        verbose_name_plural = _("resource guarantee list")
        ordering = ["poc", "side", "kind", "pk"]
        indexes = [models.Index(fields=["poc", "side", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"


class Risk(PocChild):
    """A way the POC could fail, how likely and how bad, and the fallback plan (退路方案)."""

    poc = models.ForeignKey(Poc, verbose_name=_("POC"), on_delete=models.CASCADE, related_name="risks")
    description = models.CharField(_("risk"), max_length=255)
    likelihood = models.CharField(_("likelihood"), max_length=8, choices=Rating.choices, default=Rating.MEDIUM)
    impact = models.CharField(_("impact"), max_length=8, choices=Rating.choices, default=Rating.MEDIUM)
    fallback_plan = models.TextField(_("fallback plan"), blank=True,
                                     help_text=_("What we do if it happens, so that the relationship survives."))
    owner = models.ForeignKey(USER, verbose_name=_("owner"), on_delete=models.PROTECT, null=True, blank=True,
                              related_name="poc_risks")
    history = HistoricalRecords()
    anchor = "risks"

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["poc", "pk"]

    def __str__(self) -> str:
        return self.description


class Incident(PocChild):
    """An incident during the POC, on the escalation clock: the first response is due
    `response_hours` after it occurred (the POC's escalation path)."""

    poc = models.ForeignKey(Poc, verbose_name=_("POC"), on_delete=models.CASCADE, related_name="incidents")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=IncidentSeverity.choices,
                                default=IncidentSeverity.MAJOR)
    occurred_at = models.DateTimeField(_("occurred at"))
    response_due_at = models.DateTimeField(_("response due"), editable=False)
    status = models.CharField(_("status"), max_length=16, choices=IncidentStatus.choices,
                              default=IncidentStatus.OPEN, editable=False)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True, editable=False)
    responded_by = models.ForeignKey(USER, verbose_name=_("responded by"), on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+", editable=False)
    response = models.TextField(_("response"), blank=True, editable=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, editable=False)
    resolution = models.TextField(_("resolution"), blank=True, editable=False)
    history = HistoricalRecords()
    anchor = "incidents"

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["status", "response_due_at", "pk"]
        indexes = [models.Index(fields=["poc", "status"]), models.Index(fields=["status", "response_due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=IncidentStatus.OPEN, responded_at__isnull=True)
                | (~Q(status=IncidentStatus.OPEN) & Q(responded_at__isnull=False)),
                name="poc_incident_response_time",
                violation_error_message=_("A responded incident needs its response time, an open one has none."),
            ),
            models.CheckConstraint(
                condition=~Q(status=IncidentStatus.RESOLVED) | Q(resolved_at__isnull=False),
                name="poc_incident_resolved_time",
                violation_error_message=_("A resolved incident needs its resolution time."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ScopeChange(PocChild):
    """追加测试要求: a change of what the POC tests, accepted only once both sides confirmed it.
    Every proposal stays on record, so scope creep is visible."""

    poc = models.ForeignKey(Poc, verbose_name=_("POC"), on_delete=models.CASCADE, related_name="scope_changes")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what is to be added or changed"))
    requested_by_side = models.CharField(_("raised by"), max_length=16, choices=Side.choices,
                                         default=Side.CUSTOMER)
    requested_on = models.DateField(_("requested on"))
    impact = models.TextField(_("impact on schedule, resources and criteria"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ScopeChangeStatus.choices,
                              default=ScopeChangeStatus.PROPOSED, editable=False)
    our_confirmed_by = models.ForeignKey(USER, verbose_name=_("confirmed by us"), on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="+", editable=False)
    our_confirmed_at = models.DateTimeField(_("our confirmation time"), null=True, blank=True, editable=False)
    customer_confirmed_by = models.CharField(_("confirmed by the customer"), max_length=64, blank=True,
                                             editable=False)
    customer_confirmed_on = models.DateField(_("customer confirmation date"), null=True, blank=True,
                                             editable=False)
    customer_confirmation = models.CharField(_("customer confirmation (how)"), max_length=255, blank=True,
                                             editable=False)
    decision_note = models.TextField(_("decision note"), blank=True, editable=False)
    history = HistoricalRecords()
    anchor = "scope"

    class Meta:
        verbose_name = _("scope change")
        verbose_name_plural = _("scope changes")
        ordering = ["-requested_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ScopeChangeStatus.ACCEPTED)
                | (Q(our_confirmed_at__isnull=False) & Q(customer_confirmed_on__isnull=False)),
                name="poc_scope_change_accepted_by_both",
                violation_error_message=_("A scope change is accepted only with the confirmation of both sides."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def our_confirmed(self) -> bool:
        return self.our_confirmed_at is not None

    @property
    def customer_confirmed(self) -> bool:
        return self.customer_confirmed_on is not None


class SyncNote(PocChild):
    """The weekly sync (周同步) with the customer: progress, issues, next steps."""

    poc = models.ForeignKey(Poc, verbose_name=_("POC"), on_delete=models.CASCADE, related_name="sync_notes")
    held_on = models.DateField(_("meeting date"))
    attendees = models.CharField(_("attendees"), max_length=255)
    progress = models.TextField(_("progress"))
    issues = models.TextField(_("issues"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    history = HistoricalRecords()
    anchor = "syncs"

    class Meta:
        verbose_name = _("weekly sync")
        verbose_name_plural = _("weekly syncs")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.poc_id} {self.held_on}"


class ReadinessAnswer(PocChild):
    """A person's answer to one of the self-check items the record cannot decide (11, 12, 13)."""

    poc = models.ForeignKey(Poc, verbose_name=_("POC"), on_delete=models.CASCADE, related_name="readiness_answers")
    item = models.PositiveSmallIntegerField(_("item"))
    done = models.BooleanField(_("done"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    history = HistoricalRecords()
    anchor = "readiness"

    class Meta:
        verbose_name = _("readiness answer")
        verbose_name_plural = _("readiness answers")
        ordering = ["poc", "item"]
        constraints = [
            models.UniqueConstraint(fields=["poc", "item"], name="poc_readiness_answer_unique"),
            models.CheckConstraint(condition=Q(item__in=ASKED_NUMBERS), name="poc_readiness_answer_asked_item",
                                   violation_error_message=_("This item is computed from the record, not asked.")),
        ]

    def __str__(self) -> str:
        return f"{self.poc_id} #{self.item}"


class ReadinessReview(models.Model):
    """A snapshot of the self-check, taken at the start, when a running POC is reviewed, or in the
    post-loss review: the score and every item as it stood."""

    poc = models.ForeignKey(Poc, verbose_name=_("POC"), on_delete=models.CASCADE, related_name="readiness_reviews")
    purpose = models.CharField(_("purpose"), max_length=16, choices=ReviewPurpose.choices)
    score = models.PositiveSmallIntegerField(_("score"))
    threshold = models.PositiveSmallIntegerField(_("threshold"))
    items = models.JSONField(_("items"), default=list)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(USER, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = PocChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("readiness review")
        verbose_name_plural = _("readiness reviews")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.poc_id} {self.score}/16"


class PocEvent(models.Model):
    """One move of a POC between statuses: who, when, from, to, why, the readiness score then."""

    poc = models.ForeignKey(Poc, verbose_name=_("POC"), on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices)
    actor = models.ForeignKey(USER, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    readiness_score = models.PositiveSmallIntegerField(_("readiness score"), null=True, blank=True)

    objects = PocChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("POC event")
        verbose_name_plural = _("POC events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.poc_id}: {self.from_status} → {self.to_status}"


class PostMortem(PocChild):
    """输单复盘 of a failed or abandoned POC, against the checklist: which items were in fact not
    done, and whether it was a preparation or an execution problem."""

    poc = models.OneToOneField(Poc, verbose_name=_("POC"), on_delete=models.CASCADE, related_name="post_mortem")
    held_on = models.DateField(_("review date"))
    participants = models.CharField(_("participants"), max_length=255, blank=True)
    problem_kind = models.CharField(_("problem"), max_length=16, choices=ProblemKind.choices)
    weak_items = models.JSONField(_("checklist items that were weak"), default=list, blank=True)
    summary = models.TextField(_("what happened"))
    lessons = models.TextField(_("lessons for the next POC"))
    readiness_score = models.PositiveSmallIntegerField(_("readiness score at the review"), null=True, blank=True,
                                                       editable=False)
    history = HistoricalRecords()
    anchor = "post-mortem"

    class Meta:
        verbose_name = _("POC post-mortem")
        verbose_name_plural = _("POC post-mortems")

    def __str__(self) -> str:
        return str(self.poc)
