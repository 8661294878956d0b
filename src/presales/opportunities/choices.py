from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Stage(models.TextChoices):
    """The SOP stages of a presales project (seed 003 §3)."""

    # 商机获取: presales joins at first contact
    LEAD = "lead", pgettext_lazy("opportunity stage", "Lead")
    # 需求调研: research plan, activities, confirmation
    DISCOVERY = "discovery", pgettext_lazy("opportunity stage", "Discovery")
    # 方案设计: solution and its reviews
    SOLUTION = "solution", pgettext_lazy("opportunity stage", "Solution design")
    DEMO_POC = "demo_poc", pgettext_lazy("opportunity stage", "Demo / POC")  # 演示/验证
    BID = "bid", pgettext_lazy("opportunity stage", "Bid")  # 投标
    NEGOTIATION = "negotiation", pgettext_lazy("opportunity stage", "Negotiation")  # 商务谈判
    WON = "won", pgettext_lazy("opportunity stage", "Won")  # 赢单 (closed)
    LOST = "lost", pgettext_lazy("opportunity stage", "Lost")  # 输单 (closed)
    ABANDONED = "abandoned", pgettext_lazy("opportunity stage", "Abandoned")  # 放弃 (closed)


OPEN_STAGES = (Stage.LEAD, Stage.DISCOVERY, Stage.SOLUTION, Stage.DEMO_POC, Stage.BID, Stage.NEGOTIATION)
CLOSED_STAGES = (Stage.WON, Stage.LOST, Stage.ABANDONED)
# A handover to delivery is prepared while negotiating (the move to won needs it) and completed
# after winning; no other stage has one.
HANDOVER_STAGES = (Stage.NEGOTIATION, Stage.WON)


class Source(models.TextChoices):
    INQUIRY = "inquiry", _("Customer inquiry")  # 客户主动咨询
    PARTNER = "partner", _("Partner referral")  # 合作伙伴推荐
    NETWORK = "network", _("Personal network")  # 行业人脉
    EVENT = "event", _("Event or exhibition")  # 展会/研讨会
    MARKET_INTEL = "market_intel", _("Market intelligence")  # 市场情报
    OTHER = "other", _("Other")


class ProcurementMethod(models.TextChoices):
    PUBLIC_TENDER = "public_tender", _("Public tender")  # 公开招标
    INVITED_TENDER = "invited_tender", _("Invited tender")  # 邀请招标
    COMPETITIVE_NEGOTIATION = "competitive_negotiation", _("Competitive negotiation")  # 竞争性谈判
    SINGLE_SOURCE = "single_source", _("Single source")  # 单一来源
    DIRECT = "direct", _("Direct purchase")  # 直接采购
    UNKNOWN = "unknown", _("Not known yet")


class Outcome(models.TextChoices):
    WON = "won", pgettext_lazy("opportunity stage", "Won")
    LOST = "lost", pgettext_lazy("opportunity stage", "Lost")
    ABANDONED = "abandoned", pgettext_lazy("opportunity stage", "Abandoned")


class Progress(models.TextChoices):
    """The progress status shown at a glance (进度状态), derived from the opportunity's stage and
    the state of its artefacts (research, solution reviews, demos, POCs, bids), never typed by
    hand. See presales.opportunities.progress for the rules."""

    NOT_STARTED = "not_started", pgettext_lazy("opportunity progress", "Not started")  # 待启动
    RESEARCHING = "researching", pgettext_lazy("opportunity progress", "Researching")  # 调研中
    AWAITING_CONFIRMATION = "awaiting_confirmation", pgettext_lazy("opportunity progress", "Awaiting customer confirmation")  # 待客户确认
    DESIGNING = "designing", pgettext_lazy("opportunity progress", "Designing the solution")  # 方案中
    IN_REVIEW = "in_review", pgettext_lazy("opportunity progress", "Solution in review")  # 方案评审中
    DEMONSTRATING = "demonstrating", pgettext_lazy("opportunity progress", "Demonstrating")  # 演示中
    VALIDATING = "validating", pgettext_lazy("opportunity progress", "POC in progress")  # POC验证中
    BIDDING = "bidding", pgettext_lazy("opportunity progress", "Bidding")  # 投标中
    BID_SUBMITTED = "bid_submitted", pgettext_lazy("opportunity progress", "Bid submitted, awaiting the result")  # 已投标待开标
    NEGOTIATING = "negotiating", pgettext_lazy("opportunity progress", "Negotiating")  # 商务谈判中
    CLOSING = "closing", pgettext_lazy("opportunity progress", "Bid lost, to be closed")  # 未中标待关闭
    WON = "won", pgettext_lazy("opportunity progress", "Won")  # 已赢单
    LOST = "lost", pgettext_lazy("opportunity progress", "Lost")  # 已输单
    ABANDONED = "abandoned", pgettext_lazy("opportunity progress", "Abandoned")  # 已放弃


OPEN_PROGRESS = tuple(p for p in Progress if p not in (Progress.WON, Progress.LOST, Progress.ABANDONED))
