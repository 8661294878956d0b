"""The demo builder: a closed and a running cycle (every step represented) and a draft annual cycle,
through the services."""

import random

import pytest

from presales.appraisal import demo
from presales.appraisal.choices import CycleStatus, Step
from presales.appraisal.models import Appraisal, Cycle
from presales.kpi.models import Scheme
from tests.factories.accounts import make_user
from tests.factories.appraisal import make_scheme

pytestmark = pytest.mark.django_db


def test_build_makes_cycles_in_every_state(cast, committee):
    if not Scheme.objects.filter(code="SCH-ENG", status="active").exists():
        make_scheme()
    engineers = [make_user("presales_engineer", team=cast.team_a, username=f"demo{i}") for i in range(6)]
    users = [*cast.users().values(), committee, *engineers]
    counts = demo.build(random.Random(3), [], users)
    assert counts["appraisal cycles"] == 3 and counts["appraisals"] > 0 and counts["appraisal entries"] > 0
    assert set(Cycle.objects.values_list("status", flat=True)) == {
        CycleStatus.CLOSED,
        CycleStatus.OPEN,
        CycleStatus.DRAFT,
    }
    closed = Cycle.objects.get(status=CycleStatus.CLOSED)
    assert set(closed.appraisals.values_list("status", flat=True)) == {Step.ACKNOWLEDGED}
    assert closed.appraisals.filter(appeals__outcome="rejected").exists()
    running = Cycle.objects.get(status=CycleStatus.OPEN)
    assert set(running.appraisals.values_list("status", flat=True)) == set(Step.values)
    assert not Appraisal.objects.filter(
        status__in=[Step.PUBLISHED, Step.ACKNOWLEDGED], final_score=None
    ).exists()


def test_build_without_scheme_or_people_does_nothing(cast):
    assert demo.build(random.Random(1), [], [])["appraisal cycles"] == 0
