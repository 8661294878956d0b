"""Solution test data: reviewers with presales levels, a solution written through the services,
and helpers that walk it through the review."""

from __future__ import annotations

from presales.solutions import services
from presales.solutions.choices import Decision, Department, DeptDecision
from presales.solutions.models import SectionTemplate, Solution

from .poc import make_opportunity  # noqa: F401  (re-exported: an opportunity to hang solutions on)

TEXT = "本节详细说明客户现状、目标与我方的应对思路，包括关键指标、实施边界、责任划分以及预期的量化收益。"


def set_levels(cast) -> None:
    """engineer_a2 初级, lead_a 中级, manager 高级; engineer_a (the usual author) 中级."""
    for user, level in (
        (cast.engineer_a2, "junior"),
        (cast.lead_a, "intermediate"),
        (cast.manager, "senior"),
        (cast.engineer_a, "intermediate"),
        (cast.engineer_b, "senior"),
    ):
        user.presales_level = level
        user.save(update_fields=["presales_level"])


def reviewers(cast) -> dict:
    set_levels(cast)
    return {"reviewer_1": cast.engineer_a2, "reviewer_2": cast.lead_a, "reviewer_3": cast.manager}


def make_solution(
    cast,
    *,
    opportunity=None,
    actor=None,
    title="储能BMS升级解决方案",
    fill=True,
    with_reviewers=True,
    **fields,
) -> Solution:
    opportunity = opportunity or make_opportunity(cast, stage="solution")
    actor = actor or cast.engineer_a
    data = reviewers(cast) if with_reviewers else {}
    data.update(fields)
    solution = services.solution_create(actor=actor, opportunity=opportunity, title=title, **data)
    if fill:
        fill_sections(solution, actor)
    solution.refresh_from_db()
    return solution


def fill_sections(solution, actor, *, codes=None, text: str = TEXT) -> None:
    for section in solution.sections.select_related("template"):
        if codes is None or section.template.code in codes:
            services.section_save(
                actor=actor, section=section, content=text, expected_version=section.version
            )


def submit(solution, actor=None, summary: str = ""):
    solution.refresh_from_db()
    return services.solution_submit(
        actor=actor or solution.author,
        solution=solution,
        change_summary=summary,
        expected_version=solution.version,
    )


def decide(solution, actor, decision=Decision.APPROVED, comments: str = ""):
    solution.refresh_from_db()
    return services.review_decide(
        actor=actor,
        solution=solution,
        decision=decision,
        comments=comments,
        expected_version=solution.version,
    )


def approve_all_levels(cast, solution):
    for reviewer in (cast.engineer_a2, cast.lead_a, cast.manager):
        solution = decide(solution, reviewer)
    return solution


def departments(cast, solution, decisions=None):
    decisions = decisions or {}
    for department in Department:
        solution.refresh_from_db()
        decision = decisions.get(department.value, DeptDecision.AGREE)
        solution = services.department_record(
            actor=cast.manager,
            solution=solution,
            department=department,
            decision=decision,
            comments="" if decision == DeptDecision.AGREE else "需补充说明",
            reviewer_name="部门评审人",
            expected_version=solution.version,
        )
    return solution


def passed_solution(cast, *, opportunity=None, **kwargs) -> Solution:
    """A solution whose review passed (the opportunity's gate into demo/POC, bid, negotiation opens)."""
    solution = make_solution(cast, opportunity=opportunity, **kwargs)
    submit(solution)
    approve_all_levels(cast, solution)
    return departments(cast, solution)


def required_templates():
    return list(SectionTemplate.objects.filter(active=True, required=True).order_by("position"))
