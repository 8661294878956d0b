"""Requirement research test data, written through the services (so the rules hold): an
opportunity of team A in discovery (lead engineer_a, sales sales_a, member engineer_a2), its
customer's contacts, a plan, activities, requirement items and confirmation rounds."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone

from presales.customers.models import Contact
from presales.discovery import services
from presales.opportunities.choices import Stage
from presales.opportunities.models import Opportunity

from .customers import CustomerFactory

_numbers = itertools.count(1)


def make_opportunity(cast, *, lead=None, sales=None, team=None, stage=Stage.DISCOVERY, confidential=False,
                     customer=None, name="储能电站监控平台", members=None) -> Opportunity:
    lead = cast.engineer_a if lead is None else lead
    customer = customer or CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    opportunity = Opportunity.objects.create(
        number=f"SJ-D-{next(_numbers):05d}", name=name, customer=customer, source="inquiry",
        industry="energy_storage", sales_owner=sales or cast.sales_a, presales_lead=lead, team=team or cast.team_a,
        stage=stage, confidential=confidential, stage_changed_at=timezone.now(),
    )
    opportunity.members.set([cast.engineer_a2] if members is None else members)
    return opportunity


def make_contact(customer, *, name="王主任", role="decision_maker", title="信息中心主任") -> Contact:
    return Contact.objects.create(customer=customer, name=name, role=role, title=title)


def make_plan(cast, opportunity, *, actor=None, **fields):
    today = timezone.localdate()
    data = {"goals": "摸清储能电站监控现状与告警痛点", "content": "业务流程、现有SCADA系统、告警处理、期望目标",
            "methods": ["interview", "site_visit"], "starts_on": today - timedelta(days=7),
            "ends_on": today + timedelta(days=7), "our_participants": [cast.engineer_a]}
    data.update(fields)
    return services.plan_create(actor=actor or cast.engineer_a, opportunity=opportunity, **data)


def add_activity(cast, opportunity, *, actor=None, done=False, **fields):
    data = {"kind": "interview", "subject": "与运维部访谈",
            "scheduled_at": timezone.now() - timedelta(days=1) if done else timezone.now() + timedelta(days=2),
            "notes": "现有告警误报多，夜班人手不足。" if done else ""}
    data.update(fields)
    return services.activity_create(actor=actor or cast.engineer_a, opportunity=opportunity, done=done, **data)


def add_item(cast, opportunity, *, actor=None, **fields):
    data = {"title": "告警分级推送", "description": "按严重程度分级推送到值班手机", "priority": "must",
            "category": "functional"}
    data.update(fields)
    return services.item_create(actor=actor or cast.engineer_a, opportunity=opportunity, **data)


def confirm(cast, opportunity, *, actor=None, **fields):
    data = {"method": "signature", "confirmed_on": timezone.localdate(), "signatory_name": "王主任",
            "signatory_title": "信息中心主任"}
    data.update(fields)
    return services.confirmation_record(actor=actor or cast.engineer_a, opportunity=opportunity, **data)


def researched(cast, opportunity=None, *, items=2, confirmed=True):
    """An opportunity with a plan, one done activity, `items` requirement items and (optionally)
    a current confirmation."""
    opportunity = opportunity or make_opportunity(cast)
    make_plan(cast, opportunity)
    activity = add_activity(cast, opportunity, done=True)
    for i in range(items):
        add_item(cast, opportunity, title=f"需求{i + 1}", source_activity=activity)
    if confirmed and items:
        confirm(cast, opportunity)
    return opportunity
