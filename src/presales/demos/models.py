"""Demos (演示) of an opportunity, per seed 003 §3.4: preparation (materials checklist, demo
environment, rehearsal), delivery (attendees of both sides, customer questions) and the summary
report (演示总结报告). An opportunity may have several demos.

A demo is visible exactly when its opportunity is (`Demo.objects.visible_to(user)`); its
materials, attendees and questions exactly when the demo is."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales.core.models import CreatedByModel
from presales.core.permissions import visible_through

from .choices import CLOSED_STATUSES, MaterialKind, Mode, QuestionStatus, Side, Status

USER = settings.AUTH_USER_MODEL


class DemoQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The demos of the opportunities the user may see (same rule, same 404)."""
        from presales.opportunities.models import Opportunity

        return visible_through(self, user, "opportunity", Opportunity)


class DemoChildQuerySet(models.QuerySet):
    def visible_to(self, user):
        return visible_through(self, user, "demo", Demo)


class Demo(CreatedByModel):
    """One demo of an opportunity. The status moves only through `services.demo_move` (workflow
    with guards, a DemoEvent per move)."""

    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.PROTECT,
        related_name="demos",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="demos",
        editable=False,
    )
    title = models.CharField(_("title"), max_length=200)
    scenario = models.TextField(_("scenario"), blank=True, help_text=_("Which business scenario is shown."))
    goals = models.TextField(_("goals"), blank=True, help_text=_("What the customer should take away."))
    presenters = models.ManyToManyField(USER, verbose_name=_("presenters"), related_name="demos_presented")
    planned_at = models.DateTimeField(_("planned date and time"))
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.ON_SITE)
    location = models.CharField(_("place or meeting link"), max_length=255, blank=True)
    # preparation 演示准备: environment and rehearsal (materials are DemoMaterial rows)
    deck_document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("demo deck"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    environment_url = models.CharField(_("demo environment URL"), max_length=255, blank=True)
    environment_notes = models.TextField(_("environment notes"), blank=True)
    environment_checked = models.BooleanField(_("environment checked"), default=False, editable=False)
    environment_checked_by = models.ForeignKey(
        USER,
        verbose_name=_("environment checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    environment_checked_at = models.DateTimeField(
        _("environment checked at"), null=True, blank=True, editable=False
    )
    rehearsal_on = models.DateField(_("rehearsal date"), null=True, blank=True)
    rehearsal_participants = models.CharField(_("rehearsal participants"), max_length=255, blank=True)
    rehearsal_done = models.BooleanField(_("rehearsal done"), default=False)
    rehearsal_notes = models.TextField(_("rehearsal notes"), blank=True)
    # delivery 演示实施
    delivered_at = models.DateTimeField(_("actual date and time"), null=True, blank=True, editable=False)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True, editable=False
    )
    delivery_notes = models.TextField(_("delivery notes"), blank=True, editable=False)
    # summary report 演示总结报告
    customer_reaction = models.TextField(_("customer reaction"), blank=True, editable=False)
    strengths = models.TextField(_("strengths"), blank=True, editable=False)
    issues = models.TextField(_("issues"), blank=True, editable=False)
    follow_up_actions = models.TextField(_("follow-up actions"), blank=True, editable=False)
    next_steps = models.TextField(_("next steps"), blank=True, editable=False)
    summarised_at = models.DateTimeField(_("summarised at"), null=True, blank=True, editable=False)
    summary_document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("summary report document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # the state machine
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED, editable=False
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True, editable=False)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True, editable=False)
    history = HistoricalRecords()

    objects = DemoQuerySet.as_manager()

    class Meta:
        verbose_name = _("demo")
        verbose_name_plural = _("demos")
        ordering = ["-planned_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "planned_at"]),
            models.Index(fields=["opportunity", "status"]),
            models.Index(fields=["planned_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__gte=1),
                name="demo_duration_positive",
                violation_error_code="demo_duration",
                violation_error_message=_("The duration is at least one minute."),
            ),
        ]

    constraint_fields = {"demo_duration": "duration_minutes"}

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("demos:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def summary_complete(self) -> bool:
        return not self.summary_missing()

    def summary_missing(self) -> list[str]:
        """The labels of the summary report's sections not written yet."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in ("customer_reaction", "strengths", "issues", "follow_up_actions", "next_steps")
            if not (getattr(self, name) or "").strip()
        ]


class DemoChild(CreatedByModel):
    demo = models.ForeignKey(Demo, verbose_name=_("demo"), on_delete=models.CASCADE, related_name="+")

    objects = DemoChildQuerySet.as_manager()
    anchor = ""

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        url = reverse("demos:detail", args=[self.demo_id])
        return f"{url}#{self.anchor}" if self.anchor else url


class DemoMaterial(DemoChild):
    """One line of the materials checklist: the demo deck, the script, the data, handouts..."""

    demo = models.ForeignKey(Demo, verbose_name=_("demo"), on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("kind"), max_length=16, choices=MaterialKind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    required = models.BooleanField(_("required"), default=True)
    ready = models.BooleanField(_("ready"), default=False)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()
    anchor = "preparation"

    class Meta:
        verbose_name = _("demo material")
        verbose_name_plural = _("demo materials")
        ordering = ["demo", "position", "pk"]

    def __str__(self) -> str:
        return self.description or str(self.get_kind_display())

    @property
    def label(self) -> str:
        return self.description or str(self.get_kind_display())


class DemoAttendee(DemoChild):
    """Who attended the demo, of our side or the customer's (a Contact where possible)."""

    demo = models.ForeignKey(Demo, verbose_name=_("demo"), on_delete=models.CASCADE, related_name="attendees")
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    name = models.CharField(_("name"), max_length=64)
    role = models.CharField(_("role"), max_length=64, blank=True)
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demo_attendances",
    )
    user = models.ForeignKey(
        USER,
        verbose_name=_("colleague"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demo_attendances",
    )
    history = HistoricalRecords()
    anchor = "delivery"

    class Meta:
        verbose_name = _("demo attendee")
        verbose_name_plural = _("demo attendees")
        ordering = ["demo", "side", "pk"]

    def __str__(self) -> str:
        return self.name


class DemoQuestion(DemoChild):
    """A question the customer raised in the demo. An open question is on the customer's feedback
    list (客户反馈清单) through `feedback_item`, created once and kept in step."""

    demo = models.ForeignKey(Demo, verbose_name=_("demo"), on_delete=models.CASCADE, related_name="questions")
    question = models.TextField(_("question"))
    asked_by = models.CharField(_("asked by"), max_length=64, blank=True)
    asked_by_contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("asked by (contact)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answer = models.TextField(_("answer given"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    feedback_item = models.OneToOneField(
        "customers.FeedbackItem",
        verbose_name=_("feedback item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demo_question",
        editable=False,
    )
    history = HistoricalRecords()
    anchor = "questions"
    constraint_fields = {"answer_missing": "answer"}

    class Meta:
        verbose_name = _("customer question")
        verbose_name_plural = _("customer questions")
        ordering = ["demo", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=QuestionStatus.ANSWERED) | ~Q(answer=""),
                name="demo_answered_question_has_answer",
                violation_error_code="answer_missing",
                violation_error_message=_("Write the answer given to an answered question."),
            ),
        ]

    def __str__(self) -> str:
        return self.question[:60]


class DemoEvent(models.Model):
    """A status move of a demo, with who, when and why."""

    demo = models.ForeignKey(Demo, verbose_name=_("demo"), on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from status"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, choices=Status.choices)
    actor = models.ForeignKey(USER, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("demo event")
        verbose_name_plural = _("demo events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.demo_id}: {self.from_status} → {self.to_status}"
