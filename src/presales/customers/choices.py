from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")  # 制造业
    ENERGY_STORAGE = "energy_storage", _("Energy storage")  # 储能 (BMS etc.)
    POWER = "power", _("Power and utilities")  # 电力
    ROBOTICS = "robotics", _("Robotics and automation")  # 机器人
    NEW_MATERIALS = "new_materials", _("New materials")  # 新材料
    LOW_ALTITUDE = "low_altitude", _("Low-altitude economy")  # 低空经济
    AUTOMOTIVE = "automotive", _("Automotive")  # 汽车
    FINANCE = "finance", _("Finance")  # 金融
    GOVERNMENT = "government", _("Government and public sector")  # 政府/公共事业
    HEALTHCARE = "healthcare", _("Healthcare")  # 医疗
    EDUCATION = "education", _("Education")  # 教育
    TELECOM = "telecom", _("Telecommunications")  # 通信
    TRANSPORT = "transport", _("Transport and logistics")  # 交通物流
    RETAIL = "retail", _("Retail")  # 零售
    INTERNET = "internet", _("Internet")  # 互联网
    OTHER = "other", _("Other")  # 其他


class Region(models.TextChoices):
    NORTH = "north", _("North China")  # 华北
    EAST = "east", _("East China")  # 华东
    SOUTH = "south", _("South China")  # 华南
    CENTRAL = "central", _("Central China")  # 华中
    SOUTHWEST = "southwest", _("Southwest China")  # 西南
    NORTHWEST = "northwest", _("Northwest China")  # 西北
    NORTHEAST = "northeast", _("Northeast China")  # 东北
    OVERSEAS = "overseas", _("Overseas")  # 海外


class CompanySize(models.TextChoices):
    SMALL = "s", _("Under 100 staff")
    MEDIUM = "m", _("100–499 staff")
    LARGE = "l", _("500–1,999 staff")
    XLARGE = "xl", _("2,000–9,999 staff")
    HUGE = "xxl", _("10,000 staff or more")


class CustomerStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")  # no deal yet
    ACTIVE = "active", _("Active")  # has open or won business
    DORMANT = "dormant", _("Dormant")  # no activity for a long time


class ContactRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")  # 决策者
    TECHNICAL = "technical", _("Technical contact")  # 技术对接人
    END_USER = "end_user", _("End user")  # 最终使用者
    PROCUREMENT = "procurement", _("Procurement")  # 采购
    OTHER = "other", _("Other")


class OwnerKind(models.TextChoices):
    PRESALES = "presales", _("Presales owner")  # 售前负责人 (专人专接口)
    SALES = "sales", _("Sales owner")  # 销售负责人


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    MEETING = "meeting", _("Meeting")
    ONSITE = "onsite", _("On-site visit")
    IM = "im", _("Instant message")
    VIDEO = "video", _("Video call")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open")  # raised, being worked on
    RESOLVED = "resolved", _("Resolved")  # solved and confirmed


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Open")  # received, not yet handled
    HANDLED = "handled", _("Handled")  # handled, customer informed


class FeedbackSource(models.TextChoices):
    PRESENTATION = "presentation", _("Presentation")
    DEMO = "demo", _("Demo")
    MEETING = "meeting", _("Meeting")
    POC = "poc", _("POC")
    OTHER = "other", _("Other")


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("Open")  # raised by the customer, nobody answered yet
    IN_PROGRESS = "in_progress", _("In progress")  # an owner works on the answer
    RESOLVED = "resolved", _("Resolved")  # answered to the customer's satisfaction
    DECLINED = "declined", _("Declined")  # will not be addressed, with a reason
