"""Choices of the bid module. Labels are translated; the comment gives the seed's Chinese term."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PREPARING = "preparing", _("Preparing")  # 编制中
    SUBMITTED = "submitted", _("Submitted")  # 已递交 (sealed and delivered)
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 放弃投标 / 撤回


class Result(models.TextChoices):
    WON = "won", _("Won")  # 中标
    LOST = "lost", _("Lost")  # 未中标
    INVALID = "invalid", _("Invalid bid")  # 废标 (our bid rejected)
    CANCELLED = "cancelled", _("Tender cancelled")  # 招标取消/流标


class EventAction(models.TextChoices):
    """What a BidEvent records (the bid's own log)."""

    CREATED = "created", _("Bid created")  # 创建投标
    DEVIATION_IMPORT = "deviation_import", _("Deviation table imported")  # 导入偏离表
    SUBMITTED = "submitted", _("Bid submitted")  # 标书已递交
    WITHDRAWN = "withdrawn", _("Bid withdrawn")  # 撤回投标
    RECEIPT = "receipt", _("Receipt recorded")  # 登记回执
    RESULT = "result", _("Result recorded")  # 登记结果


class BondStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", _("Not required")  # 无需保证金
    PENDING = "pending", _("To be paid")  # 待缴纳
    PAID = "paid", _("Paid")  # 已缴纳
    REFUNDED = "refunded", _("Refunded")  # 已退还
    FORFEITED = "forfeited", _("Forfeited")  # 被没收


class SubmissionMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person")  # 现场递交
    COURIER = "courier", _("Courier")  # 邮寄
    ELECTRONIC = "electronic", _("Electronic upload")  # 电子投标


class Part(models.TextChoices):
    BUSINESS = "business", _("Business part")  # 商务部分 (business specialist)
    TECHNICAL = "technical", _("Technical part")  # 技术部分 (solution architect)
    OTHER = "other", _("Other")


class SectionKind(models.TextChoices):
    COMPANY_PROFILE = "company_profile", _("Company profile")  # 公司简介
    LICENCES = "licences", _("Business licence")  # 营业执照
    QUALIFICATIONS = "qualifications", _("Qualification certificates")  # 资质证书
    REFERENCES = "references", _("References and cases")  # 业绩证明
    COMMERCIAL_ANSWERS = "commercial_answers", _("Answers to the commercial terms")  # 商务条款应答
    AFTER_SALES = "after_sales", _("After-sales service commitment")  # 售后服务承诺
    TECHNICAL_PROPOSAL = "technical_proposal", _("Technical proposal")  # 技术方案
    DEVIATION_TABLE = "deviation_table", _("Specification deviation table")  # 技术规格偏离表
    IMPLEMENTATION_PLAN = "implementation_plan", _("Implementation plan")  # 项目实施计划
    TRAINING_PLAN = "training_plan", _("Training plan")  # 培训方案
    OTHER = "other", _("Other")  # 其他支持文件 (product sheets, test reports...)


BUSINESS_SECTIONS = (SectionKind.COMPANY_PROFILE, SectionKind.LICENCES, SectionKind.QUALIFICATIONS,
                     SectionKind.REFERENCES, SectionKind.COMMERCIAL_ANSWERS, SectionKind.AFTER_SALES)
TECHNICAL_SECTIONS = (SectionKind.TECHNICAL_PROPOSAL, SectionKind.DEVIATION_TABLE,
                      SectionKind.IMPLEMENTATION_PLAN, SectionKind.TRAINING_PLAN)


class Deviation(models.TextChoices):
    NONE = "none", _("No deviation")  # 无偏离
    POSITIVE = "positive", _("Positive deviation")  # 正偏离 (better than required)
    NEGATIVE = "negative", _("Negative deviation")  # 负偏离 (worse than required)


class ReviewGroup(models.TextChoices):
    ACCURACY = "accuracy", _("Accuracy")  # 准确性
    COMPLETENESS = "completeness", _("Completeness")  # 完整性
    COMPLIANCE = "compliance", _("Compliance")  # 合规性
    FORMAT = "format", _("Format")  # 格式规范性
    LANGUAGE = "language", _("Language")  # 语言表达


# The default review and proofreading checklist of a new bid (editable per bid).
DEFAULT_REVIEW_ITEMS = (
    (ReviewGroup.ACCURACY, _("Prices, quantities and totals agree everywhere (figures and words).")),
    (ReviewGroup.ACCURACY, _("Company name, tender number and project name are correct on every page.")),
    (ReviewGroup.COMPLETENESS, _("Every document the tender asks for is included, in the required order.")),
    (ReviewGroup.COMPLETENESS, _("Every specification item is answered in the deviation table.")),
    (ReviewGroup.COMPLIANCE, _("Every mandatory (★) clause is met; no negative deviation on one.")),
    (ReviewGroup.COMPLIANCE, _("Licences and certificates are valid on the deadline; bid bond arranged.")),
    (ReviewGroup.FORMAT, _("Copies, binding, page numbers, signatures and seals as the tender requires.")),
    (ReviewGroup.FORMAT, _("Sealing and envelope marking (or electronic upload format) as required.")),
    (ReviewGroup.LANGUAGE, _("Clear wording, consistent terms, no typing errors.")),
)
ALERT_HOURS = (72, 24, 4)  # deadline alerts, hours before the deadline
