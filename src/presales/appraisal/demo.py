"""Demo appraisal cycles: `build(rng, opportunities, users)` creates, through the services, one
closed quarterly cycle (last quarter: every result published, acknowledged, one appeal answered)
and one running cycle (this quarter: participants in every step — self-assessment, supervisor
review, customer survey / 360°, committee review, published, appealed, acknowledged), plus a draft
annual cycle, with the seed 001 engineer form of the kpi demo (else the preloaded engineer scheme); each
person's marks follow the demo company's performance trait. Returns the counts by record kind."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from presales.accounts.choices import RoleCode

from . import services
from .choices import AppealOutcome, Source, Step
from .models import Adjustment, Appraisal, Cycle, SourceEntry
from .selectors import manual_items

RUNNING_PLAN = [
    Step.SELF_ASSESSMENT,
    Step.SUPERVISOR_REVIEW,
    Step.FEEDBACK,
    Step.COMMITTEE_REVIEW,
    Step.PUBLISHED,
    Step.APPEALED,
    Step.ACKNOWLEDGED,
]


def _quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, quarter * 3 - 2, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else quarter * 3 + 1, 1) - timedelta(days=1)
    return start, end


def _value(indicator, rng, quality: float) -> Decimal:
    """A plausible value for the indicator's rule; quality 0..1 (better → higher score)."""
    p = indicator.rule_params or {}
    full = Decimal(indicator.max_points)
    kind = indicator.rule_type
    if kind == "manual":
        scale = Decimal(str(p.get("scale") or full))
        v = scale * Decimal(str(round(0.55 + 0.45 * quality, 2)))
        return min(scale, v).quantize(Decimal("0.1"))
    if kind == "linear":
        lo, hi = sorted([Decimal(str(p.get("zero_at", 0))), Decimal(str(p.get("full_at", 100)))])
        spread = hi - lo
        if Decimal(str(p.get("full_at", 100))) >= Decimal(str(p.get("zero_at", 0))):
            v = lo + spread * Decimal(str(round(0.3 + 0.8 * quality, 2)))
        else:
            v = hi - spread * Decimal(str(round(0.3 + 0.8 * quality, 2)))
        return max(Decimal(0), v).quantize(Decimal("0.1"))
    if kind in ("deduction", "bands"):
        return Decimal(max(0, int(round((1 - quality) * 4)) + rng.randint(0, 1)))
    if kind == "bonus":
        return Decimal(int(round(quality * 4)))
    if kind == "pass_line":  # an exam score: the better the person, the likelier above the line
        return Decimal(max(40, min(100, round(58 + 40 * quality + rng.uniform(-6, 6)))))
    if kind == "achievement":
        target = Decimal(str(p.get("target", 1)))
        return (target * Decimal(str(round(0.6 + 0.6 * quality, 2)))).quantize(Decimal("0.01"))
    return Decimal(rng.randint(60, 95))


def _enter(appraisal, actor, source, rng, quality):
    values = {}
    for item in manual_items(appraisal):
        ind = item.indicator
        if source == Source.CUSTOMER and ind.effective_data_source != "survey":
            continue
        values[ind.pk] = _value(ind, rng, max(0.0, min(1.0, quality + rng.uniform(-0.15, 0.15))))
    summary = {
        Source.SELF: "本期按计划完成售前支持任务，重点项目方案按时交付。",
        Source.SUPERVISOR: "工作积极，方案质量稳定；需加强客户回访的及时性。",
    }.get(source)
    if not values and summary is None:
        return appraisal  # the scheme asks this source for nothing
    return services.entries_save(
        actor=actor, appraisal=appraisal, source=source, values=values, summary=summary
    )


REVIEWED = RUNNING_PLAN.index(Step.COMMITTEE_REVIEW)


def _review(appraisal, target, *, committee, rng, quality, peers):
    """Move the appraisal through the services up to `target`, at most the committee's review."""
    a = appraisal
    if target == Step.SELF_ASSESSMENT:
        return a
    a = _enter(a, a.employee, Source.SELF, rng, min(1.0, quality + 0.1))
    a = services.appraisal_move(actor=a.employee, appraisal=a, to_status=Step.SUPERVISOR_REVIEW)
    if target == Step.SUPERVISOR_REVIEW:
        return a
    a = _enter(a, a.supervisor, Source.SUPERVISOR, rng, quality)
    a = services.appraisal_move(actor=a.supervisor, appraisal=a, to_status=Step.FEEDBACK)
    if target == Step.FEEDBACK:
        return a
    a = _enter(a, a.supervisor, Source.CUSTOMER, rng, quality)
    for peer in peers[:2]:
        a = _enter(a, peer, Source.PEER, rng, quality)
    a = services.appraisal_move(actor=a.supervisor, appraisal=a, to_status=Step.COMMITTEE_REVIEW)
    if rng.random() < 0.3 and (quality >= 0.7 or quality < 0.3):
        # the committee's adjustment agrees with the record: a bonus for the best, a deduction
        # for the weakest
        services.adjustment_add(
            actor=committee,
            appraisal=a,
            points=rng.choice([2, 3]) if quality >= 0.7 else -2,
            reason=rng.choice(["重大项目攻坚贡献突出", "跨部门协作表现突出"]) if quality >= 0.7 else "客户投诉核实后扣分",
        )
        a.refresh_from_db()
    return a


def _conclude(a, target, *, committee):
    """From the committee's review on: published, then appealed or acknowledged."""
    if RUNNING_PLAN.index(target) <= REVIEWED:
        return a
    a = services.appraisal_move(actor=committee, appraisal=a, to_status=Step.PUBLISHED)
    if target == Step.PUBLISHED:
        return a
    if target == Step.APPEALED:
        return services.appraisal_move(
            actor=a.employee, appraisal=a, to_status=Step.APPEALED, reason="客户满意度调查样本过少，申请复核。"
        )
    return services.appraisal_move(actor=a.employee, appraisal=a, to_status=Step.ACKNOWLEDGED)


def _walk(appraisals, targets, *, committee, rng, quality, peers_of):
    """Every appraisal to its committee review (or its target, if earlier), then on: the scores
    are computed once for all of them, when the first is published (services.recompute_later)."""
    reviewed = [
        _review(
            a,
            RUNNING_PLAN[min(RUNNING_PLAN.index(target), REVIEWED)],
            committee=committee,
            rng=rng,
            quality=quality[a.employee_id],
            peers=peers_of(a.employee),
        )
        for a, target in zip(appraisals, targets, strict=True)
    ]
    return [_conclude(a, target, committee=committee) for a, target in zip(reviewed, targets, strict=True)]


def build(rng, opportunities, users) -> dict[str, int]:
    with services.recompute_later():
        return _build(rng, opportunities, users)


def _build(rng, opportunities, users) -> dict[str, int]:
    from presales.kpi.models import Scheme

    # The seed 001 form (kpi demo) measures what the demo company's records show for every
    # quarter; else the four-dimension engineer scheme, else any active one.
    scheme = (
        Scheme.objects.filter(status="active", code="SCH-001").first()
        or Scheme.objects.filter(status="active", code="SCH-ENG").first()
        or Scheme.objects.filter(status="active").order_by("code").first()
    )
    committee = next((u for u in users if RoleCode.COMMITTEE in u.role_codes), None) or next(
        (u for u in users if u.is_manager), None
    )
    if scheme is None or committee is None:
        return {"appraisal cycles": 0}
    engineers = [
        u
        for u in users
        if RoleCode.PRESALES_ENGINEER in u.role_codes
        and u.team_id
        and u.team.lead_id
        and u.team.lead_id != u.pk
        and u.pk != committee.pk
    ][:30]
    if not engineers:
        return {"appraisal cycles": 0}
    today = timezone.localdate()
    year, quarter = _quarter_of(today)
    prev_year, prev_quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    # The demo company's performance trait (presales.demo.company) where there is one.
    quality = {}
    for u in engineers:
        trait = getattr(u, "demo_performance", None)
        quality[u.pk] = trait if trait is not None else rng.uniform(0.35, 0.95)

    def peers_of(person):
        return [
            u
            for u in engineers
            if u.team_id == person.team_id and u.pk != person.pk and u.pk != person.team.lead_id
        ]

    # last quarter: closed, every result published
    start, end = _bounds(prev_year, prev_quarter)
    closed = services.cycle_create(
        actor=committee,
        name=f"{prev_year}年第{prev_quarter}季度售前绩效考核",
        kind="quarterly",
        year=prev_year,
        quarter=prev_quarter,
        start_on=start,
        end_on=end,
        self_due_on=end + timedelta(days=5),
        supervisor_due_on=end + timedelta(days=10),
        feedback_due_on=end + timedelta(days=15),
        committee_due_on=end + timedelta(days=20),
    )
    for person in engineers:
        services.participant_add(actor=committee, cycle=closed, employee=person, scheme=scheme)
    closed = services.cycle_open(actor=committee, cycle=closed)
    appraisals = list(
        closed.appraisals.select_related("employee", "supervisor", "cycle", "employee__team").order_by("pk")
    )
    walked = _walk(
        appraisals,
        [Step.PUBLISHED] * len(appraisals),
        committee=committee,
        rng=rng,
        quality=quality,
        peers_of=peers_of,
    )
    for index, a in enumerate(walked):
        if index == 0:  # one appeal, answered
            a = services.appraisal_move(
                actor=a.employee,
                appraisal=a,
                to_status=Step.APPEALED,
                reason="本季度参与的两个投标项目未计入，申请复核。",
            )
            services.appeal_answer(
                actor=committee,
                appraisal=a,
                outcome=AppealOutcome.REJECTED,
                answer="经核实，两个投标项目均在下季度截止，按规则计入下季度。",
            )
            a.refresh_from_db()
        services.appraisal_move(actor=a.employee, appraisal=a, to_status=Step.ACKNOWLEDGED)
    services.cycle_close(actor=committee, cycle=closed)

    # this quarter: running, the participants spread over every step
    start, end = _bounds(year, quarter)
    running = services.cycle_create(
        actor=committee,
        name=f"{year}年第{quarter}季度售前绩效考核",
        kind="quarterly",
        year=year,
        quarter=quarter,
        start_on=start,
        end_on=end,
        self_due_on=end + timedelta(days=5),
        supervisor_due_on=end + timedelta(days=10),
        feedback_due_on=end + timedelta(days=15),
        committee_due_on=end + timedelta(days=20),
    )
    for person in engineers:
        services.participant_add(actor=committee, cycle=running, employee=person, scheme=scheme)
    running = services.cycle_open(actor=committee, cycle=running)
    appraisals = list(
        running.appraisals.select_related("employee", "supervisor", "cycle", "employee__team").order_by("pk")
    )
    _walk(
        appraisals,
        [RUNNING_PLAN[i % len(RUNNING_PLAN)] for i in range(len(appraisals))],
        committee=committee,
        rng=rng,
        quality=quality,
        peers_of=peers_of,
    )

    # the annual cycle of last quarter's year, set up but not started
    services.cycle_create(
        actor=committee,
        name=f"{prev_year}年度售前绩效考核",
        kind="annual",
        year=prev_year,
        quarter=None,
        start_on=date(prev_year, 1, 1),
        end_on=date(prev_year, 12, 31),
    )
    cycles = Cycle.objects.filter(pk__in=[closed.pk, running.pk]).count() + 1
    return {
        "appraisal cycles": cycles,
        "appraisals": Appraisal.objects.filter(cycle__in=[closed, running]).count(),
        "appraisal entries": SourceEntry.objects.filter(appraisal__cycle__in=[closed, running]).count(),
        "committee adjustments": Adjustment.objects.filter(appraisal__cycle__in=[closed, running]).count(),
    }
