from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .choices import Channel, DeliveryStatus, Event, Platform
from .text import render


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def actionable(self):
        return self.filter(actionable=True)


class Notification(models.Model):
    """One message to one person: what happened (`kind`, a stable code such as `support.overdue`),
    its text as data (`params`: message ids and parameters, rendered in the reader's language) and
    the record it is about (`target`, also the inbox's grouping). `title` and `body` keep the text
    rendered in the default language when it was sent: what rows from before `params` existed show."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=64)
    event = models.CharField(_("event"), max_length=16, choices=Event.choices, default=Event.INFO)
    actionable = models.BooleanField(_("waits for the recipient"), default=False)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    params = models.JSONField(_("text parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("record type"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    target_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    # One line per record in the inbox: "<content type>:<id>", else the link, else the row itself.
    group_key = models.CharField(_("inbox group"), max_length=320, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # Deduplication: the same key for the same person is sent once (periodic reminders).
    dedup_key = models.CharField(_("deduplication key"), max_length=200, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"]),
            models.Index(fields=["recipient", "group_key"]),
            models.Index(fields=["recipient", "actionable", "read_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedup_key"],
                condition=~models.Q(dedup_key=""),
                name="notification_dedup",
            )
        ]

    def __str__(self) -> str:
        return self.title

    # Texts in the active language (the inbox: the reader's; e-mail: wrapped in the recipient's).
    @property
    def title_text(self) -> str:
        data = (self.params or {}).get("title")
        return render(data) if data else self.title

    @property
    def body_text(self) -> str:
        params = self.params or {}
        return render(params["body"]) if "body" in params else self.body

    def texts_in(self, language: str) -> tuple[str, str]:
        with translation.override(language):
            return self.title_text, self.body_text


def default_language() -> str:
    return settings.LANGUAGE_CODE


class Preferences(models.Model):
    """A person's notification settings: the language of e-mails and robot messages, and whether
    e-mails come one per event or as one daily digest. Which events go to which channel is kept
    in `Subscription` rows (no row: the channel's default)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    language = models.CharField(
        _("language of e-mails"), max_length=10, choices=settings.LANGUAGES, default=default_language
    )
    email_digest = models.BooleanField(
        _("daily digest e-mail"), default=False, help_text=_("One e-mail a day instead of one per event.")
    )

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class Subscription(models.Model):
    """Whether one person hears of one event through one channel (overrides the default: on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_subscriptions",
    )
    event = models.CharField(_("event"), max_length=16, choices=Event.choices)
    channel = models.CharField(
        pgettext_lazy("notification", "channel"), max_length=16, choices=Channel.choices
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("notification subscription")
        verbose_name_plural = _("notification subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event", "channel"],
                name="notification_subscription_unique",
                violation_error_message=_("This event and channel are set already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.event} {self.channel}: {self.enabled}"


class TeamRobotQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class TeamRobot(models.Model):
    """A chat group robot (webhook) of a team in WeCom, DingTalk or Feishu, configured by a manager:
    the events of the team's members that are posted to the group."""

    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="robots"
    )
    name = models.CharField(_("name"), max_length=100)
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    url = models.URLField(_("webhook address"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk and Feishu: the secret shown when signing is switched on for the robot."),
    )
    events = models.JSONField(_("events"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["secret"])

    objects = TeamRobotQuerySet.as_manager()

    class Meta:
        verbose_name = _("team group robot")
        verbose_name_plural = _("team group robots")
        ordering = ["team__name", "name"]

    def __str__(self) -> str:
        return f"{self.team} · {self.name}"

    def get_events_display(self) -> str:
        labels = dict(Event.choices)
        return "、".join(str(labels[e]) for e in self.events if e in labels)


class Delivery(models.Model):
    """One attempt-tracked delivery of a notification through e-mail or a group robot, with its
    outcome: what was tried, how often, what the other side answered."""

    notification = models.ForeignKey(
        Notification, verbose_name=_("notification"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(
        pgettext_lazy("notification", "channel"), max_length=16, choices=Channel.choices
    )
    robot = models.ForeignKey(
        TeamRobot,
        verbose_name=_("robot"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["channel", "status"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.notification_id}: {self.get_status_display()}"
