from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Event(models.TextChoices):
    """What a notification is about, as people choose what they want to hear of."""

    APPROVAL = "approval", _("Approvals waiting")  # a review, approval or access request waits for you
    SLA = "sla", _("SLA breaches")  # a support request's response or due time has passed
    POC = "poc", _("POC incidents and escalations")  # an incident was reported or is overdue
    BID = "bid", _("Bid deadlines")  # a bid deadline or milestone is near or overdue
    APPRAISAL = "appraisal", _("Appraisal steps")  # an appraisal step or deadline waits for you
    MENTION = "mention", _("Mentions")  # someone mentioned you in a comment
    INFO = "info", _("Other news")  # decisions, reminders, announcements


class Channel(models.TextChoices):
    """Where a notification is delivered."""

    IN_APP = "in_app", _("In-app inbox")  # the 通知 page and its badge
    EMAIL = "email", pgettext_lazy("notification channel", "E-mail")  # to the address of the user's account
    ROBOT = "robot", _("Team group robot")  # the WeCom / DingTalk / Feishu group of the user's team


class Platform(models.TextChoices):
    """Chat platforms whose group robots (webhooks) we post to."""

    WECOM = "wecom", _("WeCom")  # 企业微信: key in the URL, no signature
    DINGTALK = "dingtalk", _("DingTalk")  # 钉钉: HMAC-SHA256 signature in the query string
    FEISHU = "feishu", _("Feishu")  # 飞书: HMAC-SHA256 signature in the body


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("delivery", "Pending")  # queued, or waiting for a retry
    DIGEST = "digest", _("Waiting for the daily digest")  # e-mailed with the next daily digest
    SENT = "sent", _("Sent")  # accepted by the mail server / the platform
    FAILED = "failed", pgettext_lazy("delivery", "Failed")  # refused or unreachable after the last attempt
