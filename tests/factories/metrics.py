"""Helpers for the metrics tests: local time stamps and source records placed exactly where a
test wants them (rows written directly, with the times the test gives)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time

from presales.metrics.period import local_tz
from presales.opportunities.choices import CLOSED_STAGES, Stage
from presales.opportunities.models import Opportunity, StageEvent
from presales.poc.models import Poc

from .customers import CustomerFactory
from .opportunities import OpportunityFactory

_numbers = itertools.count(1)


def at(day: date, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    """An aware time stamp at local (Asia/Shanghai) wall-clock time."""
    return datetime.combine(day, time(hour, minute, second), tzinfo=local_tz())


def customer_of(engineer, sales, **kwargs):
    return CustomerFactory(presales_owner=engineer, sales_owner=sales, **kwargs)


def project(
    customer, *, lead, stage=Stage.LEAD, closed_at=None, created_at=None, members=(), **kwargs
) -> Opportunity:
    """An opportunity with the given lead, stage and times (created_at is rewritten after insert,
    it is auto_now_add)."""
    o = OpportunityFactory(
        customer=customer,
        presales_lead=lead,
        stage=stage,
        closed_at=closed_at if stage in CLOSED_STAGES else None,
        members=list(members),
        **kwargs,
    )
    if created_at is not None:
        Opportunity.objects.filter(pk=o.pk).update(created_at=created_at)
        o.created_at = created_at
    return o


def stage_event(opportunity, to_stage, actor, from_stage=""):
    return StageEvent.objects.create(
        opportunity=opportunity, from_stage=from_stage, to_stage=to_stage, actor=actor
    )


def poc_row(opportunity, *, status, ended_at=None, verdict="") -> Poc:
    return Poc.objects.create(
        number=f"POC-T-{next(_numbers):04d}",
        opportunity=opportunity,
        customer=opportunity.customer,
        title="BMS响应时间验证",
        our_company="我司",
        status=status,
        ended_at=ended_at,
        verdict=verdict,
    )
