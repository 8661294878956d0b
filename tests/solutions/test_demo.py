"""The demo builder: solutions in every state, through the services."""

import random

import pytest

from presales.solutions import demo
from presales.solutions.choices import Status
from presales.solutions.models import ReviewRound, Solution
from tests.factories.solutions import make_opportunity, set_levels

pytestmark = pytest.mark.django_db


def test_build_makes_solutions_in_every_state(cast):
    set_levels(cast)
    opportunities = [make_opportunity(cast, stage="solution", name=f"项目{i}") for i in range(len(demo.PLAN))]
    opportunities.append(make_opportunity(cast, stage="bid", name="投标项目"))
    counts = demo.build(random.Random(3), opportunities, list(cast.users().values()))
    assert counts["solutions"] == len(opportunities) == Solution.objects.count()
    assert set(Solution.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Solution.objects.filter(status=Status.IN_REVIEW).values_list("current_level", flat=True)) == {
        1,
        2,
        3,
    }
    # returned at level 2, then resubmitted and passed
    returned_then_passed = ReviewRound.objects.filter(returned_level=2, solution__status=Status.PASSED)
    assert returned_then_passed.exists()
    assert Solution.objects.get(opportunity__name="投标项目").status == Status.PASSED
    assert ReviewRound.objects.filter(returned_by_departments=True).exists()
    assert (
        Solution.objects.filter(first_pass=True).exists()
        and Solution.objects.filter(first_pass=False).exists()
    )


def test_build_skips_opportunities_without_eligible_reviewers(cast):
    opportunity = make_opportunity(cast, stage="solution")
    assert demo.build(random.Random(1), [opportunity], list(cast.users().values()))["solutions"] == 0
