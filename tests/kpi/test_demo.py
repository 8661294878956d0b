"""The KPI demo builder: every state represented, through the services, rules holding."""

import random

import pytest

from presales.kpi import demo, services
from presales.kpi.models import AhpRun, Indicator, IndicatorReview, Scheme

pytestmark = pytest.mark.django_db


def test_demo_builds_every_state(cast):
    counts = demo.build(random.Random(7), [], [cast.engineer_a, cast.manager])
    assert counts["schemes"] == 4 and counts["AHP runs"] == 4
    assert set(Scheme.objects.values_list("status", flat=True)) == {"draft", "active", "retired"}
    assert set(IndicatorReview.objects.values_list("decision", flat=True)) == {"keep", "replace", "retire"}
    assert set(Indicator.objects.values_list("status", flat=True)) == {"active", "retired"}
    for scheme in Scheme.objects.exclude(status="draft"):
        assert services.weight_problems(scheme) == {}, scheme.code
    assert services.weight_problems(Scheme.objects.get(code="SCH-SA-DRAFT"))
    assert all(run.consistency_ratio < 0.1 for run in AhpRun.objects.all())
    # a second run adds nothing
    assert demo.build(random.Random(7), [], [cast.manager]) == {}


def test_demo_needs_a_manager(cast):
    assert demo.build(random.Random(7), [], [cast.engineer_a]) == {}
