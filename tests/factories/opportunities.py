"""Opportunities for tests. `OpportunityFactory` writes rows directly (any stage, no gates);
tests of the rules go through the services instead."""

import itertools
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from presales.customers.choices import Channel
from presales.customers.models import CommunicationLog
from presales.opportunities.choices import CLOSED_STAGES, Outcome, Source, Stage
from presales.opportunities.models import Handover, Opportunity, Retrospective

from .customers import CustomerFactory

_numbers = itertools.count(1)


class OpportunityFactory(factory.django.DjangoModelFactory):
    """An opportunity of the customer's team, sold by the customer's sales owner. Pass
    `presales_lead=` to give it a lead (the early-involvement clock is then set to now)."""

    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    number = factory.LazyFunction(lambda: f"SJ-T-{next(_numbers):05d}")
    name = factory.Sequence(lambda n: f"测试商机{n}：储能BMS数据平台")
    customer = factory.SubFactory(CustomerFactory)
    source = Source.INQUIRY
    industry = factory.LazyAttribute(lambda o: o.customer.industry)
    sales_owner = factory.LazyAttribute(lambda o: o.customer.sales_owner)
    team = factory.LazyAttribute(lambda o: o.customer.team)
    presales_lead = None
    presales_assigned_at = factory.LazyAttribute(lambda o: timezone.now() if o.presales_lead else None)
    stage = Stage.LEAD
    stage_changed_at = factory.LazyFunction(timezone.now)
    closed_at = factory.LazyAttribute(lambda o: timezone.now() if o.stage in CLOSED_STAGES else None)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


def ready_for_negotiation(**kwargs) -> dict:
    return {
        "estimated_amount": Decimal("1200000.00"),
        "expected_close_on": timezone.localdate() + timedelta(days=60),
        **kwargs,
    }


def add_communication(opportunity, **kwargs) -> CommunicationLog:
    data = dict(
        customer=opportunity.customer,
        opportunity=opportunity,
        occurred_at=timezone.now() - timedelta(hours=3),
        channel=Channel.MEETING,
        participants="张工、客户信息中心王主任",
        subject="需求调研访谈",
        content="了解了现有BMS数据采集方式和告警痛点。",
        created_by=opportunity.customer.presales_owner,
    )
    data.update(kwargs)
    return CommunicationLog.objects.create(**data)


class RetrospectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Retrospective

    opportunity = factory.SubFactory(OpportunityFactory)
    outcome = Outcome.WON
    summary = "客户认可POC结果，价格在预算内。"
    lessons = "尽早让决策者参加演示。"
    held_on = factory.LazyFunction(timezone.localdate)
    created_by = factory.LazyAttribute(lambda o: o.opportunity.sales_owner)


class HandoverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Handover

    opportunity = factory.SubFactory(OpportunityFactory)
    delivery_owner = factory.LazyAttribute(lambda o: o.opportunity.customer.presales_owner)
    handover_on = factory.LazyFunction(timezone.localdate)
    responsibilities = "交付经理负责实施计划与上线验收。"
    created_by = factory.LazyAttribute(lambda o: o.opportunity.sales_owner)
