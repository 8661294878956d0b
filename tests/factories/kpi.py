"""Factories of the KPI library: indicators and schemes made through the services (so versions
and rules hold). The seeded library (migration 0002) may be flushed by transactional tests, so
tests build their own rows with unique codes."""

from __future__ import annotations

import itertools
from decimal import Decimal

from presales.accounts.choices import RoleCode
from presales.accounts.models import Role
from presales.accounts.services import ensure_roles
from presales.kpi import services
from presales.kpi.models import Indicator, Scheme

_seq = itertools.count(1)

BANDS = {"bands": [{"upto": 3, "points": 30}, {"upto": 10, "points": 20}, {"points": 10}]}


def editor():
    from tests.factories import make_user

    return make_user(RoleCode.PRESALES_MANAGER, username=f"kpi_editor{next(_seq)}")


def make_indicator(actor=None, **overrides) -> Indicator:
    n = next(_seq)
    data = {
        "code": f"T-{n:03d}", "name": f"测试指标{n}", "dimension": "results", "data_source": "manual",
        "rule_type": "manual", "rule_params": {}, "max_points": Decimal("10"), "definition": "测试用指标",
        "unit": "分",
    }
    data.update(overrides)
    roles = data.pop("roles", None)
    if roles:
        ensure_roles()
        data["applicable_roles"] = list(Role.objects.filter(code__in=roles))
    return services.indicator_create(actor=actor or editor(), **data)


def make_scheme(actor=None, *, weights=(("results", "60"), ("process", "40")), dimension_weights=None,
                activate=False, **overrides) -> Scheme:
    """A scheme with one new indicator per (dimension, weight)."""
    actor = actor or editor()
    n = next(_seq)
    data = {"name": f"测试方案{n}", "code": f"SCH-T{n:03d}"}
    data.update(overrides)
    scheme = services.scheme_create(actor=actor, dimension_weights=dimension_weights or {}, **data)
    for dimension, weight in weights:
        indicator = make_indicator(actor, dimension=dimension)
        services.scheme_item_add(actor=actor, scheme=scheme, indicator=indicator, weight=weight)
    scheme.refresh_from_db()
    if activate:
        scheme = services.scheme_activate(actor=actor, scheme=scheme, expected_version=scheme.version)
    return scheme
