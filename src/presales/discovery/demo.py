"""Demo research for the demo company: `build(rng, opportunities, users)` gives the open
opportunities with a presales lead their requirement research, through the real services, so
that every progress state shows (not started, planning, researching, awaiting confirmation — once
with a confirmation outdated by later changes — and confirmed), and every opportunity that has
passed discovery has the confirmed requirement set its gate asks for.

Returns counts by record kind."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from presales.opportunities.choices import CLOSED_STAGES, Stage

from . import services
from .choices import RequirementStatus

GOALS = "摸清客户{name}的业务流程、现有系统和主要痛点，明确本期建设目标与验收口径。"
CONTENT = "1. 业务流程与组织分工\n2. 现有系统（数据采集、告警、报表）及接口\n3. 业务痛点与量化影响\n4. 期望目标、预算与时间要求"
ACTIVITIES = [
    ("interview", "与业务部门负责人访谈", "现有流程依赖人工汇总，日报需要半天；希望告警直达值班人员。"),
    ("site_visit", "现场考察生产/运行现场", "现场设备型号多，数据采集协议不统一；网络为隔离内网。"),
    ("questionnaire", "一线用户问卷调查", "共回收问卷42份，73%的用户认为误报过多，58%希望移动端查看。"),
    ("system_demo", "现有系统演示与差距分析", "现有系统报表无法按班组统计，接口只支持文件导出。"),
]
REQUIREMENTS = [
    ("告警分级推送到移动端", "按严重程度分级，一级告警5分钟内推送到值班人员手机", "must", "functional"),
    ("统一数据采集接入", "支持Modbus、IEC104等主流协议，接入现有设备", "must", "integration"),
    ("班组维度运行报表", "日/周/月报表按班组统计，可导出Excel", "should", "functional"),
    ("系统可用性不低于99.9%", "关键服务双机热备", "should", "performance"),
    ("等保三级合规", "满足网络安全等级保护三级要求", "must", "security"),
    ("历史数据保留5年", "原始数据在线保留1年、归档5年", "could", "data"),
]


def _at(day, hour: int):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _research(rng, opportunity, target: str, counts: dict[str, int]) -> None:
    actor = opportunity.presales_lead
    contacts = list(opportunity.customer.contacts.order_by("pk")[:3])
    today = timezone.localdate()
    entered = timezone.localtime(opportunity.stage_changed_at or timezone.now()).date()
    start = min(entered, today) - timedelta(days=rng.randint(20, 40) if target != "planning" else 0)
    services.plan_create(
        actor=actor, opportunity=opportunity, goals=GOALS.format(name=opportunity.customer.name), content=CONTENT,
        methods=rng.sample(["interview", "site_visit", "questionnaire", "system_demo"], k=3), starts_on=start,
        ends_on=start + timedelta(days=rng.randint(10, 25)), our_participants=[actor], customer_contacts=contacts,
    )
    counts["plans"] += 1
    if target == "planning":
        services.activity_create(actor=actor, opportunity=opportunity, kind="interview", subject=ACTIVITIES[0][1],
                                 scheduled_at=_at(today + timedelta(days=rng.randint(2, 6)), 10),
                                 customer_contacts=contacts[:1])
        counts["activities"] += 1
        return
    done = []
    for n, (kind, subject, notes) in enumerate(ACTIVITIES[: rng.randint(2, 4)]):
        when = _at(min(start + timedelta(days=2 + 3 * n), today - timedelta(days=1)), 9 + n)
        done.append(services.activity_create(actor=actor, opportunity=opportunity, kind=kind, subject=subject,
                                             scheduled_at=when, notes=notes, done=True, our_participants=[actor],
                                             customer_contacts=contacts[n % len(contacts):][:1] if contacts else []))
        counts["activities"] += 1
    if target == "researching":
        services.activity_create(actor=actor, opportunity=opportunity, kind="system_demo", subject=ACTIVITIES[3][1],
                                 scheduled_at=_at(today + timedelta(days=3), 14))
        counts["activities"] += 1
        return
    for n, (title, description, priority, category) in enumerate(rng.sample(REQUIREMENTS, k=rng.randint(3, 5))):
        services.item_create(actor=actor, opportunity=opportunity, title=title, description=description,
                             priority=priority, category=category, status=RequirementStatus.IN_SCOPE,
                             source_activity=done[n % len(done)],
                             source_contact=contacts[n % len(contacts)] if contacts else None)
        counts["requirement items"] += 1
    report = services.report_create(
        actor=actor, opportunity=opportunity, summary=f"{opportunity.customer.name}需求调研已完成，共识别{n + 1}项需求。",
        current_state="数据分散在多个系统，人工汇总。", pain_points="告警误报多、响应慢；报表统计耗时。",
        findings="移动端告警与统一采集是客户最关注的两项。", recommendations="一期聚焦告警与采集，报表放在二期。")
    counts["reports"] += 1
    if target == "awaiting_confirmation":
        return
    contact = contacts[0] if contacts else None
    confirmed_on = min(start + timedelta(days=12), today)
    services.confirmation_record(actor=actor, opportunity=opportunity, method=rng.choice(["signature", "email"]),
                                 confirmed_on=confirmed_on, contact=contact,
                                 signatory_name="" if contact else "客户项目负责人",
                                 reference="客户邮件《需求确认》：以上需求确认无误。")
    counts["confirmations"] += 1
    if target == "outdated":
        services.item_create(actor=actor, opportunity=opportunity, title="增加能耗分析看板",
                             description="客户在确认后追加", priority="should", category="functional",
                             source_contact=contact)
        counts["requirement items"] += 1
    if target == "confirmed_archived":
        services.report_archive(actor=actor, report=report)
        counts["archived documents"] += 1
        services.activity_attach(actor=actor, activity=done[0], title="访谈记录",
                                 file=ContentFile("访谈记录\n现有流程依赖人工汇总。".encode(), name="访谈记录.txt"))
        counts["attachments"] += 1


# The discovery stage shows every state; later stages passed the gate.
DISCOVERY_TARGETS = ["not_started", "planning", "researching", "awaiting_confirmation", "outdated", "confirmed"]
LATER = (Stage.SOLUTION, Stage.DEMO_POC, Stage.BID, Stage.NEGOTIATION)


def build(rng, opportunities, users) -> dict[str, int]:
    counts = {"plans": 0, "activities": 0, "requirement items": 0, "reports": 0, "confirmations": 0,
              "archived documents": 0, "attachments": 0}
    usable = [o for o in opportunities if o.presales_lead_id and o.stage not in CLOSED_STAGES]
    discovery = [o for o in usable if o.stage == Stage.DISCOVERY]
    for n, opportunity in enumerate(discovery):
        target = DISCOVERY_TARGETS[n % len(DISCOVERY_TARGETS)]
        if target != "not_started":
            _research(rng, opportunity, target, counts)
    later = [o for o in usable if o.stage in LATER][:8]
    for n, opportunity in enumerate(later):
        _research(rng, opportunity, "confirmed_archived" if n == 0 else "confirmed", counts)
    return counts
