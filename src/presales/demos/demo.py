"""Demo records for the demo company: `build(rng, opportunities, users)` creates demos in every
state (planned, prepared, delivered awaiting its summary, summarised, cancelled) through the real
services (checklist, registered deck, environment check, rehearsal, delivery with the customer's
contacts, questions feeding the feedback list, archived summary reports).

Demos that hold the opportunity's gate (delivered without summary) are put only on opportunities
before the bid stage, so later demo modules can still move later opportunities on.
Returns {"demos": n, "questions": m}.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from presales.opportunities.choices import CLOSED_STAGES, Stage

from . import services
from .choices import MaterialKind, Mode, QuestionStatus, Side, Status

EARLY_STAGES = (Stage.LEAD, Stage.DISCOVERY, Stage.SOLUTION, Stage.DEMO_POC)
SCENARIOS = [
    (
        "产品功能演示",
        "按客户业务流程演示核心模块：数据采集、监控大屏、告警闭环。",
        "让客户技术负责人确认方案覆盖其主要痛点。",
    ),
    ("高层汇报演示", "面向客户管理层的价值演示：投资回报与标杆案例。", "获得决策层对方案方向的认可。"),
    ("技术深度演示", "接口对接、性能与安全机制的现场演示。", "消除客户IT部门对集成与安全的顾虑。"),
]
QUESTIONS = [
    ("能否与现有ERP系统对接？", "可以，提供标准接口与实施方案。", QuestionStatus.ANSWERED),
    ("数据是否支持本地化部署？", "", QuestionStatus.OPEN),
    ("同行业是否有可参观的案例？", "", QuestionStatus.OPEN),
    ("系统并发性能上限是多少？", "单集群支持5000并发，可水平扩展。", QuestionStatus.ANSWERED),
]
# target state per candidate, in order
PLAN = [
    Status.SUMMARISED,
    Status.DELIVERED,
    Status.PREPARED,
    Status.PLANNED,
    Status.CANCELLED,
    Status.SUMMARISED,
    Status.PLANNED,
    Status.SUMMARISED,
]


def _deck(demo):
    from presales.documents.samples import minimal_pdf

    return SimpleUploadedFile(
        "演示文稿.pdf", minimal_pdf(["Demo deck", f"demo {demo.pk}"]), content_type="application/pdf"
    )


def _prepare(demo, actor, rng):
    services.deck_upload(actor=actor, demo=demo, file=_deck(demo))
    for material in demo.materials.all():
        if material.kind != MaterialKind.DECK and material.required:
            services.material_update(actor=actor, material=material, expected_version=None, ready=True)
    services.preparation_update(
        actor=actor,
        demo=demo,
        expected_version=None,
        environment_url="https://demo.example.com/" + str(demo.pk),
        environment_notes="演示账号已开通，备用4G热点",
        rehearsal_on=timezone.localdate() - timedelta(days=1),
        rehearsal_participants=str(actor),
        rehearsal_done=True,
        rehearsal_notes="控制在45分钟内，预留答疑时间",
    )
    services.environment_check(actor=actor, demo=demo, checked=True)
    return services.demo_move(actor=actor, demo=demo, to_status=Status.PREPARED)


def _deliver(demo, actor, rng):
    contacts = list(demo.customer.contacts.order_by("pk")[:2])
    attendees = [{"side": Side.OURS, "user": p} for p in demo.presenters.all()]
    attendees += [{"side": Side.CUSTOMER, "contact": c} for c in contacts]
    if not contacts:
        attendees.append({"side": Side.CUSTOMER, "name": "陈总", "role": "决策者"})
    return services.delivery_record(
        actor=actor,
        demo=demo,
        delivered_at=demo.planned_at,
        duration_minutes=rng.choice([45, 60, 90]),
        attendees=attendees,
        notes="演示顺利，客户参与讨论积极。",
    )


def build(rng, opportunities, users) -> dict[str, int]:
    candidates = [o for o in opportunities if o.presales_lead_id and o.stage not in CLOSED_STAGES]
    candidates.sort(key=lambda o: (o.stage != Stage.DEMO_POC, o.pk))
    early = [o for o in candidates if o.stage in EARLY_STAGES]
    late = [o for o in candidates if o.stage not in EARLY_STAGES]
    counts = {"demos": 0, "questions": 0}
    now = timezone.now()
    used: set[int] = set()
    for index, target in enumerate(PLAN):
        # the gate-holding state needs an early opportunity; others prefer the later ones
        pool = early if target == Status.DELIVERED or not late else late + early
        opportunity = next((o for o in pool if o.pk not in used), None)
        if opportunity is None:
            opportunity = next((o for o in early if o.pk not in used), None)
        if opportunity is None:
            break
        used.add(opportunity.pk)
        actor = opportunity.presales_lead
        title, scenario, goals = SCENARIOS[index % len(SCENARIOS)]
        past = target in (Status.DELIVERED, Status.SUMMARISED)
        planned_at = (
            now - timedelta(days=rng.randint(3, 20)) if past else now + timedelta(days=rng.randint(2, 14))
        ).replace(minute=0, second=0, microsecond=0)
        remote = rng.random() < 0.4
        demo = services.demo_create(
            actor=actor,
            opportunity=opportunity,
            title=f"{opportunity.customer.name}{title}",
            scenario=scenario,
            goals=goals,
            planned_at=planned_at,
            presenters=[actor],
            mode=Mode.REMOTE if remote else Mode.ON_SITE,
            location="腾讯会议 123-456-789" if remote else "客户总部三楼会议室",
        )
        counts["demos"] += 1
        if target == Status.PLANNED:
            continue
        if target == Status.CANCELLED:
            services.demo_move(
                actor=actor,
                demo=demo,
                to_status=Status.CANCELLED,
                reason="客户临时调整日程，改为线上方案交流",
            )
            continue
        demo = _prepare(demo, actor, rng)
        if target == Status.PREPARED:
            continue
        demo = _deliver(demo, actor, rng)
        for question, answer, status in rng.sample(QUESTIONS, 3):
            services.question_create(
                actor=actor,
                demo=demo,
                question=question,
                answer=answer,
                status=status,
                asked_by="客户技术负责人",
            )
            counts["questions"] += 1
        if target == Status.DELIVERED:
            continue
        services.summary_record(
            actor=actor,
            demo=demo,
            customer_reaction="客户对数据可视化与告警闭环评价较高。",
            strengths="贴合客户业务流程；案例有说服力。",
            issues="本地化部署方案需补充细节。",
            follow_up_actions="一周内提交本地化部署说明；安排标杆客户参观。",
            next_steps="推进技术交流，准备投标材料。",
        )
    return counts
