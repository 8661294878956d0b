"""Appraisal test data: a small kpi scheme (a computed, a hand-entered and a survey indicator), a
quarterly cycle and participants, and helpers that walk an appraisal through its steps via the
services."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from presales.accounts.choices import RoleCode
from presales.appraisal import services
from presales.appraisal.choices import Source, Step
from presales.kpi.models import Indicator, Scheme, SchemeItem

from .accounts import make_user

_n = itertools.count(1)


def make_indicator(**fields) -> Indicator:
    n = next(_n)
    defaults = {
        "code": f"T-{n:04d}",
        "name": f"指标{n}",
        "dimension": "process",
        "data_source": "manual",
        "rule_type": "manual",
        "rule_params": {"scale": 5},
        "max_points": Decimal("100"),
        "evaluation_sources": ["self", "supervisor"],
    }
    defaults.update(fields)
    return Indicator.objects.create(**defaults)


def make_scheme(*, dimension_weights=None, computed=True) -> Scheme:
    """Items: [computed complaints 40 % results, −20 per complaint] + hand-entered rating 40 % process +
    customer survey 20 % collaboration (without the computed item the rating weighs 80 %)."""
    n = next(_n)
    scheme = Scheme.objects.create(
        name=f"方案{n}", code=f"S-{n:04d}", status="active", dimension_weights=dimension_weights or {}
    )
    position = 0
    if computed:
        shares = make_indicator(
            name="客户投诉",
            dimension="results",
            data_source="computed",
            metric_code="complaints",
            rule_type="deduction",
            rule_params={"per_occurrence": 20},
            evaluation_sources=["system"],
        )
        SchemeItem.objects.create(
            scheme=scheme, indicator=shares, weight=Decimal("40"), dimension="results", position=position
        )
        position += 1
    rating = make_indicator(name="工作表现")
    SchemeItem.objects.create(
        scheme=scheme,
        indicator=rating,
        weight=Decimal("40" if computed else "80"),
        dimension="process",
        position=position,
    )
    survey = make_indicator(
        name="客户满意度",
        dimension="collaboration",
        data_source="survey",
        rule_type="linear",
        rule_params={"zero_at": 60, "full_at": 95},
        evaluation_sources=["customer"],
    )
    SchemeItem.objects.create(
        scheme=scheme,
        indicator=survey,
        weight=Decimal("20"),
        dimension="collaboration",
        position=position + 1,
    )
    return scheme


def make_committee(team=None, **kwargs):
    kwargs.setdefault("username", f"committee{next(_n)}")
    kwargs.setdefault("display_name", "考核委员")
    return make_user(RoleCode.COMMITTEE, team=team, **kwargs)


def make_cycle(actor, **fields):
    defaults = {
        "name": f"2026年第{fields.get('quarter', 1)}季度考核",
        "kind": "quarterly",
        "year": 2026,
        "quarter": 1,
        "start_on": date(2026, 1, 1),
        "end_on": date(2026, 3, 31),
    }
    defaults.update(fields)
    return services.cycle_create(actor=actor, **defaults)


def running_cycle(cast, *, committee, scheme=None, people=None, **fields):
    """An open cycle with the given people (default engineer_a and engineer_a2) supervised by lead_a."""
    scheme = scheme or make_scheme()
    cycle = make_cycle(committee, **fields)
    for person in people if people is not None else [cast.engineer_a, cast.engineer_a2]:
        services.participant_add(
            actor=committee, cycle=cycle, employee=person, scheme=scheme, supervisor=cast.lead_a
        )
    return services.cycle_open(actor=committee, cycle=cycle)


def hand_items(appraisal):
    from presales.appraisal.selectors import manual_items

    return manual_items(appraisal)


def fill_self(appraisal, value=4):
    values = {
        i.indicator_id: (value if i.indicator.data_source == "manual" else 80) for i in hand_items(appraisal)
    }
    return services.entries_save(
        actor=appraisal.employee,
        appraisal=appraisal,
        source=Source.SELF,
        values=values,
        summary="本季度完成主要目标",
    )


def submit(appraisal, actor, to, reason=""):
    return services.appraisal_move(actor=actor, appraisal=appraisal, to_status=to, reason=reason)


def to_committee(appraisal, cast, *, committee, self_value=4, supervisor_value=3, customer=90):
    """Walk an appraisal from self-assessment to committee review."""
    fill_self(appraisal, self_value)
    appraisal = submit(appraisal, appraisal.employee, Step.SUPERVISOR_REVIEW)
    values = {
        i.indicator_id: (supervisor_value if i.indicator.data_source == "manual" else 80)
        for i in hand_items(appraisal)
    }
    appraisal = services.entries_save(
        actor=cast.lead_a, appraisal=appraisal, source=Source.SUPERVISOR, values=values, summary="表现稳定"
    )
    appraisal = submit(appraisal, cast.lead_a, Step.FEEDBACK)
    if customer is not None:
        survey = {
            i.indicator_id: customer for i in hand_items(appraisal) if i.indicator.data_source == "survey"
        }
        appraisal = services.entries_save(
            actor=cast.lead_a, appraisal=appraisal, source=Source.CUSTOMER, values=survey
        )
    return submit(appraisal, cast.lead_a, Step.COMMITTEE_REVIEW)


def published(appraisal, cast, *, committee, **kwargs):
    appraisal = to_committee(appraisal, cast, committee=committee, **kwargs)
    return submit(appraisal, committee, Step.PUBLISHED)
