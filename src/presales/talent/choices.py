"""Choices of the talent module. Labels are translated; the comment gives the seed's Chinese term."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportRating(models.IntegerChoices):
    """The manager's quality rating of a daily report (seed 001: 敷衍扣分, 建设性意见加分). The
    numeric value is what the appraisal metric `daily_report_quality` averages."""

    PERFUNCTORY = -1, _("Perfunctory")  # 敷衍 (−)
    NORMAL = 0, _("Normal")  # 正常
    CONSTRUCTIVE = 1, _("Constructive")  # 有建设性 (+)


class CertificationKind(models.TextChoices):
    EXTERNAL = "external", _("External certification")  # 外部认证 (AWS/Azure/Cisco…)
    INTERNAL = "internal", _("Internal exam")  # 内部专项技能认证考试


class TrainingKind(models.TextChoices):
    RECEIVED = "received", _("Training received")  # 售前参加的培训 (外部/厂商)
    SALES_ENABLEMENT = "sales_enablement", _("Sales enablement")  # 销售赋能: given by presales to sales
    ONBOARDING = "onboarding", _("Onboarding camp")  # 新人训练营
    INTERNAL = "internal", _("Internal sharing")  # 内部培训/分享


class MentoringStatus(models.TextChoices):
    ACTIVE = "active", _("Active")  # 进行中
    COMPLETED = "completed", _("Completed")  # 已结业: goals reached
    ENDED = "ended", _("Ended early")  # 提前结束


class OnboardingStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")  # 训练营进行中
    COMPLETED = "completed", _("Completed")  # 已结营


class AwardRoundStatus(models.TextChoices):
    NOMINATING = "nominating", _("Nominations open")  # 提名中
    SCORING = "scoring", _("Scoring")  # 评审打分中
    ANNOUNCED = "announced", _("Announced")  # 已公布


class AwardCriterion(models.TextChoices):
    """What the committee scores a nominated case on, 1–10 each (seed 002: 最具影响力售前案例;
    the criteria are ours: value to the customer, innovation, reusability, influence)."""

    CUSTOMER_VALUE = "customer_value", _("Customer value")  # 客户价值
    INNOVATION = "innovation", _("Innovation")  # 创新性
    REUSE = "reuse", _("Reusability")  # 可复制性
    INFLUENCE = "influence", _("Influence")  # 影响力
