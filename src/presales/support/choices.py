from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestType(models.TextChoices):
    RESEARCH = "research", _("Requirement research")  # 需求调研
    SOLUTION = "solution", _("Solution")  # 方案
    DEMO = "demo", _("Demo")  # 演示
    POC = "poc", _("POC")  # 概念验证
    BID = "bid", _("Bid")  # 投标
    TECH_QA = "tech_qa", _("Technical Q&A")  # 技术答疑


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")  # submitted by sales, nobody assigned
    ASSIGNED = "assigned", _("Assigned")  # an engineer is assigned, has not responded yet
    IN_PROGRESS = "in_progress", _("In progress")  # the engineer responded and works on it
    DONE = "done", _("Done")  # delivered
    CANCELLED = "cancelled", _("Cancelled")  # withdrawn by the requester or a manager


OPEN_REQUEST_STATUSES = (RequestStatus.NEW, RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS)
