"""Demo bids for the demo company: `build(rng, opportunities, users)` creates bids in every state
(preparing with the deadline far, within 72 h and within 4 h, with a disqualification risk;
submitted awaiting the result, with a receipt; won, lost, invalid, tender cancelled; withdrawn),
through the real services (numbers, default sections and checklist, the submission gate).
Returns {"bids": n, "deviation_rows": m}."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from presales.opportunities.choices import CLOSED_STAGES, Stage

from . import services

ISSUERS = ["华东电网物资有限公司", "江苏省政府采购中心", "某新能源集团招标中心", "长三角智能制造产业园管委会",
           "华南储能科技股份有限公司"]
ROWS = [
    ("★系统应支持-20°C至55°C环境温度运行", True, "支持-30°C至60°C运行", "positive", "宽温设计，优于招标要求"),
    ("BMS响应时间不大于100ms", False, "实测响应时间≤80ms", "positive", "第三方检测报告见附件"),
    ("支持IEC 61850通信协议", False, "支持IEC 61850", "none", ""),
    ("★质保期不少于5年", True, "质保期5年", "none", ""),
    ("提供本地化备件库", False, "提供华东区域备件中心，48小时到货", "negative", "备件库位于苏州，非项目所在地"),
]
# (target, deadline offset in hours)
PLAN = [
    ("preparing", 24 * 12), ("preparing_72h", 60), ("preparing_4h", 3), ("preparing_risk", 24 * 5),
    ("submitted", 24 * 2), ("receipt", 24 * 3), ("won", 24 * 4), ("lost", 24 * 4), ("invalid", 24 * 4),
    ("cancelled", 24 * 6), ("withdrawn", 24 * 8),
]


def _candidates(opportunities) -> list:
    usable = [o for o in opportunities if o.presales_lead_id and o.stage not in CLOSED_STAGES]
    return sorted(usable, key=lambda o: (o.stage != Stage.BID, o.pk))


def _people(opportunity, users):
    members = list(opportunity.members.all())
    team = [u for u in users if u.team_id == opportunity.team_id and u.is_active]
    business = next((u for u in team if u.has_role("business_specialist")), None)
    technical = next((u for u in team if u.has_role("solution_architect")), None)
    return business or (members[0] if members else opportunity.presales_lead), technical or opportunity.presales_lead


def _prepare(bid, actor, rng, *, risk=False) -> int:
    rows = ROWS if risk else [r for r in ROWS if r[3] != "negative"]
    for number, (requirement, mandatory, response, deviation, explanation) in enumerate(rows, start=1):
        if risk and number == 1:
            response, deviation, explanation = "支持-10°C至55°C运行", "negative", "低温段需加装加热模块，另行报价"
        services.deviation_create(actor=actor, bid=bid, item_no=number, requirement=requirement, mandatory=mandatory,
                                  response=response, deviation=deviation, explanation=explanation)
    now = timezone.now()
    for title, hours_before in (("商务、技术初稿完成", 48), ("内部评审", 24), ("封标", 6)):
        due = bid.deadline - timedelta(hours=hours_before)
        if due > now - timedelta(days=3):
            services.milestone_create(actor=actor, bid=bid, title=title, due_at=due, owner=actor)
    services.meeting_create(actor=actor, bid=bid, held_at=now - timedelta(days=2),
                            participants="售前经理、商务专员、解决方案架构师",
                            minutes="明确商务部分由商务专员负责、技术部分由架构师负责；确定封标时间。")
    _tick(bid, actor, sections=list(bid.sections.all()[: rng.randint(3, 8)]))
    return len(rows)


def _tick(bid, actor, *, sections=(), items=()) -> None:
    """Mark sections done and review items checked, in bulk with a history row each (ticking a
    checklist line checks no rule; the submission gate that reads the checklist is the service's).
    The bid's version moves once, as after any change to its records."""
    from presales.demo.util import HistoryWriter

    from .models import Bid, ReviewItem, Section

    now, history = timezone.now(), HistoryWriter()
    for section in sections:
        section.done, section.done_at, section.updated_at = True, now, now
        section.version += 1
        history.add(section, now, actor.pk, "~")
    for item in items:
        item.checked_by, item.checked_at, item.version, item.updated_at = actor, now, item.version + 1, now
        history.add(item, now, actor.pk, "~")
    Section.objects.bulk_update(sections, ["done", "done_at", "version", "updated_at"])
    ReviewItem.objects.bulk_update(items, ["checked_by", "checked_at", "version", "updated_at"])
    history.flush()
    bid = Bid.objects.get(pk=bid.pk)
    bid.version += 1
    bid._history_user = actor
    bid.save(update_fields=["version", "updated_at"])


def _complete(bid, actor) -> None:
    _tick(bid, actor, sections=list(bid.sections.filter(done=False)), items=list(bid.review_items.all()))


def build(rng, opportunities, users) -> dict[str, int]:
    counts = {"bids": 0, "deviation_rows": 0}
    users = list(users or [])
    now = timezone.now()
    for index, opportunity in enumerate(_candidates(opportunities)[: len(PLAN)]):
        target, hours = PLAN[index]
        actor = opportunity.presales_lead
        business, technical = _people(opportunity, users)
        bond = Decimal(rng.choice([0, 50000, 100000]))
        bid = services.bid_create(
            actor=actor, opportunity=opportunity, issuer=rng.choice(ISSUERS), project_name=f"{opportunity.name}招标",
            tender_number=f"ZB-{now.year}-{rng.randint(100, 999)}", deadline=now + timedelta(hours=hours),
            time_zone="America/New_York" if index == 5 else "Asia/Shanghai",
            opening_place="招标中心三楼开标室", bond_amount=bond or None,
            bond_status="pending" if bond else "not_required", copies=rng.choice([3, 5]), binding="胶装，正副本分别装订",
            sealing="密封并加盖公章，封口处注明“开标前不得开启”", electronic_upload=rng.random() < 0.5,
            business_owner=business, technical_owner=technical,
        )
        if bid.bond_amount:
            services.bid_update(actor=actor, bid=bid, bond_status="paid")
        counts["bids"] += 1
        counts["deviation_rows"] += _prepare(bid, actor, rng, risk=target == "preparing_risk")
        if target.startswith("preparing"):
            continue
        if target == "cancelled":
            services.result_record(actor=actor, bid=bid, result="cancelled", result_notes="招标人终止招标")
            continue
        if target == "withdrawn":
            services.bid_withdraw(actor=actor, bid=bid, reason="资质要求与我方不符，放弃投标")
            continue
        _complete(bid, actor)
        bid = services.bid_submit(actor=actor, bid=bid, method=rng.choice(["in_person", "courier", "electronic"]),
                                  note="正本1份、副本4份，密封递交")
        if target == "submitted":
            continue
        bid = services.receipt_record(actor=actor, bid=bid, receipt_number=f"HZ{rng.randint(10000, 99999)}",
                                      received_by="招标代理 王女士", received_at=timezone.now())
        if target == "receipt":
            continue
        bidders = rng.randint(3, 7)
        price = Decimal(rng.randint(80, 300) * 10000)
        if target == "won":
            services.result_record(actor=actor, bid=bid, result="won", our_rank=1, bidder_count=bidders,
                                   winning_bidder="我方", winning_price=price, our_price=price,
                                   result_notes="综合评分第一")
        elif target == "lost":
            services.result_record(actor=actor, bid=bid, result="lost", our_rank=2, bidder_count=bidders,
                                   winning_bidder="某竞争对手科技有限公司", winning_price=price,
                                   our_price=price + Decimal(150000), result_notes="价格分差距较大")
        else:
            services.result_record(actor=actor, bid=bid, result="invalid", bidder_count=bidders,
                                   winning_bidder="某竞争对手科技有限公司", result_notes="授权书未加盖公章，被判废标")
    return counts
