"""Demo POCs for the demo company: `build(rng, opportunities, users)` creates POCs in every state
(draft, ready, running, evaluating, passed with "passed" and "excellent" verdicts, failed,
abandoned) in the seed's four industries, through the real services (numbers, readiness gate,
verdicts, events, post-mortems), so every POC page shows something on first start.

- rng: a random.Random (the demo's seed makes the POCs repeatable);
- opportunities: candidate opportunities (open ones with a presales lead are used; those in the
  demo/POC stage first);
- users: the demo's people (not needed beyond the opportunities' own people; kept for the
  signature the demo command uses).
Returns {"pocs": n, "measurements": m}.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from presales.opportunities.choices import CLOSED_STAGES, Stage

from . import services
from .choices import Status
from .models import CriterionGuide

SCENARIOS = {
    "energy_storage": {
        "title": "储能BMS高温工况验证", "company": "华储智能科技",
        "hypotheses": ["验证新一代BMS在45°C高温舱内的响应时间不高于80ms",
                       "验证高温误报率相比现有方案降低60%以上"],
        "metrics": {"BMS响应时间": {"sample": (45, 85)}, "高温误报率": {"baseline": Decimal(5), "sample": (0.8, 2.4)}},
        "risks": [("高温舱温控波动导致数据无效", "改用客户备用舱，测试顺延一周")],
    },
    "robotics": {
        "title": "焊装产线机器人节拍验证", "company": "华储智能科技",
        "hypotheses": ["验证协作机器人工作站可将A型号单件节拍从120秒降至100秒以下"],
        "metrics": {"单件节拍": {"sample": (86, 104)}, "良品率": {"sample": (99.4, 99.9)}},
        "risks": [("夜班操作人员不熟悉新工作站", "我方驻场工程师夜班跟班两周")],
    },
    "new_materials": {
        "title": "高镍正极材料性能验证", "company": "华储智能科技",
        "hypotheses": ["验证批量样品克容量达到客户目标的95%以上", "验证三个批次的一致性不劣于行业平均水平"],
        "metrics": {"克容量/能量密度": {"reference": Decimal(200), "sample": (186, 204)}},
        "risks": [("第三方检测排期延误", "同步送检两家实验室，以先出结果者为准")],
    },
    "low_altitude": {
        "title": "eVTOL动力电池包放电验证", "company": "华储智能科技",
        "hypotheses": ["验证动力电池包功率密度达到客户要求的90%以上"],
        "metrics": {"功率密度": {"reference": Decimal(4000), "sample": (3500, 4200)},
                    "连续放电时长": {"reference": Decimal(30), "sample": (22, 33)}},
        "risks": [("试飞场地受空域管制影响", "先在地面台架完成放电测试，试飞另行安排")],
    },
}
# (target state, verdict wanted) in the order they are built; repeated over the industries.
PLAN = [
    (Status.DRAFT, None), (Status.READY, None), (Status.RUNNING, None), (Status.EVALUATING, "passed"),
    (Status.PASSED, "excellent"), (Status.PASSED, "passed"), (Status.FAILED, "failed"), (Status.ABANDONED, None),
]


def _candidates(opportunities) -> list:
    usable = [o for o in opportunities if o.presales_lead_id and o.stage not in CLOSED_STAGES]
    return sorted(usable, key=lambda o: (o.stage != Stage.DEMO_POC, o.pk))


def _value(rng, low, high, target: str | None, spec) -> Decimal:
    """A sample inside [low, high] (raw values, the range spans fail to excellent), pushed towards
    the verdict wanted: the worst 5 % of the range, its middle, or its best 5 %."""
    span = high - low
    better_low = spec.direction == "lower"  # a lower raw value is better, whatever the form
    bands = {"failed": (0.0, 0.05), "passed": (0.4, 0.6), "excellent": (0.95, 1.0)}
    start, end = bands.get(target, (0.0, 1.0))
    if better_low:
        start, end = 1 - end, 1 - start
    return Decimal(str(round(rng.uniform(low + span * start, low + span * end), 2)))


def _fill(poc, actor, scenario, rng) -> None:
    today = timezone.localdate()
    services.kickoff_record(
        actor=actor, poc=poc, held_at=timezone.now() - timedelta(days=3), duration_minutes=rng.choice([45, 60, 90]),
        minutes="确认验证假设、量化标准、周期、双方资源与通过后的下一步。", remote=rng.random() < 0.3,
        attendees=[
            {"side": "ours", "role": "sales_lead", "name": str(poc.opportunity.sales_owner)},
            {"side": "ours", "role": "technical_lead", "name": str(poc.opportunity.presales_lead)},
            {"side": "ours", "role": "project_manager", "name": "周项目经理"},
            {"side": "customer", "role": "decision_maker", "name": "陈总"},
            {"side": "customer", "role": "technical_contact", "name": "吴工"},
        ],
    )
    guides = {g.metric: g for g in CriterionGuide.objects.filter(industry=poc.industry, active=True)}
    for metric, extra in scenario["metrics"].items():
        guide = guides.get(metric)
        if guide is None:
            continue
        data = services.criterion_initial_from_guide(guide)
        data.pop("guide")
        data.update(baseline=extra.get("baseline", data["baseline"]), reference=extra.get("reference", data["reference"]),
                    excellent_level=data["excellent_level"] or data["pass_level"], data_source="customer_system",
                    data_source_detail="客户MES", sampling_frequency="每日一次", sample_size=rng.choice([3, 4, 5]),
                    agreed=True, guide=guide)
        services.criterion_create(actor=actor, poc=poc, **data)
    services.poc_update(actor=actor, poc=poc, expected_version=None, next_step="negotiation",
                        our_escalation_contact=str(poc.opportunity.presales_lead), our_escalation_phone="13800001111",
                        customer_escalation_contact="吴工", customer_escalation_phone="13900002222",
                        response_hours=rng.choice([2, 4, 8]))
    _resources(poc, actor)
    for description, fallback in scenario["risks"]:
        services.risk_create(actor=actor, poc=poc, description=description, likelihood="medium", impact="high",
                             fallback_plan=fallback)
    for item in (11, 12, 13):
        services.readiness_answer(actor=actor, poc=poc, item=item, done=True, note="启动会上逐项确认")
    services.poc_confirm_launch(actor=actor, poc=poc, method="signed", our_signatory=str(actor),
                                our_signed_on=today, customer_signatory="陈总", customer_signed_on=today)


RESOURCES = (
    ("ours", "onsite_staff", "驻场工程师 李工"), ("ours", "backup", "后备 赵工"), ("ours", "prototype", "样机 2 套"),
    ("ours", "spare_parts", "关键备件 1 套"), ("ours", "hour_cap", "团队工时上限"), ("customer", "technical_lead", "吴工"),
    ("customer", "site", "三号车间测试区"), ("customer", "utilities", "380V电源、千兆网络"),
    ("customer", "security", "数据不出厂区，签署保密协议"),
)


def _resources(poc, actor) -> None:
    """The resource guarantee list of both sides, confirmed at the kickoff: written in bulk with
    their history rows (a line checks nothing but an hour cap's hours, given here); the POC's
    version moves once, as after any change to its records. The readiness gate that reads the
    list is passed through the service."""
    from presales.demo.util import HistoryWriter

    from .models import Poc, ResourceItem

    today, now = timezone.localdate(), timezone.now()
    lead = str(poc.opportunity.presales_lead)
    rows = [ResourceItem(poc=poc, side="ours", kind="technical_lead", description=lead, confirmed=True,
                         created_by=actor, created_at=now, updated_at=now)]
    for side, kind, description in RESOURCES:
        rows.append(ResourceItem(
            poc=poc, side=side, kind=kind, description=description,
            quantity=2 if kind == "prototype" else None,
            due_on=today if kind == "prototype" else None, hours=Decimal(320) if kind == "hour_cap" else None,
            confirmed=True, created_by=actor, created_at=now, updated_at=now,
        ))
    ResourceItem.objects.bulk_create(rows)
    history = HistoryWriter()
    history.add_created(rows)
    history.flush()
    poc = Poc.objects.get(pk=poc.pk)
    poc.version += 1
    poc._history_user = actor
    poc.save(update_fields=["version", "updated_at"])


def _measure(poc, actor, scenario, rng, target) -> int:
    """The customer's measurements of every criterion, imported from one CSV file (the import
    service: all rows checked, one batch)."""
    start = timezone.localtime(timezone.now() - timedelta(hours=6))
    rows = []
    for position, criterion in enumerate(poc.criteria.all()):
        low, high = scenario["metrics"][criterion.name]["sample"]
        for i in range(criterion.sample_size or 1):
            # spread over the last hours by position (not by primary key: ids keep growing)
            at = start + timedelta(minutes=20 * i + position)
            value = _value(rng, low, high, target, criterion.spec)
            rows.append([criterion.name, f"{at:%Y-%m-%d %H:%M}", value, "客户MES导出"])
    out = io.StringIO()
    csv.writer(out).writerows([["指标", "时间", "数值", "备注"], *rows])
    services.measurement_import(actor=actor, poc=poc, content=out.getvalue().encode("utf-8"),
                                file_name="客户测试数据.csv")
    return len(rows)


def build(rng, opportunities, users) -> dict[str, int]:
    candidates = _candidates(opportunities)
    industries = list(SCENARIOS)
    counts = {"pocs": 0, "measurements": 0}
    for index, opportunity in enumerate(candidates[: len(PLAN) * 3]):  # every state three times
        target, verdict = PLAN[index % len(PLAN)]
        industry = industries[(index // len(PLAN) + index) % len(industries)]
        scenario = SCENARIOS[industry]
        actor = opportunity.presales_lead
        poc = services.poc_create(
            actor=actor, opportunity=opportunity, title=scenario["title"], hypotheses=scenario["hypotheses"],
            our_company=scenario["company"], industry=industry, planned_start_on=timezone.localdate(),
            planned_end_on=timezone.localdate() + timedelta(days=rng.choice([30, 45, 60, 90])),
        )
        counts["pocs"] += 1
        if target == Status.DRAFT:
            continue
        _fill(poc, actor, scenario, rng)
        poc = services.poc_move(actor=actor, poc=poc, to_status=Status.READY)
        if target == Status.READY:
            continue
        poc = services.poc_move(actor=actor, poc=poc, to_status=Status.RUNNING, reason="自检通过，正式启动")
        if target == Status.ABANDONED:
            services.sync_note_create(actor=actor, poc=poc, held_on=timezone.localdate(), attendees="双方项目组",
                                      progress="客户战略调整，项目暂停", issues="预算冻结")
            poc = services.poc_move(actor=actor, poc=poc, to_status=Status.ABANDONED, reason="客户预算冻结，POC中止")
            services.post_mortem_record(actor=actor, poc=poc, held_on=timezone.localdate(), problem_kind="external",
                                        summary="客户年中预算冻结", lessons="启动前确认预算审批节点")
            continue
        if target == Status.RUNNING:
            criterion = poc.criteria.first()
            if criterion is not None:
                low, high = scenario["metrics"][criterion.name]["sample"]
                services.measurement_record(actor=actor, poc=poc, criterion=criterion,
                                            measured_at=timezone.now() - timedelta(hours=1),
                                            value=_value(rng, low, high, None, criterion.spec))
                counts["measurements"] += 1
            services.incident_open(actor=actor, poc=poc, title="样机通讯中断", severity="major",
                                   occurred_at=timezone.now() - timedelta(hours=rng.choice([1, 30])))
            services.scope_change_propose(actor=actor, poc=poc, title="追加低温工况测试",
                                          description="客户希望追加-20°C工况下的测试", requested_on=timezone.localdate())
            continue
        counts["measurements"] += _measure(poc, actor, scenario, rng, verdict)
        poc = services.poc_move(actor=actor, poc=poc, to_status=Status.EVALUATING)
        if target == Status.EVALUATING:
            continue
        from .selectors import poc_verdicts

        level = poc_verdicts(poc=poc).overall.level
        final = Status.FAILED if level == "failed" else Status.PASSED
        poc = services.poc_move(actor=actor, poc=poc, to_status=final,
                                reason="双方确认结果" + ("，启动商务谈判" if final == Status.PASSED else ""))
        if final == Status.FAILED:
            services.post_mortem_record(actor=actor, poc=poc, held_on=timezone.localdate(), problem_kind="preparation",
                                        weak_items=[8, 12], summary="样本量与现场条件准备不足",
                                        lessons="启动前逐项确认采样方案与现场条件")
    return counts
