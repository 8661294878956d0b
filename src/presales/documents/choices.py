from django.db import models
from django.utils.translation import gettext_lazy as _


class CategoryKind(models.TextChoices):
    """The six kinds of presales documents (seed 003 §4.1). Each has a configurable stage code."""

    PROJECT_INFO = (
        "project_info",
        _("Project information"),
    )  # 项目资料: opportunity register, research request
    RESEARCH = "research", _("Requirement research")  # 需求调研: research report, questionnaire, interviews
    SOLUTION = "solution", _("Solution design")  # 方案设计: solution framework, detailed design, white paper
    DEMO = "demo", _("Demo")  # 演示: demo deck, demo system manual
    BID = "bid", _("Bid")  # 投标: bid documents, price list, commercial answers
    OTHER = "other", _("Other")  # 其他: communication records, project summary, market intelligence


# The stage codes seeded by the data migration (editable afterwards).
DEFAULT_CODES = {
    CategoryKind.PROJECT_INFO: "XM",
    CategoryKind.RESEARCH: "QD",
    CategoryKind.SOLUTION: "FJ",
    CategoryKind.DEMO: "YS",
    CategoryKind.BID: "TB",
    CategoryKind.OTHER: "QT",
}


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being written; the author submits it
    DEPARTMENT_REVIEW = "department_review", _("Department review")  # waiting for the department head
    MANAGER_REVIEW = "manager_review", _("Presales manager review")  # waiting for the presales manager
    FINAL_REVIEW = "final_review", _("Final review")  # waiting for a leader or a cross-department meeting
    RETURNED = "returned", _("Returned")  # a reviewer sent it back; the author revises and resubmits
    PUBLISHED = "published", _("Published")  # approved at every step of its category
    ARCHIVED = "archived", _("Archived")  # read-only, still findable


REVIEW_STATUSES = (
    DocumentStatus.DEPARTMENT_REVIEW,
    DocumentStatus.MANAGER_REVIEW,
    DocumentStatus.FINAL_REVIEW,
)
# Statuses in which the author may change the document (metadata, new versions, submit).
EDITABLE_STATUSES = (DocumentStatus.DRAFT, DocumentStatus.RETURNED)


class ReviewStep(models.TextChoices):
    DEPARTMENT_HEAD = "department_head", _("Department head")  # 部门负责人初审
    PRESALES_MANAGER = "presales_manager", _("Presales manager")  # 售前经理审核
    FINAL = "final", _("Final review")  # 相关领导或跨部门会议终审


class FinalMode(models.TextChoices):
    LEADER = "leader", _("By a leader")  # a department head decides alone
    MEETING = "meeting", _("Cross-department meeting")  # a meeting decides; participants recorded


class AccessLevel(models.TextChoices):
    PUBLIC = "public", _("Company-wide")  # everyone in the company once published
    TEAM = "team", _("Project team")  # the project team; others ask for access
    CONFIDENTIAL = "confidential", _("Confidential")  # named people only


class ReviewDecision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return to the author")


class EventAction(models.TextChoices):
    CREATED = "created", _("Created")
    VERSION_ADDED = "version_added", _("New version")
    EDITED = "edited", _("Details edited")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    ARCHIVED = "archived", _("Archived")
    ACCESS_CHANGED = "access_changed", _("Access changed")
    ACCESS_GRANTED = "access_granted", _("Access granted")
    ACCESS_REFUSED = "access_refused", _("Access refused")


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")  # waiting for the responsible person
    GRANTED = "granted", _("Granted")  # readable until `expires_at`
    REFUSED = "refused", _("Refused")


class ArchiveReason(models.TextChoices):
    PROJECT_CLOSED = "project_closed", _("The project is closed")
    EXPIRED = "expired", _("Past its validity date")
    MANUAL = "manual", _("Archived by hand")
