"""Talent records (SPEC §1, seeds 001/002): daily reports with the manager's quality rating,
certifications, trainings with exam scores, mentoring pairs (导师制), the onboarding camp
(新人训练营), promotions along the levels and career tracks, and the quarterly gold presales award
(金牌售前奖).

Who sees what (the querysets' `visible_to`): a person sees their own records, the lead of a team
sees the records of its members, managers see everything; out of scope answers 404. Trainings are
seen by their trainer, attendees and creator too; mentoring by mentor and mentee; award rounds by
everybody with a role (nominations by their nominator and nominee, committee members and managers,
and by everybody once the round is announced)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales.accounts.choices import CareerTrack, PresalesLevel
from presales.core.models import CreatedByModel, VersionedModel
from presales.core.permissions import is_manager

from .choices import (
    AwardRoundStatus,
    CertificationKind,
    MentoringStatus,
    OnboardingStatus,
    ReportRating,
    TrainingKind,
)

USER = settings.AUTH_USER_MODEL
# A certification expiring within this many days is flagged "expiring soon".
EXPIRING_SOON_DAYS = 60
DEFAULT_PASS_SCORE = 80  # seed 001: 培训考核 80 分为及格线


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def person_scope_q(user, field: str) -> Q:
    """The person themselves, or a member of a team the user leads."""
    q = Q(**{f"{field}_id": user.pk})
    if user.led_team_ids:
        q |= Q(**{f"{field}__team_id__in": list(user.led_team_ids)})
    return q


class PersonQuerySet(models.QuerySet):
    """Records owned by one person (`person_field`): self, their team lead, managers."""

    person_field = "person"

    def visible_to(self, user):
        if not _active(user):
            return self.none()
        if is_manager(user):
            return self.all()
        return self.filter(person_scope_q(user, self.person_field))


class DailyReportQuerySet(PersonQuerySet):
    person_field = "author"


class DailyReport(VersionedModel):
    """One person's daily report (日报) for one day. The author edits it until the lead of the
    author's team (or a manager) rates its quality; the rating (−1 perfunctory, 0 normal, +1
    constructive) is what the appraisal metric `daily_report_quality` averages."""

    author = models.ForeignKey(
        USER, verbose_name=_("author"), on_delete=models.PROTECT, related_name="daily_reports"
    )
    report_date = models.DateField(_("date"), db_index=True)
    work_done = models.TextField(_("work done"))
    problems = models.TextField(_("problems"), blank=True)
    plan_tomorrow = models.TextField(_("plan for tomorrow"), blank=True)
    opportunities = models.ManyToManyField(
        "opportunities.Opportunity", verbose_name=_("opportunities"), blank=True, related_name="daily_reports"
    )
    rating = models.SmallIntegerField(
        _("quality rating"), choices=ReportRating.choices, null=True, blank=True
    )
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_by = models.ForeignKey(
        USER, verbose_name=_("rated by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[opportunities])

    objects = DailyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["-report_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "report_date"],
                name="talent_one_report_per_day",
                violation_error_code="report_exists",
                violation_error_message=_("There is a daily report of this person for this day already."),
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__in=[-1, 0, 1]),
                name="talent_report_rating_range",
                violation_error_code="report_rating",
                violation_error_message=_("The rating is perfunctory, normal or constructive."),
            ),
        ]

    constraint_fields = {"report_exists": "report_date", "report_rating": "rating"}

    def __str__(self) -> str:
        return f"{self.author} {self.report_date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("talent:daily_report_detail", args=[self.pk])

    @property
    def is_rated(self) -> bool:
        return self.rating is not None


class Certification(CreatedByModel):
    """A certification a person holds (认证): external (AWS/Azure/Cisco…) or an internal exam. The
    certificate itself, if uploaded, is a registered document of the archive."""

    person = models.ForeignKey(
        USER, verbose_name=_("person"), on_delete=models.PROTECT, related_name="certifications"
    )
    name = models.CharField(_("name"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=16, choices=CertificationKind.choices, default=CertificationKind.EXTERNAL
    )
    credential_id = models.CharField(_("credential ID"), max_length=100, blank=True)
    obtained_on = models.DateField(_("obtained on"))
    expires_on = models.DateField(
        _("expires on"), null=True, blank=True, help_text=_("Leave empty if it does not expire.")
    )
    certificate_document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("certificate"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["-obtained_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("obtained_on")),
                name="talent_certification_expiry_after_obtained",
                violation_error_code="expires_before_obtained",
                violation_error_message=_("The expiry date cannot be before the date obtained."),
            ),
        ]

    constraint_fields = {"expires_before_obtained": "expires_on"}

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("talent:certification_detail", args=[self.pk])

    def days_left(self, today=None) -> int | None:
        if self.expires_on is None:
            return None
        return (self.expires_on - (today or timezone.localdate())).days

    @property
    def is_expired(self) -> bool:
        left = self.days_left()
        return left is not None and left < 0

    @property
    def is_expiring_soon(self) -> bool:
        left = self.days_left()
        return left is not None and 0 <= left <= EXPIRING_SOON_DAYS


class TrainingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Trainer, creator, attendees, the lead of the trainer's (or attendees') team, managers."""
        if not _active(user):
            return self.none()
        if is_manager(user):
            return self.all()
        q = (
            Q(trainer_id=user.pk)
            | Q(created_by_id=user.pk)
            | Q(pk__in=TrainingAttendance.objects.filter(attendee_id=user.pk).values("training_id"))
        )
        if user.led_team_ids:
            teams = list(user.led_team_ids)
            q |= Q(trainer__team_id__in=teams) | Q(
                pk__in=TrainingAttendance.objects.filter(attendee__team_id__in=teams).values("training_id")
            )
        return self.filter(q)


class Training(CreatedByModel):
    """A training session (培训): received by presales, given by presales to sales (销售赋能, what
    the metric `sales_trainings` counts per trainer), the onboarding camp, or internal sharing.
    Each attendee's exam score passes at `pass_score` (default 80, seed 001)."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=TrainingKind.choices, default=TrainingKind.INTERNAL
    )
    trainer = models.ForeignKey(
        USER,
        verbose_name=_("trainer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings_given",
        help_text=_("Leave empty for an external trainer and name them below."),
    )
    external_trainer = models.CharField(_("external trainer"), max_length=120, blank=True)
    held_on = models.DateField(_("date"), db_index=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=2)
    description = models.TextField(_("content"), blank=True)
    has_exam = models.BooleanField(_("with exam"), default=True)
    pass_score = models.PositiveSmallIntegerField(_("pass score"), default=DEFAULT_PASS_SCORE)
    history = HistoricalRecords()

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=200),
                name="talent_training_hours_range",
                violation_error_code="training_hours",
                violation_error_message=_("The duration is more than 0 and at most 200 hours."),
            ),
            models.CheckConstraint(
                condition=Q(pass_score__gte=0) & Q(pass_score__lte=100),
                name="talent_training_pass_score_range",
                violation_error_code="training_pass_score",
                violation_error_message=_("The pass score is between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(trainer__isnull=False) | ~Q(external_trainer=""),
                name="talent_training_has_trainer",
                violation_error_code="training_trainer",
                violation_error_message=_("Choose the trainer or name the external trainer."),
            ),
        ]

    constraint_fields = {
        "training_hours": "hours",
        "training_pass_score": "pass_score",
        "training_trainer": "trainer",
    }

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("talent:training_detail", args=[self.pk])

    @property
    def trainer_label(self) -> str:
        return str(self.trainer) if self.trainer_id else self.external_trainer


class TrainingAttendance(VersionedModel):
    """One attendee of a training, with the exam score (0–100, empty until marked). Passed when the
    score reaches the training's pass score."""

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="attendances"
    )
    attendee = models.ForeignKey(
        USER, verbose_name=_("attendee"), on_delete=models.PROTECT, related_name="training_attendances"
    )
    score = models.DecimalField(_("exam score"), max_digits=5, decimal_places=1, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendances")
        ordering = ["training", "attendee__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "attendee"],
                name="talent_attendance_unique",
                violation_error_code="attendee_exists",
                violation_error_message=_("This person attends this training already."),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="talent_attendance_score_range",
                violation_error_code="score_range",
                violation_error_message=_("The score is between 0 and 100."),
            ),
        ]

    constraint_fields = {"attendee_exists": "attendee", "score_range": "score"}

    def __str__(self) -> str:
        return f"{self.training} — {self.attendee}"

    @property
    def passed(self) -> bool | None:
        """True/False once scored (and the training has an exam), None otherwise."""
        if self.score is None or not self.training.has_exam:
            return None
        return self.score >= self.training.pass_score


class MentoringQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not _active(user):
            return self.none()
        if is_manager(user):
            return self.all()
        return self.filter(person_scope_q(user, "mentee") | person_scope_q(user, "mentor"))


class MentoringPair(CreatedByModel):
    """A mentor–mentee pair (导师制): a senior presales coaches a newcomer. A mentee has at most one
    active mentor (database constraint). Active → completed (goals reached) or ended early."""

    mentor = models.ForeignKey(
        USER, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="mentees_as_mentor"
    )
    mentee = models.ForeignKey(
        USER, verbose_name=_("mentee"), on_delete=models.PROTECT, related_name="mentors_as_mentee"
    )
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    goals = models.TextField(_("goals"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MentoringStatus.choices,
        default=MentoringStatus.ACTIVE,
        editable=False,
    )
    closing_note = models.TextField(_("closing note"), blank=True)
    history = HistoricalRecords()

    objects = MentoringQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee"],
                condition=Q(status="active"),
                name="talent_one_active_mentor",
                violation_error_code="mentee_has_mentor",
                violation_error_message=_("This person has an active mentor already."),
            ),
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")),
                name="talent_mentor_not_mentee",
                violation_error_code="mentor_is_mentee",
                violation_error_message=_("A person cannot mentor themselves."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="talent_mentoring_end_after_start",
                violation_error_code="mentoring_end_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    constraint_fields = {
        "mentee_has_mentor": "mentee",
        "mentor_is_mentee": "mentee",
        "mentoring_end_before_start": "ended_on",
    }

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee}"

    def get_absolute_url(self) -> str:
        return reverse("talent:mentoring_detail", args=[self.pk])


class MentoringNote(models.Model):
    """A progress note of a mentoring pair (辅导记录), by the mentor, the mentee or a lead."""

    pair = models.ForeignKey(
        MentoringPair, verbose_name=_("mentoring pair"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(USER, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")
    written_on = models.DateField(_("date"))
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mentoring note")
        verbose_name_plural = _("mentoring notes")
        ordering = ["-written_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.pair} {self.written_on}"


class OnboardingQuerySet(PersonQuerySet):
    person_field = "new_hire"

    def visible_to(self, user):
        if not _active(user):
            return self.none()
        if is_manager(user):
            return self.all()
        return self.filter(person_scope_q(user, "new_hire") | Q(buddy_id=user.pk))


class OnboardingProgramme(CreatedByModel):
    """The onboarding camp of one new hire (新人训练营, 1–2 months: products, industry knowledge,
    common customer questions), a checklist of tasks; progress = tasks done / tasks."""

    new_hire = models.OneToOneField(
        USER, verbose_name=_("new hire"), on_delete=models.PROTECT, related_name="onboarding_programme"
    )
    buddy = models.ForeignKey(
        USER, verbose_name=_("mentor"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OnboardingStatus.choices,
        default=OnboardingStatus.ACTIVE,
        editable=False,
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = OnboardingQuerySet.as_manager()

    class Meta:
        verbose_name = _("onboarding programme")
        verbose_name_plural = _("onboarding programmes")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("started_on")),
                name="talent_onboarding_end_after_start",
                violation_error_code="onboarding_end_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    constraint_fields = {"onboarding_end_before_start": "ends_on"}

    def __str__(self) -> str:
        return str(self.new_hire)

    def get_absolute_url(self) -> str:
        return reverse("talent:onboarding_detail", args=[self.pk])

    @property
    def duration_days(self) -> int:
        return (self.ends_on - self.started_on).days + 1


class OnboardingTask(VersionedModel):
    """One item of an onboarding camp (e.g. "product line training", "shadow a customer demo")."""

    programme = models.ForeignKey(
        OnboardingProgramme,
        verbose_name=_("onboarding programme"),
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due"))
    done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("onboarding task")
        verbose_name_plural = _("onboarding tasks")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return not self.done and self.due_on < timezone.localdate()


class Promotion(CreatedByModel):
    """A change of presales level (初级/中级/高级) and/or career track (售前专家/售前经理/售前总监),
    approved by a manager; recording it sets the person's current level and track."""

    person = models.ForeignKey(
        USER, verbose_name=_("person"), on_delete=models.PROTECT, related_name="promotions"
    )
    from_level = models.CharField(_("from level"), max_length=16, choices=PresalesLevel.choices, blank=True)
    to_level = models.CharField(_("to level"), max_length=16, choices=PresalesLevel.choices)
    from_track = models.CharField(_("from track"), max_length=16, choices=CareerTrack.choices, blank=True)
    to_track = models.CharField(_("career track"), max_length=16, choices=CareerTrack.choices, blank=True)
    effective_on = models.DateField(_("effective on"))
    reason = models.TextField(_("reason"))
    approved_by = models.ForeignKey(
        USER, verbose_name=_("approved by"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} {self.from_level or '—'} → {self.to_level}"

    def get_absolute_url(self) -> str:
        return reverse("talent:profile", args=[self.person_id])


class AwardRoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every colleague with a role sees the award rounds (the award is public)."""
        if not _active(user):
            return self.none()
        if is_manager(user) or user.role_codes:
            return self.all()
        return self.none()


class AwardRound(CreatedByModel):
    """One quarter's gold presales award (金牌售前奖): nominations open → committee scoring →
    announced (the top-scoring nomination(s) win; everybody is notified)."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AwardRoundStatus.choices,
        default=AwardRoundStatus.NOMINATING,
        editable=False,
    )
    prize = models.CharField(
        _("prize"), max_length=200, blank=True, help_text=_("e.g. bonus and certificate")
    )
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = AwardRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("award round")
        verbose_name_plural = _("award rounds")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter"],
                name="talent_award_round_unique",
                violation_error_code="round_exists",
                violation_error_message=_("There is an award round for this quarter already."),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4),
                name="talent_award_quarter_range",
                violation_error_code="quarter_range",
                violation_error_message=_("The quarter is 1 to 4."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="talent_award_year_range",
                violation_error_code="year_range",
                violation_error_message=_("Enter a year between 2000 and 2100."),
            ),
        ]

    constraint_fields = {"round_exists": "quarter", "quarter_range": "quarter", "year_range": "year"}

    def __str__(self) -> str:
        return _("Gold presales award %(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.quarter}

    def get_absolute_url(self) -> str:
        return reverse("talent:award_round_detail", args=[self.pk])


class AwardNominationQuerySet(models.QuerySet):
    def visible_to(self, user):
        from presales.accounts.choices import RoleCode

        if not _active(user):
            return self.none()
        if is_manager(user) or user.has_role(RoleCode.COMMITTEE):
            return self.all()
        return self.filter(
            Q(round__status=AwardRoundStatus.ANNOUNCED, round__in=AwardRound.objects.visible_to(user))
            | Q(nominee_id=user.pk)
            | Q(nominated_by_id=user.pk)
        )


class AwardNomination(CreatedByModel):
    """A case nominated for a round: the nominee, optionally the opportunity, what made it stand
    out. The committee scores it; `is_winner` is set when the round is announced."""

    round = models.ForeignKey(
        AwardRound, verbose_name=_("award round"), on_delete=models.CASCADE, related_name="nominations"
    )
    nominee = models.ForeignKey(
        USER, verbose_name=_("nominee"), on_delete=models.PROTECT, related_name="award_nominations"
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("case title"), max_length=200)
    case_description = models.TextField(_("case description"))
    nominated_by = models.ForeignKey(
        USER, verbose_name=_("nominated by"), on_delete=models.PROTECT, related_name="+"
    )
    is_winner = models.BooleanField(_("winner"), default=False, editable=False)
    history = HistoricalRecords()

    objects = AwardNominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("award nomination")
        verbose_name_plural = _("award nominations")
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "nominee", "title"],
                name="talent_nomination_unique",
                violation_error_code="nomination_exists",
                violation_error_message=_("This case is nominated in this round already."),
            ),
        ]

    constraint_fields = {"nomination_exists": "title"}

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("talent:nomination_detail", args=[self.pk])


SCORE_FIELDS = ("customer_value", "innovation", "reuse", "influence")


class AwardScore(VersionedModel):
    """One committee member's score of one nomination: 1–10 on each criterion (AwardCriterion);
    the nomination's result is the average over members of the sum of the criteria."""

    nomination = models.ForeignKey(
        AwardNomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="scores"
    )
    member = models.ForeignKey(
        USER, verbose_name=_("committee member"), on_delete=models.PROTECT, related_name="+"
    )
    customer_value = models.PositiveSmallIntegerField(_("customer value"))
    innovation = models.PositiveSmallIntegerField(_("innovation"))
    reuse = models.PositiveSmallIntegerField(_("reusability"))
    influence = models.PositiveSmallIntegerField(_("influence"))
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("award score")
        verbose_name_plural = _("award scores")
        ordering = ["nomination", "member__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "member"],
                name="talent_score_unique",
                violation_error_code="score_exists",
                violation_error_message=_("You have scored this nomination already."),
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1}) & Q(**{f"{name}__lte": 10}),
                    name=f"talent_score_{name}_range",
                    violation_error_code=f"{name}_range",
                    violation_error_message=_("Each score is from 1 to 10."),
                )
                for name in SCORE_FIELDS
            ],
        ]

    constraint_fields = {"score_exists": "member", **{f"{n}_range": n for n in SCORE_FIELDS}}

    def __str__(self) -> str:
        return f"{self.nomination} — {self.member}"

    @property
    def total(self) -> int:
        return sum(getattr(self, n) for n in SCORE_FIELDS)
