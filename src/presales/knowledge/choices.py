from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Access levels are the document archive's (company-wide / project team / confidential): the same
# choices, the same meaning (see permissions.py).
from presales.documents.choices import AccessLevel  # noqa: F401  (re-exported)


class ArticleKind(models.TextChoices):
    """The kinds of knowledge the presales team keeps (SPEC §7, seed 002)."""

    SUCCESS_CASE = "success_case", _("Success case")  # 成功案例
    FAILURE_CASE = "failure_case", _("Failure case")  # 失败案例
    TEMPLATE = "template", _("Solution template")  # 方案模板
    FAQ = "faq", _("FAQ")  # 常见问题
    CUSTOMER_PROFILE = "customer_profile", _("Customer profile")  # 客户档案
    RETROSPECTIVE = "retrospective", _("Retrospective summary")  # 复盘总结
    REQUIREMENT_ANALYSIS = "requirement_analysis", _("Industry requirement analysis")  # 行业客户需求分析表
    MARKET_INTEL = "market_intel", _("Market and competitor intelligence")  # 市场与竞品情报


# The kinds that similar-case matching compares an opportunity with.
CASE_KINDS = (ArticleKind.SUCCESS_CASE, ArticleKind.FAILURE_CASE, ArticleKind.RETROSPECTIVE)


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("article status", "Draft")  # 草稿: being written, waiting for a reviewer
    PUBLISHED = "published", pgettext_lazy("article status", "Published")  # 已发布: found by everyone in scope
    RETIRED = "retired", pgettext_lazy("article status", "Retired")  # 已下架: kept, out of search and matching


class EventAction(models.TextChoices):
    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    PUBLISHED = "published", pgettext_lazy("article event", "Published")
    RETIRED = "retired", pgettext_lazy("article event", "Retired")
    CITED = "cited", _("Cited")
