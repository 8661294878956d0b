"""Choices of the requirement research module (需求调研). Labels are translated; the comment gives
the Chinese term of the seed (003 §3.2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResearchMethod(models.TextChoices):
    """How the research is done (调研方法), chosen in the plan; also the kind of an activity."""

    INTERVIEW = "interview", _("Interview")  # 面对面访谈
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")  # 问卷调查
    SITE_VISIT = "site_visit", _("Site visit")  # 实地考察
    SYSTEM_DEMO = "system_demo", _("System demo")  # 系统演示
    WORKSHOP = "workshop", _("Workshop")  # 研讨会/工作坊
    DOCUMENT_REVIEW = "document_review", _("Document review")  # 资料收集与分析


# The kinds of a research activity are the same vocabulary.
ActivityKind = ResearchMethod


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")  # 计划中
    DONE = "done", _("Done")  # 已完成: notes recorded
    CANCELLED = "cancelled", _("Cancelled")  # 已取消


class Priority(models.TextChoices):
    """MoSCoW, as customers say it: must = 高, should = 中, could = 低 (the order is the weight)."""

    MUST = "must", _("Must have (high)")  # 必须 (高)
    SHOULD = "should", _("Should have (medium)")  # 应该 (中)
    COULD = "could", _("Could have (low)")  # 可以 (低)


class RequirementCategory(models.TextChoices):
    FUNCTIONAL = "functional", _("Functional")  # 功能需求
    PERFORMANCE = "performance", _("Performance")  # 性能
    SECURITY = "security", _("Security and compliance")  # 安全与合规
    INTEGRATION = "integration", _("Integration")  # 系统集成/接口
    DATA = "data", _("Data")  # 数据
    OPERATIONS = "operations", _("Operations and service")  # 运维与服务
    OTHER = "other", _("Other")  # 其他


class RequirementStatus(models.TextChoices):
    """An item's place in the requirement set. A withdrawn item has left the set (it is kept for
    the record); every other status is part of what the customer confirms."""

    PROPOSED = "proposed", _("Proposed")  # 已提出: to be discussed
    IN_SCOPE = "in_scope", _("In scope")  # 纳入本期范围
    DEFERRED = "deferred", _("Deferred to a later phase")  # 后续阶段
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")  # 不纳入 (recorded, agreed with the customer)
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 已撤销: removed from the set


IN_SET_STATUSES = (
    RequirementStatus.PROPOSED,
    RequirementStatus.IN_SCOPE,
    RequirementStatus.DEFERRED,
    RequirementStatus.OUT_OF_SCOPE,
)


class ConfirmationMethod(models.TextChoices):
    SIGNATURE = "signature", _("Signed on paper")  # 纸质签字
    EMAIL = "email", _("Confirmed by e-mail")  # 邮件确认
    MEETING = "meeting", _("Meeting minutes")  # 会议纪要确认


class Progress(models.TextChoices):
    """Where the research of an opportunity stands (the progress board reads it)."""

    NOT_STARTED = "not_started", _("Not started")  # 待启动
    PLANNING = "planning", _("Planning")  # 计划中: plan written, no activity done yet
    RESEARCHING = "researching", _("Researching")  # 调研中: activities done, no requirement yet
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting confirmation")  # 待客户确认
    CONFIRMED = "confirmed", _("Confirmed")  # 已确认
