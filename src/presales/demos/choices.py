"""Choice lists of the demo module (演示: preparation, delivery, summary)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    """planned → prepared → delivered → summarised; planned/prepared → cancelled."""

    PLANNED = "planned", pgettext_lazy("demo status", "Planned")  # 已计划
    PREPARED = "prepared", pgettext_lazy("demo status", "Prepared")  # 已准备
    DELIVERED = "delivered", pgettext_lazy("demo status", "Delivered")  # 已演示
    SUMMARISED = "summarised", pgettext_lazy("demo status", "Summarised")  # 已总结
    CANCELLED = "cancelled", pgettext_lazy("demo status", "Cancelled")  # 已取消


OPEN_STATUSES = (Status.PLANNED, Status.PREPARED)
# Statuses in which the delivery (attendees, questions) can still be recorded or corrected.
DELIVERY_STATUSES = (Status.PREPARED, Status.DELIVERED, Status.SUMMARISED)
CLOSED_STATUSES = (Status.SUMMARISED, Status.CANCELLED)


class Mode(models.TextChoices):
    ON_SITE = "on_site", _("On site")  # 现场
    REMOTE = "remote", _("Remote")  # 远程


class MaterialKind(models.TextChoices):
    DECK = "deck", _("Demo deck")  # 演示文稿
    SCRIPT = "script", _("Demo script")  # 演示脚本
    DATA = "data", _("Demo data")  # 演示数据
    HANDOUT = "handout", _("Handouts")  # 讲义/资料
    CASE = "case", _("Case study")  # 案例介绍
    OTHER = "other", _("Other material")


# The checklist every new demo starts with: (kind, required).
DEFAULT_MATERIALS = (
    (MaterialKind.DECK, True),
    (MaterialKind.SCRIPT, True),
    (MaterialKind.DATA, True),
    (MaterialKind.HANDOUT, False),
)


class Side(models.TextChoices):
    OURS = "ours", _("Our side")
    CUSTOMER = "customer", _("Customer side")


class QuestionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("demo question", "Open")
    ANSWERED = "answered", pgettext_lazy("demo question", "Answered")


class Progress(models.TextChoices):
    """An opportunity's demo progress at a glance (selectors.progress_by_opportunity)."""

    NONE = "none", _("No demo")
    PREPARING = "preparing", _("Demo in preparation")
    DELIVERED = "delivered", _("Demo delivered, summary due")
    SUMMARISED = "summarised", _("Demo summarised")
