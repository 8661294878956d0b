"""The gate: no customer presentation (demo/POC, bid, negotiation) before a solution passed."""

import pytest

from presales.core.errors import TransitionRefused
from presales.opportunities import services as opportunity_services
from presales.opportunities.choices import Stage
from presales.solutions.gates import solution_not_passed
from tests.factories.solutions import (
    approve_all_levels,
    decide,
    departments,
    make_opportunity,
    make_solution,
    passed_solution,
    submit,
)

pytestmark = pytest.mark.django_db


def test_no_solution(cast):
    opportunity = make_opportunity(cast, stage=Stage.SOLUTION)
    assert solution_not_passed(opportunity) == ["还没有方案：方案须通过内部评审和跨部门评审后才能给客户看。"]


def test_reasons_per_state(cast):
    opportunity = make_opportunity(cast, stage=Stage.SOLUTION)
    solution = make_solution(cast, opportunity=opportunity, title="甲方案")
    assert solution_not_passed(opportunity) == ["方案“甲方案”还是草稿：请提交评审。"]
    submit(solution)
    decide(solution, cast.engineer_a2)
    assert solution_not_passed(opportunity) == ["方案“甲方案”正在第 2 级评审（中级评审）。"]
    decide(solution, cast.lead_a, "returned", "补充预算")
    assert solution_not_passed(opportunity) == ["方案“甲方案”已退回作者修改。"]
    submit(solution, summary="补充预算")
    approve_all_levels(cast, solution)
    from presales.solutions import services

    solution.refresh_from_db()
    services.department_record(
        actor=cast.manager,
        solution=solution,
        department="technical",
        decision="agree",
        expected_version=solution.version,
    )
    assert solution_not_passed(opportunity) == [
        "方案“甲方案”：跨部门评审未完成：质量部门、市场部门、商务部门。"
    ]
    departments_left = {"technical"}
    solution.refresh_from_db()
    for department in ("quality", "marketing", "business"):
        solution = services.department_record(
            actor=cast.manager,
            solution=solution,
            department=department,
            decision="agree",
            expected_version=solution.version,
        )
        departments_left.add(department)
    assert solution_not_passed(opportunity) == []


@pytest.mark.parametrize("target", [Stage.DEMO_POC, Stage.BID, Stage.NEGOTIATION])
def test_moves_into_presentation_stages_are_refused_then_allowed(cast, target):
    opportunity = make_opportunity(cast, stage=Stage.SOLUTION)
    with pytest.raises(TransitionRefused) as exc:
        opportunity_services.opportunity_move(
            actor=cast.manager, opportunity=opportunity, to_stage=target, expected_version=opportunity.version
        )
    assert any("还没有方案" in r for r in exc.value.reasons)
    passed_solution(cast, opportunity=opportunity)
    opportunity.refresh_from_db()
    try:
        opportunity_services.opportunity_move(
            actor=cast.manager, opportunity=opportunity, to_stage=target, expected_version=opportunity.version
        )
    except TransitionRefused as refused:  # other apps' gates may still refuse; ours must not
        assert not any("方案" in r for r in refused.reasons), refused.reasons


def test_a_revision_closes_the_gate_again_and_a_second_passed_solution_opens_it(cast):
    from presales.solutions import services

    opportunity = make_opportunity(cast, stage=Stage.SOLUTION)
    solution = passed_solution(cast, opportunity=opportunity)
    services.solution_revise(
        actor=cast.engineer_a, solution=solution, reason="范围调整", expected_version=solution.version
    )
    assert solution_not_passed(opportunity)
    other = make_solution(cast, opportunity=opportunity, title="备选")
    submit(other)
    approve_all_levels(cast, other)
    departments(cast, other)
    assert solution_not_passed(opportunity) == []


def test_backward_moves_pass_no_solution_gate(cast):
    opportunity = make_opportunity(cast, stage=Stage.SOLUTION)
    opportunity_services.opportunity_move(
        actor=cast.manager,
        opportunity=opportunity,
        to_stage=Stage.DISCOVERY,
        reason="重新调研",
        expected_version=opportunity.version,
    )
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.DISCOVERY
