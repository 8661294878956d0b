from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The SOP stages of a presales project (seed 003 §3)."""

    LEAD = "lead", _("Lead")  # 商机获取: presales joins at first contact
    DISCOVERY = "discovery", _("Discovery")  # 需求调研: research plan, activities, confirmation
    SOLUTION = "solution", _("Solution design")  # 方案设计: solution and its reviews
    DEMO_POC = "demo_poc", _("Demo / POC")  # 演示/验证
    BID = "bid", _("Bid")  # 投标
    NEGOTIATION = "negotiation", _("Negotiation")  # 商务谈判
    WON = "won", _("Won")  # 赢单 (closed)
    LOST = "lost", _("Lost")  # 输单 (closed)
    ABANDONED = "abandoned", _("Abandoned")  # 放弃 (closed)


OPEN_STAGES = (Stage.LEAD, Stage.DISCOVERY, Stage.SOLUTION, Stage.DEMO_POC, Stage.BID, Stage.NEGOTIATION)
CLOSED_STAGES = (Stage.WON, Stage.LOST, Stage.ABANDONED)


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
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    ABANDONED = "abandoned", _("Abandoned")
