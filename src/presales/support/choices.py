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

# The statuses in which the first-response clock runs (nobody has responded yet).
AWAITING_RESPONSE_STATUSES = (RequestStatus.NEW, RequestStatus.ASSIGNED)


class EventAction(models.TextChoices):
    """What one step of a request did (SupportRequestEvent.action)."""

    SUBMITTED = "submitted", _("Submitted")  # sales asked for support
    ASSIGNED = "assigned", _("Assigned")  # first assignment: new → assigned
    REASSIGNED = "reassigned", _("Reassigned")  # another engineer takes over; the status stays
    RESPONDED = "responded", _("First response")  # the assignee's first answer: assigned → in progress
    NOTE = "note", _("Progress note")  # a later answer of the assignee while in progress
    DONE = "done", _("Completed")  # delivered, with the outcome
    CANCELLED = "cancelled", _("Cancelled")  # withdrawn, with the reason


class ResponseState(models.TextChoices):
    """The first-response clock (from submission to the assignee's first response)."""

    RUNNING = "running", _("Response due")  # no response yet, still within the SLA
    OVERDUE = "overdue", _("Response overdue")  # no response yet, SLA passed
    MET = "met", _("Responded in time")  # first response at or before the SLA
    BREACHED = "breached", _("Responded late")  # first response after the SLA
    STOPPED = "stopped", _("No response needed")  # cancelled before anyone responded


class DueState(models.TextChoices):
    """The due-date clock of the work itself (wanted by)."""

    ON_TIME = "on_time", _("On time")  # open, more than a day left
    DUE_SOON = "due_soon", _("Due soon")  # open, less than a day left
    OVERDUE = "overdue", _("Overdue")  # open, past the wanted-by time
    DONE_ON_TIME = "done_on_time", _("Done on time")  # done at or before the wanted-by time
    DONE_LATE = "done_late", _("Done late")  # done after the wanted-by time
    CANCELLED = "cancelled", _("Cancelled")  # no due date any more
