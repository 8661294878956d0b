"""Demo knowledge base: `build(rng, opportunities, users)` publishes the demo company's closed
opportunities' retrospectives as cases, POC post-mortems as retrospective summaries and reviewed
solutions as templates (through the same one-click services as the pages), then adds FAQ, customer
profiles, industry requirement analyses and market intelligence, at every access level and review
state (drafts, published, one retired), and a few citations. A few dozen articles, in seconds."""

from __future__ import annotations

import random
from collections import Counter

from presales.core.errors import DomainError

from . import services
from .choices import AccessLevel, ArticleKind, ArticleStatus

FAQ = [
    ("BMS在高温环境下误报警怎么排查？",
     "## 现象\n\n夏季储能舱内温度超过45℃时，电池管理系统频繁上报过温告警，现场确认为**高温误报**。\n\n"
     "## 排查步骤\n\n1. 核对温度传感器的安装位置与标定记录；\n2. 检查告警阈值与回差设置；\n"
     "3. 对比BMS上报温度与红外测温结果。\n\n## 结论\n\n多数高温误报来自传感器贴装不良和阈值回差过小，调整后误报率下降90%以上。",
     "energy_storage", "BMS", ["bms", "高温", "告警"]),
    ("私有化部署对服务器有什么要求？",
     "标准私有化部署需要3台应用服务器（8核16G）、2台数据库服务器（16核64G，SSD），支持麒麟、统信等信创操作系统。\n\n"
     "等保三级项目需额外提供日志审计与堡垒机。",
     "", "数据中台", ["私有化部署", "信创"]),
    ("POC成功标准怎么和客户谈？",
     "先问客户最关心的1–3个指标，把每个指标写成**可测量**的形式（基线、通过线、优秀线、数据来源），"
     "并在启动确认书中由双方签字。避免“系统稳定”“体验良好”这类无法判定的表述。",
     "", "", ["poc", "成功标准"]),
    ("视觉检测的漏检率和误检率如何取舍？",
     "产线通常更在意漏检（流出不良品），可先把漏检率压到0.1%以下，再通过复判工位消化误检。"
     "报价时要把复判人力成本算进客户的投资回报。",
     "manufacturing", "工业视觉", ["视觉检测", "缺陷检测"]),
    ("无人机巡检数据如何与电力生产管理系统对接？",
     "巡检结果按缺陷等级推送到PMS工单接口，图片走对象存储，只传链接；对接前确认客户的安全分区要求（生产控制大区不可直连）。",
     "power", "无人机巡检", ["电力巡检", "接口"]),
]
PROFILES = [
    "## 组织与决策链\n\n信息中心主导选型，生产部门提出需求，采购部按公开招标流程执行。\n\n"
    "## 关注点\n\n数据安全、与现有系统的集成、本地化服务响应。\n\n## 历史合作\n\n曾采购我司数据采集平台，整体评价良好。",
    "## 组织与决策链\n\n集团总部统一规划，二级单位试点，试点成功后推广。\n\n## 关注点\n\n投资回报周期、可复制性、运维成本。",
]
ANALYSES = [
    ("储能行业客户需求分析表", "energy_storage",
     "| 需求类别 | 典型需求 | 关注程度 |\n|---|---|---|\n| 安全 | 热失控预警、高温误报抑制 | 高 |\n"
     "| 运营 | 充放电策略优化、SOC估算精度 | 高 |\n| 运维 | 远程诊断、备件管理 | 中 |"),
    ("制造业客户需求分析表", "manufacturing",
     "| 需求类别 | 典型需求 | 关注程度 |\n|---|---|---|\n| 质量 | 视觉检测、缺陷追溯 | 高 |\n"
     "| 设备 | 设备预测性维护、OEE统计 | 高 |\n| 管理 | 数据中台、报表自动化 | 中 |"),
    ("电力行业客户需求分析表", "power",
     "| 需求类别 | 典型需求 | 关注程度 |\n|---|---|---|\n| 巡检 | 无人机巡检、缺陷识别 | 高 |\n"
     "| 调度 | 配电自动化、负荷预测 | 中 |\n| 安全 | 等保三级、安全分区 | 高 |"),
]
INTEL = [
    ("2026年储能BMS市场竞争格局", "energy_storage",
     "头部厂商集中度继续提高，价格战向中小项目蔓延。竞品A主打低价和快速交付，竞品B强调电芯厂背景。"
     "我方差异化：高温误报抑制算法和远程诊断平台。", AccessLevel.PUBLIC),
    ("竞品A工业视觉方案报价策略", "manufacturing",
     "竞品A在汽车零部件行业以“首年免费试用”切入，次年按产线数收费。投标时注意其偏离表常将检测节拍写得偏乐观。",
     AccessLevel.TEAM),
    ("某省电力公司无人机巡检招标内部情报", "power",
     "预计下季度发布招标，预算约800万元，评分办法技术占60%。来源为客户信息中心访谈，仅限项目组使用。",
     AccessLevel.CONFIDENTIAL),
]


def _publisher(users, article):
    """A reviewer who may publish it: the lead of the owner's team, else a manager."""
    for u in users:
        if article.team_id is not None and article.team_id in u.led_team_ids and u.pk != article.owner_id:
            return u
    for u in users:
        if u.is_manager and article.access_level != AccessLevel.CONFIDENTIAL:
            return u
    return None


def _publish(users, article, counts) -> bool:
    reviewer = _publisher(users, article)
    if reviewer is None:
        return False
    services.article_publish(actor=reviewer, article=article, note="内容完整，同意发布。")
    counts["published"] += 1
    return True


def _written_after_close(rng, article, opportunity) -> None:
    """A case is written up in the days after its project's retrospective and published a few
    days later: its dates (and its events') say so, not the moment the demo was built. (The
    services stamp the current time; the past is set here in bulk.)"""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from .models import Article, ArticleEvent

    held = opportunity.retrospective.held_on
    now = timezone.now()
    written = timezone.make_aware(datetime.combine(held, time(10))) + timedelta(days=rng.randint(1, 5))
    if written >= now - timedelta(days=2):
        return  # a recent case: written now
    published = written + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 6))
    fields = {"created_at": written, "updated_at": written}
    if Article.objects.filter(pk=article.pk, published_at__isnull=False).exists():
        fields.update(published_at=published, updated_at=published)
    Article.objects.filter(pk=article.pk).update(**fields)
    for event in ArticleEvent.objects.filter(article_id=article.pk).order_by("pk"):
        event.at = published if event.to_status == ArticleStatus.PUBLISHED else written
        event.save(update_fields=["at"])


def build(rng: random.Random, opportunities, users) -> dict[str, int]:
    from presales.opportunities.choices import CLOSED_STAGES
    from presales.poc.models import PostMortem
    from presales.solutions.choices import Status
    from presales.solutions.models import Solution

    counts: Counter = Counter()
    writers = [u for u in users if u.role_codes and u.team_id]
    if not writers:
        return {}
    closed = [o for o in opportunities if o.stage in CLOSED_STAGES and o.presales_lead_id
              and hasattr(o, "retrospective")]
    rng.shuffle(closed)
    made = []
    for index, opportunity in enumerate(closed[:12]):
        try:
            article = services.article_draft_from_retrospective(actor=opportunity.presales_lead, opportunity=opportunity)
        except DomainError:
            continue
        counts["cases"] += 1
        if index % 6 != 5:  # most are published, some wait as drafts
            _publish(users, article, counts)
        _written_after_close(rng, article, opportunity)
        made.append(article)
    for post_mortem in PostMortem.objects.select_related("poc__opportunity__presales_lead").order_by("pk")[:5]:
        lead = post_mortem.poc.opportunity.presales_lead if post_mortem.poc.opportunity_id else None
        if lead is None:
            continue
        try:
            article = services.article_draft_from_post_mortem(actor=lead, poc=post_mortem.poc)
        except DomainError:
            continue
        counts["POC retrospectives"] += 1
        _publish(users, article, counts)
    for solution in Solution.objects.filter(status=Status.PASSED).select_related("author").order_by("pk")[:5]:
        try:
            article = services.article_draft_from_solution(actor=solution.author, solution=solution)
        except DomainError:
            continue
        counts["templates"] += 1
        _publish(users, article, counts)

    def write(kind, title, body, industry="", product_line="", tags=(), access=AccessLevel.PUBLIC, customer=None,
              publish=True):
        owner = rng.choice(writers)
        article = services.article_create(actor=owner, kind=kind, title=title, body=body, industry=industry,
                                          product_line=product_line, tags=list(tags), access_level=access,
                                          customer=customer if customer is not None else None)
        counts[str(kind)] += 1
        if publish:
            _publish(users, article, counts)
        return article

    for title, body, industry, product, tags in FAQ:
        write(ArticleKind.FAQ, title, body, industry, product, tags)
    customers = []
    for o in opportunities:
        if o.customer not in customers:
            customers.append(o.customer)
    for i, customer in enumerate(customers[:4]):
        owner_view = PROFILES[i % len(PROFILES)]
        try:
            write(ArticleKind.CUSTOMER_PROFILE, f"客户档案：{customer.name}", owner_view, customer.industry or "",
                  tags=["客户档案"], access=AccessLevel.TEAM, customer=None, publish=i != 3)
        except DomainError:
            continue
    for title, industry, table in ANALYSES:
        write(ArticleKind.REQUIREMENT_ANALYSIS, title, table, industry, tags=["需求分析"])
    for title, industry, body, access in INTEL:
        write(ArticleKind.MARKET_INTEL, title, body, industry, tags=["竞品"], access=access)
    # One outdated article retired, and a few cases cited by open opportunities of the same industry.
    from .models import Article

    published = list(Article.objects.filter(pk__in=[a.pk for a in made], status=ArticleStatus.PUBLISHED))
    if published:
        old = published[-1]
        services.article_retire(actor=old.owner, article=old, reason="产品已升级换代，案例内容过时。")
        counts["retired"] += 1
    open_opps = [o for o in opportunities if o.stage not in CLOSED_STAGES and o.presales_lead_id]
    for article in published[:-1][:6]:
        same = [o for o in open_opps if o.industry == article.industry] or open_opps
        if not same:
            break
        opportunity = rng.choice(same)
        try:
            services.citation_add(actor=opportunity.presales_lead, article=article, opportunity=opportunity,
                                  note="参考该案例的方案思路")
        except DomainError:
            continue
        counts["citations"] += 1
    return dict(counts)
