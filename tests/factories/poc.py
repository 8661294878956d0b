"""POC test data: an opportunity to hang POCs on, and a POC filled in item by item through the
services, so that a test can leave out exactly the readiness items it wants missing."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from presales.opportunities.choices import Stage
from presales.opportunities.models import Opportunity
from presales.poc import services
from presales.poc.models import Poc

from .customers import CustomerFactory

_numbers = itertools.count(1)


def make_opportunity(cast, *, lead=None, sales=None, team=None, stage=Stage.DEMO_POC, confidential=False,
                     customer=None, name="储能BMS升级项目", members=()) -> Opportunity:
    lead = cast.engineer_a if lead is None else lead
    sales = sales or cast.sales_a
    customer = customer or CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a,
                                           industry="energy_storage")
    opportunity = Opportunity.objects.create(
        number=f"SJ-T-{next(_numbers):05d}", name=name, customer=customer, source="inquiry",
        industry="energy_storage", sales_owner=sales, presales_lead=lead, team=team or cast.team_a, stage=stage,
        confidential=confidential, stage_changed_at=timezone.now(),
    )
    if members:
        opportunity.members.set(members)
    return opportunity


def make_poc(cast, *, opportunity=None, actor=None, **fields) -> Poc:
    opportunity = opportunity or make_opportunity(cast)
    actor = actor or cast.engineer_a
    today = timezone.localdate()
    data = {"title": "BMS响应时间验证", "hypotheses": ["验证新BMS在高温工况下响应时间≤80ms"],
            "planned_start_on": today, "planned_end_on": today + timedelta(days=30)}
    data.update(fields)
    return services.poc_create(actor=actor, opportunity=opportunity, **data)


KICKOFF_ATTENDEES = [
    {"side": "ours", "role": "sales_lead", "name": "刘销售"},
    {"side": "ours", "role": "technical_lead", "name": "张工"},
    {"side": "ours", "role": "project_manager", "name": "周经理"},
    {"side": "customer", "role": "decision_maker", "name": "陈总"},
    {"side": "customer", "role": "technical_contact", "name": "吴工"},
]


def add_criterion(poc, actor, **fields):
    data = {"name": "BMS响应时间", "unit": "ms", "direction": "lower", "form": "absolute", "pass_level": Decimal(80),
            "excellent_level": Decimal(50), "aggregation": "mean", "data_source": "our_system",
            "sampling_frequency": "每小时", "sample_size": 3, "agreed": True, "is_key": True}
    data.update(fields)
    return services.criterion_create(actor=actor, poc=poc, **data)


def complete(poc, actor, *, skip=()) -> Poc:
    """Satisfy every readiness item but those in `skip` (item numbers), the way a user would."""
    skip = set(skip)
    today = timezone.localdate()
    if 1 not in skip:
        services.kickoff_record(actor=actor, poc=poc, held_at=timezone.now() - timedelta(days=1),
                                duration_minutes=60, minutes="确认假设、标准、周期、资源和下一步", attendees=KICKOFF_ATTENDEES)
    if 3 not in skip:
        add_criterion(
            poc, actor,
            is_key=6 not in skip,
            excellent_level=None if 7 in skip else Decimal(50),
            data_source="" if 8 in skip else "our_system",
            agreed=9 not in skip,
        )
    changes = {}
    if 4 not in skip:
        changes["next_step"] = "negotiation"
    if 14 not in skip:
        changes.update(our_escalation_contact="张工", our_escalation_phone="13800000001",
                       customer_escalation_contact="吴工", customer_escalation_phone="13900000002", response_hours=4)
    if changes:
        fresh = Poc.objects.get(pk=poc.pk)
        services.poc_update(actor=actor, poc=fresh, expected_version=fresh.version, **changes)
    if 10 not in skip:
        for side, kind, who in (("ours", "technical_lead", "张工"), ("ours", "backup", "赵工"),
                                ("customer", "technical_lead", "吴工")):
            services.resource_create(actor=actor, poc=poc, side=side, kind=kind, description=who, confirmed=True)
    services.resource_create(actor=actor, poc=poc, side="ours", kind="prototype", description="BMS-3000 ×2",
                             quantity=2, due_on=today, confirmed=True)
    for number in (11, 12, 13):
        if number not in skip:
            services.readiness_answer(actor=actor, poc=poc, item=number, done=True, note="已确认")
    if 15 not in skip:
        services.risk_create(actor=actor, poc=poc, description="高温舱温控不稳定", likelihood="medium", impact="high",
                             fallback_plan="" if 16 in skip else "改用客户备用舱，延长一周")
    if 5 not in skip:
        services.poc_confirm_launch(actor=actor, poc=poc, method="signed", our_signatory="王经理",
                                    our_signed_on=today, customer_signatory="陈总", customer_signed_on=today)
    if 2 in skip:  # no service writes this (0 hypotheses are refused): only old or imported data has it
        Poc.objects.filter(pk=poc.pk).update(hypotheses=[])
    return Poc.objects.get(pk=poc.pk)


def running_poc(cast, *, actor=None, **fields) -> Poc:
    """A POC that passed the launch and the readiness gate and runs."""
    actor = actor or cast.engineer_a
    poc = complete(make_poc(cast, actor=actor, **fields), actor)
    poc = services.poc_move(actor=actor, poc=poc, to_status="ready")
    return services.poc_move(actor=actor, poc=poc, to_status="running")


def measure(poc, criterion, actor, *values, start=None):
    start = start or timezone.now() - timedelta(hours=len(values))
    for i, value in enumerate(values):
        services.measurement_record(actor=actor, poc=poc, criterion=criterion, measured_at=start + timedelta(minutes=i),
                                    value=Decimal(str(value)))
