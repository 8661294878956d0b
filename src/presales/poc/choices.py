"""Choices of the POC module. Labels are translated; the comment gives the seed's Chinese term."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 准备中: launch confirmation being written
    READY = "ready", _("Ready")  # 已确认: launch confirmation confirmed by both sides
    RUNNING = "running", _("Running")  # 进行中: testing, measurements being collected
    EVALUATING = "evaluating", _("Evaluating")  # 评估中: samples collected, verdict being settled
    PASSED = "passed", _("Passed")  # 通过 (closed; the verdict may be "excellent")
    FAILED = "failed", _("Failed")  # 未通过 (closed; post-mortem required)
    ABANDONED = "abandoned", _("Abandoned")  # 已放弃 (closed; post-mortem required)


OPEN_STATUSES = (Status.DRAFT, Status.READY, Status.RUNNING, Status.EVALUATING)
CLOSED_STATUSES = (Status.PASSED, Status.FAILED, Status.ABANDONED)
# Closed without a pass: the post-mortem (输单复盘 against the checklist) is required.
POST_MORTEM_STATUSES = (Status.FAILED, Status.ABANDONED)
# The success criteria are the agreement with the customer: frozen once the POC runs.
CRITERIA_EDITABLE_STATUSES = (Status.DRAFT, Status.READY)


class Level(models.TextChoices):
    """A verdict, per criterion and overall (ordered: failed < passed < excellent)."""

    FAILED = "failed", _("Failed")  # 未通过
    PASSED = "passed", _("Passed")  # 通过
    EXCELLENT = "excellent", _("Excellent")  # 优秀


class NextStep(models.TextChoices):
    NEGOTIATION = "negotiation", _("Start commercial negotiation")  # 启动商务谈判
    SECOND_POC = "second_poc", _("Second, expanded POC")  # 第二轮扩大化POC
    OTHER = "other", _("Other")  # 其他


class ConfirmationMethod(models.TextChoices):
    SIGNED = "signed", _("Signed by both sides")  # 双方签署
    EMAIL = "email", _("Confirmed by e-mail")  # 邮件确认


class Side(models.TextChoices):
    OURS = "ours", _("Our side")  # 我方
    CUSTOMER = "customer", _("Customer side")  # 客户方


class AttendeeRole(models.TextChoices):
    # ours
    SALES_LEAD = "sales_lead", _("Sales lead")  # 销售负责人
    TECHNICAL_LEAD = "technical_lead", _("Technical lead")  # 技术负责人
    PROJECT_MANAGER = "project_manager", _("Project manager")  # 项目经理
    # theirs
    DECISION_MAKER = "decision_maker", _("Decision maker")  # 决策者
    TECHNICAL_CONTACT = "technical_contact", _("Technical contact")  # 技术对接人
    END_USER = "end_user", _("End-user representative")  # 最终使用者代表 (optional)
    OTHER = "other", _("Other")


# The kickoff's key roles (seed: 我方 销售负责人+技术负责人+项目经理; 客户方 决策者+技术对接人).
OUR_KICKOFF_ROLES = (AttendeeRole.SALES_LEAD, AttendeeRole.TECHNICAL_LEAD, AttendeeRole.PROJECT_MANAGER)
CUSTOMER_KICKOFF_ROLES = (AttendeeRole.DECISION_MAKER, AttendeeRole.TECHNICAL_CONTACT)
ROLES_BY_SIDE = {
    Side.OURS: (*OUR_KICKOFF_ROLES, AttendeeRole.OTHER),
    Side.CUSTOMER: (*CUSTOMER_KICKOFF_ROLES, AttendeeRole.END_USER, AttendeeRole.OTHER),
}
MIN_KICKOFF_MINUTES = 30


class Direction(models.TextChoices):
    LOWER = "lower", _("Lower is better")  # 越低越好 (≤)
    HIGHER = "higher", _("Higher is better")  # 越高越好 (≥)


class CriterionForm(models.TextChoices):
    """How the pass and excellent levels are stated."""

    ABSOLUTE = "absolute", _("Absolute value")  # e.g. ≤ 80 ms
    RELATIVE = "relative", _("Change vs baseline (%)")  # e.g. reduce by ≥ 60% vs the current solution
    RATIO = "ratio", _("Share of a reference value (%)")  # e.g. ≥ 95% of the customer's target


class Aggregation(models.TextChoices):
    """Which measurements decide a criterion's verdict."""

    LATEST = "latest", _("Latest value")  # the most recent measurement
    MEAN = "mean", _("Mean of the samples")  # the arithmetic mean of all measurements
    ALL = "all", _("Every sample within the level")  # the worst measurement decides


class DataSource(models.TextChoices):
    OUR_SYSTEM = "our_system", _("Our system's logs")  # 我方系统后台
    CUSTOMER_SYSTEM = "customer_system", _("Customer system (MES etc.)")  # 客户MES等系统
    THIRD_PARTY = "third_party", _("Third-party lab")  # 第三方检测机构
    MANUAL = "manual", _("Joint manual measurement")  # 双方现场人工测量
    OTHER = "other", _("Other")


class ResourceKind(models.TextChoices):
    """The rows of the resource guarantee list (资源保障清单), in the template's order."""

    TECHNICAL_LEAD = "technical_lead", _("Technical lead")  # 技术负责人
    ONSITE_STAFF = "onsite_staff", _("On-site staff")  # 现场驻场人员 / 操作配合人员
    BACKUP = "backup", _("Backup person")  # 备选/后备人员
    ESCALATION_CONTACT = "escalation_contact", _("Escalation contact")  # 异常升级联系人
    PROTOTYPE = "prototype", _("Prototype model and quantity")  # 样机型号/数量 (+ arrival date)
    SPARE_PARTS = "spare_parts", _("Spare parts list")  # 备品备件清单
    SITE = "site", _("Test site")  # POC测试场地
    UTILITIES = "utilities", _("Power, water, gas and network")  # 水电气/网络条件
    MILESTONE = "milestone", _("Key milestone")  # 关键节点
    HOUR_CAP = "hour_cap", _("Working-hour cap")  # 团队可投入工时上限
    TEST_WINDOW = "test_window", _("Test time window")  # 可配合的测试时间窗口
    DATA_NEEDED = "data_needed", _("Data to provide")  # 需要提供的数据清单
    DATA_FORMAT = "data_format", _("Data format")  # 数据格式要求
    DATA_ACCESS = "data_access", _("Data access rights")  # 客户方数据访问权限
    SECURITY = "security", _("Security and confidentiality requirements")  # 信息安全/保密要求
    OTHER = "other", _("Other")  # 其他


PEOPLE_KINDS = (ResourceKind.TECHNICAL_LEAD, ResourceKind.ONSITE_STAFF, ResourceKind.BACKUP,
                ResourceKind.ESCALATION_CONTACT)


class ResourceCategory(models.TextChoices):
    PEOPLE = "people", _("People")  # 人员
    EQUIPMENT = "equipment", _("Equipment and site")  # 设备/条件
    TIME = "time", _("Time")  # 时间
    DATA = "data", _("Data and information")  # 数据/信息
    OTHER = "other", _("Other")  # 其他


RESOURCE_CATEGORY = {
    ResourceKind.TECHNICAL_LEAD: ResourceCategory.PEOPLE,
    ResourceKind.ONSITE_STAFF: ResourceCategory.PEOPLE,
    ResourceKind.BACKUP: ResourceCategory.PEOPLE,
    ResourceKind.ESCALATION_CONTACT: ResourceCategory.PEOPLE,
    ResourceKind.PROTOTYPE: ResourceCategory.EQUIPMENT,
    ResourceKind.SPARE_PARTS: ResourceCategory.EQUIPMENT,
    ResourceKind.SITE: ResourceCategory.EQUIPMENT,
    ResourceKind.UTILITIES: ResourceCategory.EQUIPMENT,
    ResourceKind.MILESTONE: ResourceCategory.TIME,
    ResourceKind.HOUR_CAP: ResourceCategory.TIME,
    ResourceKind.TEST_WINDOW: ResourceCategory.TIME,
    ResourceKind.DATA_NEEDED: ResourceCategory.DATA,
    ResourceKind.DATA_FORMAT: ResourceCategory.DATA,
    ResourceKind.DATA_ACCESS: ResourceCategory.DATA,
    ResourceKind.SECURITY: ResourceCategory.DATA,
    ResourceKind.OTHER: ResourceCategory.OTHER,
}


class Rating(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class IncidentSeverity(models.TextChoices):
    MINOR = "minor", _("Minor")  # 一般
    MAJOR = "major", _("Major")  # 严重
    CRITICAL = "critical", _("Critical (stops the test)")  # 紧急：测试中断


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Open")  # waiting for the first response
    RESPONDED = "responded", _("Responded")  # someone responded, not resolved yet
    RESOLVED = "resolved", _("Resolved")


class ScopeChangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")  # waiting for the confirmation of both sides
    ACCEPTED = "accepted", _("Accepted")  # both sides confirmed
    REJECTED = "rejected", _("Rejected")  # declined: not part of this POC


class MeasurementSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    API = "api", _("API")
    IMPORT = "import", _("File import")


class ProblemKind(models.TextChoices):
    """The post-mortem's answer to the seed's question: preparation or execution?"""

    PREPARATION = "preparation", _("Preparation problem")  # 准备没做好
    EXECUTION = "execution", _("Execution problem")  # 执行问题
    BOTH = "both", _("Both preparation and execution")  # 两者都有
    EXTERNAL = "external", _("Outside our control")  # 客观原因（客户战略变化等）


class ReviewPurpose(models.TextChoices):
    START = "start", _("Check before the start")  # 启动前自检
    REVIEW = "review", _("Review of a running POC")  # 回顾正在进行的POC
    POST_MORTEM = "post_mortem", _("Post-loss review")  # 输单复盘
