"""Solutions (方案) of an opportunity, seed 003 §3.3 and seed 002: the solution document written in
the sections of the catalogue, frozen as a version at every submission, through the three-level
internal review (初级 → 中级 → 高级) and the cross-department review (technical, quality,
marketing, business).

A solution is visible to whoever sees its opportunity, and to the reviewers assigned to it
(`Solution.objects.visible_to(user)`); everything hanging off a solution is visible exactly when
the solution is. Writes go through services.py.

Read by other modules (appraisal, progress board):
- `Solution.author`, `completeness` (live score), `first_pass` (True/False once round 1 of the
  internal review ended, None before), `first_reviewed_at` (when that happened), `passed_at`;
- `ReviewRound` (one per submission: `internal_passed`, `outcome`, `returned_level`,
  `submitted_at`, `internal_decided_at`);
- `SolutionVersion.completeness` (the score frozen at each submission).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales.core.models import CreatedByModel

from .choices import Decision, Department, DeptDecision, ReviewLevel, RoundOutcome, Status
from .completeness import DEFAULT_MIN_CHARS

USER = settings.AUTH_USER_MODEL


class SectionTemplateQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.all()


class SectionTemplate(CreatedByModel):
    """One section of the solution structure (方案目录): reference data managers edit. New
    solutions get a section for every active entry, in `position` order."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=100)
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Required sections make up the completeness score.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    guidance = models.TextField(_("guidance"), blank=True, help_text=_("What the section should say."))
    min_chars = models.PositiveSmallIntegerField(
        _("minimum length"),
        default=DEFAULT_MIN_CHARS,
        help_text=_("Characters (without markup and whitespace) a section needs to count as written."),
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = SectionTemplateQuerySet.as_manager()
    constraint_fields = {"solutions_min_chars": "min_chars"}

    class Meta:
        verbose_name = _("solution section template")
        verbose_name_plural = _("solution section templates")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_chars__gte=1),
                name="solutions_template_min_chars_positive",
                violation_error_code="solutions_min_chars",
                violation_error_message=_("The minimum length is at least 1 character."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("solutions:catalogue")


class SolutionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The solutions of the opportunities the user may see, and those the user reviews. A manager
        sees every opportunity, so every solution (its opportunity is required): no filter to build
        and no semi-join over every opportunity to run (as `visible_through`)."""
        from presales.core.permissions import sees_everything
        from presales.opportunities.models import Opportunity

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if sees_everything(user):
            return self.all()
        return self.filter(
            Q(opportunity__in=Opportunity.objects.visible_to(user).values("pk"))
            | Q(reviewer_1=user)
            | Q(reviewer_2=user)
            | Q(reviewer_3=user)
        )

    def waiting_for(self, user):
        """Solutions whose current review step is the user's: their level in internal review."""
        return self.filter(
            Q(status=Status.IN_REVIEW)
            & (
                Q(current_level=1, reviewer_1=user)
                | Q(current_level=2, reviewer_2=user)
                | Q(current_level=3, reviewer_3=user)
            )
        )


class Solution(CreatedByModel):
    """A solution document of an opportunity. An opportunity may have several; one is current."""

    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.PROTECT,
        related_name="solutions",
    )
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        USER, verbose_name=_("author"), on_delete=models.PROTECT, related_name="authored_solutions"
    )
    is_current = models.BooleanField(_("current solution"), default=True, editable=False)
    reviewer_1 = models.ForeignKey(
        USER,
        verbose_name=_("junior reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewer_2 = models.ForeignKey(
        USER,
        verbose_name=_("intermediate reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewer_3 = models.ForeignKey(
        USER,
        verbose_name=_("senior reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    current_level = models.PositiveSmallIntegerField(
        _("review level"), choices=ReviewLevel.choices, null=True, blank=True, editable=False
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True, editable=False)
    completeness = models.PositiveSmallIntegerField(_("completeness score"), default=0, editable=False)
    rounds_count = models.PositiveSmallIntegerField(_("review rounds"), default=0, editable=False)
    first_pass = models.BooleanField(
        _("passed the internal review at first submission"), null=True, blank=True, editable=False
    )
    first_reviewed_at = models.DateTimeField(
        _("first internal review decided at"), null=True, blank=True, editable=False
    )
    submitted_at = models.DateTimeField(_("last submitted at"), null=True, blank=True, editable=False)
    passed_at = models.DateTimeField(_("review passed at"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = SolutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["opportunity", "is_current"]),
            models.Index(fields=["author", "first_reviewed_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity"],
                condition=Q(is_current=True),
                name="solutions_one_current_per_opportunity",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("solutions:detail", args=[self.pk])

    def reviewer_for(self, level: int):
        return getattr(self, f"reviewer_{int(level)}")

    def reviewer_id_for(self, level: int):
        return getattr(self, f"reviewer_{int(level)}_id")

    @property
    def is_editable(self) -> bool:
        from .choices import EDITABLE_STATUSES

        return self.status in EDITABLE_STATUSES

    @property
    def current_reviewer(self):
        return (
            self.reviewer_for(self.current_level)
            if self.status == Status.IN_REVIEW and self.current_level
            else None
        )


class SolutionChildQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(solution__in=Solution.objects.visible_to(user).values("pk"))


class SolutionSection(CreatedByModel):
    """The text (Markdown or plain) of one catalogue section in one solution."""

    solution = models.ForeignKey(
        Solution, verbose_name=_("solution"), on_delete=models.CASCADE, related_name="sections"
    )
    template = models.ForeignKey(
        SectionTemplate, verbose_name=_("section"), on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField(_("content"), blank=True)
    updated_by = models.ForeignKey(
        USER,
        verbose_name=_("last edited by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = SolutionChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("solution section")
        verbose_name_plural = _("solution sections")
        ordering = ["template__position", "template_id"]
        constraints = [
            models.UniqueConstraint(fields=["solution", "template"], name="solutions_one_section_each")
        ]

    def __str__(self) -> str:
        return f"{self.solution} · {self.template}"

    def get_absolute_url(self) -> str:
        return reverse("solutions:detail", args=[self.solution_id]) + f"#section-{self.template.code}"


class SolutionVersion(models.Model):
    """A submission frozen: the sections as they were, the score, who and why."""

    solution = models.ForeignKey(
        Solution, verbose_name=_("solution"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    author = models.ForeignKey(
        USER, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    change_summary = models.TextField(_("change summary"), blank=True)
    sections = models.JSONField(_("sections"), default=list)  # [{code, title, required, content}]
    completeness = models.PositiveSmallIntegerField(_("completeness score"))
    missing = models.JSONField(_("missing sections"), default=list)

    objects = SolutionChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("solution version")
        verbose_name_plural = _("solution versions")
        ordering = ["solution", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["solution", "number"], name="solutions_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.solution} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("solutions:version", args=[self.pk])


class ReviewRound(models.Model):
    """One submission's way through the review. `internal_passed`: the three levels approved
    without any return (True), a level returned it (False), still running (None). A round ends
    at the first return (internal or cross-department) or when the review passed."""

    solution = models.ForeignKey(
        Solution, verbose_name=_("solution"), on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    version = models.OneToOneField(
        SolutionVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="round"
    )
    submitted_by = models.ForeignKey(
        USER, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=RoundOutcome.choices, default=RoundOutcome.PENDING
    )
    internal_passed = models.BooleanField(_("passed the three levels without return"), null=True, blank=True)
    internal_decided_at = models.DateTimeField(_("internal review decided at"), null=True, blank=True)
    returned_level = models.PositiveSmallIntegerField(
        _("returned at level"), choices=ReviewLevel.choices, null=True, blank=True
    )
    returned_by_departments = models.BooleanField(_("returned by the cross-department review"), default=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = SolutionChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["solution", "number"]
        constraints = [models.UniqueConstraint(fields=["solution", "number"], name="solutions_round_number")]

    def __str__(self) -> str:
        return f"{self.solution} #{self.number}"

    @property
    def first_submission(self) -> bool:
        return self.number == 1


class RoundChildQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(round__solution__in=Solution.objects.visible_to(user).values("pk"))


class LevelDecision(models.Model):
    """One level's decision in one round (初级/中级/高级)."""

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="decisions"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=ReviewLevel.choices)
    reviewer = models.ForeignKey(USER, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    comments = models.TextField(_("comments"), blank=True)
    decided_at = models.DateTimeField(_("decided at"))

    objects = RoundChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["round", "level"]
        constraints = [
            models.UniqueConstraint(fields=["round", "level"], name="solutions_one_decision_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.round} L{self.level} {self.decision}"


class DepartmentReview(models.Model):
    """One department's decision in the cross-department review of one round."""

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="department_reviews"
    )
    department = models.CharField(_("department"), max_length=16, choices=Department.choices)
    decision = models.CharField(_("decision"), max_length=20, choices=DeptDecision.choices)
    comments = models.TextField(_("comments"), blank=True)
    reviewer = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    reviewer_name = models.CharField(
        _("reviewer"), max_length=64, help_text=_("The person who reviewed for the department.")
    )
    decided_at = models.DateTimeField(_("decided at"))

    objects = RoundChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("department review")
        verbose_name_plural = _("department reviews")
        ordering = ["round", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "department"], name="solutions_one_review_per_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.department} {self.decision}"
