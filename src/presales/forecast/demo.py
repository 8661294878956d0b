"""Demo data of the forecast: closed historical opportunities whose outcome depends on what was
recorded about them, then the model trained on the company's whole closed history.

Why the history: the demo company (presales.demo.company) picks each opportunity's final stage at
random, independently of its recorded traits, and the workflow modules' demo builders (POCs,
demos, solutions, bids) only work on open opportunities — so its closed history carries almost no
signal a model could learn. `add_history` writes, in bulk and consistently (stage events from
creation to the close, a retrospective, a handover for each win, communications, complaints,
research reports, history rows), closed opportunities of the company's customers whose chance of
winning rises with early presales involvement, a research report, frequent communication, a
partner referral and a short demo/POC stage, and falls with complaints and very large amounts.
The same generator feeds the tests (a model must beat the constant baseline) and the benchmark."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from presales.core.errors import DomainError

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
STAGE_DAYS = {  # days spent in a stage (min, max)
    "lead": (3, 20),
    "discovery": (7, 30),
    "solution": (7, 30),
    "demo_poc": (10, 45),
    "bid": (10, 30),
    "negotiation": (5, 25),
}
OPEN_PATH = ["lead", "discovery", "solution", "demo_poc", "bid", "negotiation"]
SOURCE_EFFECT = {
    "partner": 0.6,
    "network": 0.3,
    "inquiry": 0.2,
    "event": -0.1,
    "market_intel": -0.5,
    "other": -0.3,
}
INDUSTRY_EFFECT = {"energy_storage": 0.4, "robotics": 0.2, "government": -0.3, "finance": -0.2}
ABANDONED_SHARE = 0.12
CHANNELS = ["phone", "email", "meeting", "onsite", "im", "video"]


def true_logit(
    *,
    early: bool,
    research: bool,
    per_month: float,
    complaints: int,
    source: str,
    industry: str,
    amount: Decimal,
    demo_days: float,
) -> float:
    """The generator's own rule for the chance of winning (what a model should recover)."""
    return (
        -0.9
        + 1.3 * early
        + 0.9 * research
        + 0.45 * (per_month - 1.5)
        - 1.1 * complaints
        + SOURCE_EFFECT.get(source, 0.0)
        + INDUSTRY_EFFECT.get(industry, 0.0)
        - 0.6 * (amount >= Decimal("10000000"))
        - 0.02 * (demo_days - 25)
    )


def add_history(
    rng, *, customers, count: int, now: datetime | None = None, span_days: int = 720
) -> dict[str, int]:
    """Write `count` closed opportunities (won, lost or abandoned) of `customers`, closed over the
    last `span_days` days. Returns the counts written."""
    from presales.customers.choices import ComplaintStatus, Severity
    from presales.customers.models import CommunicationLog, Complaint
    from presales.demo import vocab
    from presales.demo.util import HistoryWriter, explicit_timestamps, number_by_year
    from presales.discovery.models import ResearchReport
    from presales.opportunities.choices import Progress, Source, Stage
    from presales.opportunities.models import Handover, Opportunity, Retrospective, StageEvent

    now = (now or timezone.now()).replace(microsecond=0)
    customers = [c for c in customers if c.presales_owner_id and c.sales_owner_id]
    if not customers or count <= 0:
        return {}
    sources = [s for s in Source.values]
    plans = []
    for _ in range(count):
        customer = customers[rng.randrange(len(customers))]
        industry = customer.industry
        source = rng.choices(sources, weights=[3, 2, 2, 2, 1, 1][: len(sources)])[0]
        amount = Decimal(round(10 ** rng.uniform(5.4, 7.5), -4))
        early = rng.random() < 0.55
        research = rng.random() < (0.7 if early else 0.4)
        complaints = 1 if rng.random() < 0.12 else 0
        durations = {s: rng.uniform(*STAGE_DAYS[s]) for s in OPEN_PATH}
        life = sum(durations.values())
        n_comms = 1 + rng.randint(0, 2) + (2 if early else 0) + rng.randint(0, 5)
        per_month = n_comms * 30.0 / max(life, 1.0)
        p = 1 / (
            1
            + math.exp(
                -true_logit(
                    early=early,
                    research=research,
                    per_month=per_month,
                    complaints=complaints,
                    source=source,
                    industry=industry,
                    amount=amount,
                    demo_days=durations["demo_poc"],
                )
            )
        )
        if rng.random() < ABANDONED_SHARE:
            outcome = Stage.ABANDONED
            path = OPEN_PATH[: rng.randint(1, 5)]
        elif rng.random() < p:
            outcome, path = Stage.WON, list(OPEN_PATH)
        else:
            outcome = Stage.LOST
            path = OPEN_PATH[
                : OPEN_PATH.index(rng.choices(["demo_poc", "bid", "negotiation"], [2, 4, 4])[0]) + 1
            ]
        closed_at = (now - DAY * rng.uniform(3, span_days)).replace(microsecond=0)
        spent = [DAY * durations[s] for s in path]
        total = sum(spent, timedelta())
        created = closed_at - total
        times = [created]
        for d in spent[:-1]:
            times.append(times[-1] + d)
        assigned = created + (HOUR * rng.uniform(0.5, 20) if early else HOUR * rng.uniform(30, 200))
        assigned = min(assigned, (times[1] if len(times) > 1 else closed_at) - HOUR)
        if not early and assigned - created <= DAY:  # a squeezed late assignment stays late
            assigned = created + DAY + HOUR
        plans.append(
            {
                "customer": customer,
                "industry": industry,
                "source": source,
                "amount": amount,
                "early": early,
                "research": research,
                "complaints": complaints,
                "n_comms": n_comms,
                "outcome": outcome,
                "path": path,
                "times": times,
                "closed_at": closed_at,
                "created": created,
                "assigned": assigned,
            }
        )

    plans.sort(key=lambda p: p["created"])
    opportunities = []
    for p in plans:
        customer = p["customer"]
        _prefixes, _suffixes, subjects, competitors = vocab.INDUSTRIES.get(
            p["industry"], next(iter(vocab.INDUSTRIES.values()))
        )
        subject = subjects[rng.randrange(len(subjects))]
        progress = {Stage.WON: Progress.WON, Stage.LOST: Progress.LOST}.get(p["outcome"], Progress.ABANDONED)
        opportunities.append(
            Opportunity(
                name=f"{customer.short_name or customer.name[:6]}{subject}（历史）"[:200],
                customer=customer,
                source=p["source"],
                industry=p["industry"],
                description=f"{vocab.SOURCE_DESCRIPTIONS.get(p['source'], '')}。"
                f"希望通过{subject}解决现有问题。",
                estimated_amount=p["amount"],
                budget=None,
                competitors="、".join(rng.sample(competitors, k=min(2, len(competitors)))),
                expected_close_on=timezone.localdate(p["closed_at"]),
                sales_owner_id=customer.sales_owner_id,
                presales_lead_id=customer.presales_owner_id,
                team_id=customer.team_id,
                stage=p["outcome"],
                stage_changed_at=p["closed_at"],
                presales_assigned_at=p["assigned"],
                closed_at=p["closed_at"],
                progress=progress,
                version=len(p["path"]) + 2,
                confidential=customer.confidential,
                created_by_id=customer.sales_owner_id,
                created_at=p["created"],
                updated_at=p["closed_at"],
            )
        )
    history = HistoryWriter()
    with transaction.atomic(), explicit_timestamps(("opportunities", "customers", "discovery")):
        number_by_year(
            opportunities, prefix="SJ", when="created_at", local_year=lambda dt: timezone.localdate(dt).year
        )
        Opportunity.objects.bulk_create(opportunities, batch_size=1000)
        events, retros, handovers, comms, complaints, reports = [], [], [], [], [], []
        for opp, p in zip(opportunities, plans, strict=True):
            history.add(opp, opp.created_at, opp.created_by_id)
            lead, sales = opp.presales_lead_id, opp.sales_owner_id
            stages = [*p["path"], p["outcome"]]
            moments = [*p["times"], p["closed_at"]]
            previous = ""
            for stage, at in zip(stages, moments, strict=True):
                reasons = vocab.STAGE_REASONS.get(stage) or ["新建商机"]
                events.append(
                    StageEvent(
                        opportunity=opp,
                        from_stage=previous,
                        to_stage=stage,
                        actor_id=lead if stage not in (Stage.WON, Stage.LOST) else sales,
                        at=at,
                        reason=reasons[rng.randrange(len(reasons))] if previous else "新建商机",
                    )
                )
                previous = stage
            texts = vocab.RETRO_TEXTS[p["outcome"]]
            held = p["closed_at"] - HOUR * 2
            retros.append(
                Retrospective(
                    opportunity=opp,
                    outcome=p["outcome"],
                    summary=texts["summary"][rng.randrange(len(texts["summary"]))],
                    went_well=texts["went_well"][0],
                    went_wrong=texts["went_wrong"][0],
                    decisive_factors="、".join(texts["factors"][:2]),
                    lessons="；".join(texts["lessons"][:2]),
                    competitor_won=opp.competitors.split("、")[0] if p["outcome"] == Stage.LOST else "",
                    held_on=timezone.localdate(held),
                    participants="",
                    created_by_id=lead,
                    created_at=held,
                    updated_at=held,
                )
            )
            if p["outcome"] == Stage.WON:
                handovers.append(
                    Handover(
                        opportunity=opp,
                        delivery_owner_id=lead,
                        handover_on=min(
                            timezone.localdate(p["closed_at"] + DAY * rng.uniform(1, 10)),
                            timezone.localdate(now),
                        ),
                        responsibilities=vocab.HANDOVER_RESPONSIBILITIES[
                            rng.randrange(len(vocab.HANDOVER_RESPONSIBILITIES))
                        ],
                        documents="需求确认书、技术方案（终版）、投标文件、合同技术附件",
                        created_by_id=lead,
                        created_at=p["closed_at"] - HOUR,
                        updated_at=p["closed_at"] - HOUR,
                    )
                )
            for i in range(p["n_comms"]):
                if i == 0 and len(p["times"]) > 2:  # research on record before the move to solution design
                    at = p["times"][1] + (p["times"][2] - p["times"][1]) * rng.uniform(0.1, 0.9)
                else:
                    at = p["created"] + (p["closed_at"] - p["created"]) * rng.random()
                at = at.replace(microsecond=0)
                comms.append(
                    CommunicationLog(
                        customer_id=opp.customer_id,
                        opportunity=opp,
                        occurred_at=at,
                        channel=CHANNELS[rng.randrange(len(CHANNELS))],
                        participants="客户信息中心、售前、销售",
                        subject="项目进展沟通",
                        content="同步项目进展，确认下一步安排。",
                        created_by_id=lead,
                        created_at=at,
                        updated_at=at,
                    )
                )
            if p["complaints"]:
                at = p["created"] + (p["closed_at"] - p["created"]) * rng.uniform(0.3, 0.9)
                complaints.append(
                    Complaint(
                        customer_id=opp.customer_id,
                        opportunity=opp,
                        against_id=lead,
                        received_on=timezone.localdate(at),
                        severity=Severity.MEDIUM,
                        description="客户反映技术答复不及时，方案修改反复。",
                        status=ComplaintStatus.HANDLED,
                        handling="售前负责人当面致歉并调整响应安排。",
                        handled_at=at + DAY,
                        created_by_id=sales,
                        created_at=at,
                        updated_at=at + DAY,
                    )
                )
            if p["research"] and len(p["path"]) >= 2:
                at = (
                    p["times"][1] + (p["times"][2] - p["times"][1]) * 0.8
                    if len(p["times"]) > 2
                    else p["times"][1]
                )
                reports.append(
                    ResearchReport(
                        opportunity=opp,
                        summary="现场调研完成，梳理了现状、痛点与建设目标。",
                        pain_points="告警误报多、运维人手不足",
                        created_by_id=lead,
                        created_at=at,
                        updated_at=at,
                    )
                )
        StageEvent.objects.bulk_create(events, batch_size=2000)
        for model, rows in (
            (Retrospective, retros),
            (Handover, handovers),
            (CommunicationLog, comms),
            (Complaint, complaints),
            (ResearchReport, reports),
        ):
            model.objects.bulk_create(rows, batch_size=2000)
            history.add_created(rows)
        written = history.flush()
    return {
        "historical opportunities": len(opportunities),
        "won": sum(p["outcome"] == Stage.WON for p in plans),
        "lost": sum(p["outcome"] == Stage.LOST for p in plans),
        "stage events": len(events),
        "communications": len(comms),
        "research reports": len(reports),
        "history rows": written,
    }


def history_size(opportunities) -> int:
    """Enough closed history for a model at scale 1, growing with the company."""
    return max(300, len(opportunities))


def build(rng, opportunities, users) -> dict[str, int]:
    """Add the closed history to the demo company's customers, then train the model on every
    closed opportunity (the company's own and the history) and estimate the open ones."""
    from .services import win_model_train

    customers = list({o.customer_id: o.customer for o in opportunities}.values())
    # Anchored on the demo company's own clock (its latest opportunity), not the wall clock, so
    # that the same seed gives the same company.
    anchor = max((o.created_at for o in opportunities), default=None)
    # The older history: closed before the quarter preceding the anchor's, so that the periods the
    # appraisals measure (last quarter, this one) hold only the company's own work.
    if anchor is not None:
        local = timezone.localdate(anchor)
        quarter_start = date(local.year, (local.month - 1) // 3 * 3 + 1, 1)
        previous = date(
            quarter_start.year - (quarter_start.month == 1), (quarter_start.month - 4) % 12 + 1, 1
        )
        anchor = min(anchor, timezone.make_aware(datetime.combine(previous, datetime.min.time())))
    counts = add_history(rng, customers=customers, count=history_size(opportunities), now=anchor)
    try:
        model = win_model_train()
    except DomainError:
        return counts
    counts["win model version"] = model.version
    counts["win estimates"] = model.predictions_count
    return counts
