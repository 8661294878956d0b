"""progress_by_opportunity (constant queries) and the first-pass statistics."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from presales.solutions.selectors import first_pass_stats, progress_by_opportunity
from tests.factories.solutions import (
    approve_all_levels,
    decide,
    make_opportunity,
    make_solution,
    passed_solution,
    submit,
)

pytestmark = pytest.mark.django_db


def test_progress_by_opportunity_in_one_query(cast):
    none = make_opportunity(cast, stage="solution")
    drafting = make_solution(cast).opportunity
    in_review = make_solution(cast)
    submit(in_review)
    returned = make_solution(cast)
    submit(returned)
    decide(returned, cast.engineer_a2, "returned", "补充")
    passed = passed_solution(cast).opportunity
    cross = make_solution(cast)
    submit(cross)
    approve_all_levels(cast, cross)
    ids = [
        none.pk,
        drafting.pk,
        in_review.opportunity_id,
        returned.opportunity_id,
        passed.pk,
        cross.opportunity_id,
    ]
    with CaptureQueriesContext(connection) as ctx:
        result = progress_by_opportunity(ids)
    assert len(ctx.captured_queries) == 1
    assert [result[i] for i in ids] == ["none", "drafting", "in_review", "returned", "passed", "in_review"]
    assert progress_by_opportunity([]) == {}


def test_passed_wins_over_a_newer_draft(cast):
    solution = passed_solution(cast)
    make_solution(cast, opportunity=solution.opportunity, title="新版方案")
    assert progress_by_opportunity([solution.opportunity_id]) == {solution.opportunity_id: "passed"}


def test_first_pass_stats_per_author_and_period(cast):
    passed_solution(cast)  # engineer_a, first pass
    returned = make_solution(cast)
    submit(returned)
    decide(returned, cast.engineer_a2, "returned", "缺少预算")
    other = make_solution(cast, actor=cast.lead_a, reviewer_2=cast.engineer_a)  # lead_a's solution
    submit(other)
    approve_all_levels_except_author = [cast.engineer_a2, cast.engineer_a, cast.manager]
    for reviewer in approve_all_levels_except_author:
        decide(other, reviewer)
    make_solution(cast)  # not reviewed: does not count
    rows = {r.author_id: r for r in first_pass_stats()}
    assert (rows[cast.engineer_a.pk].reviewed, rows[cast.engineer_a.pk].first_pass) == (2, 1)
    assert rows[cast.engineer_a.pk].rate == 0.5
    assert (rows[cast.lead_a.pk].reviewed, rows[cast.lead_a.pk].first_pass) == (1, 1)
    tomorrow = timezone.now() + timedelta(days=1)
    assert first_pass_stats(start=tomorrow) == []
    assert [r.author_id for r in first_pass_stats(end=tomorrow, author_ids=[cast.lead_a.pk])] == [
        cast.lead_a.pk
    ]
