"""The review: every path through the three levels and the cross-department review, versions,
first-pass recording, notifications, archiving."""

import pytest

from presales.core.errors import DomainError, PermissionDenied, StaleObjectError, TransitionRefused
from presales.documents.artefacts import artefact_documents
from presales.notifications.models import Notification
from presales.solutions import services
from presales.solutions.choices import Decision, DeptDecision, ReviewLevel, RoundOutcome, Status
from presales.solutions.models import DepartmentReview, LevelDecision, ReviewRound, Solution, SolutionVersion
from tests.factories.solutions import (
    TEXT,
    approve_all_levels,
    decide,
    departments,
    fill_sections,
    make_solution,
    passed_solution,
    submit,
)
from tests.kit import snapshot

pytestmark = pytest.mark.django_db(transaction=False)
LEVEL_REVIEWERS = ("engineer_a2", "lead_a", "manager")


def test_submit_freezes_a_version_opens_a_round_and_asks_level_1(cast, django_capture_on_commit_callbacks):
    solution = make_solution(cast)
    with django_capture_on_commit_callbacks(execute=True):
        solution = submit(solution)
    assert (solution.status, solution.current_level, solution.rounds_count) == (Status.IN_REVIEW, 1, 1)
    version = SolutionVersion.objects.get(solution=solution)
    assert version.number == 1 and version.completeness == 100 and version.missing == []
    assert [s["code"] for s in version.sections][:3] == ["overview", "business_process", "architecture"]
    assert all(s["content"] == TEXT for s in version.sections)
    round_ = ReviewRound.objects.get(solution=solution)
    assert (
        round_.outcome == RoundOutcome.PENDING
        and round_.version == version
        and round_.internal_passed is None
    )
    assert Notification.objects.filter(recipient=cast.engineer_a2, kind="solutions.review_requested").exists()


def test_three_approvals_then_four_departments_pass_and_archive(cast, django_capture_on_commit_callbacks):
    solution = make_solution(cast)
    submit(solution)
    with django_capture_on_commit_callbacks(execute=True):
        for level, name in enumerate(LEVEL_REVIEWERS, start=1):
            solution.refresh_from_db()
            assert solution.current_level == level
            solution = decide(solution, getattr(cast, name))
    assert solution.status == Status.CROSS_DEPT and solution.current_level is None
    assert solution.first_pass is True and solution.first_reviewed_at is not None
    assert Notification.objects.filter(recipient=cast.lead_a, kind="solutions.review_requested").exists()
    assert Notification.objects.filter(recipient=cast.manager, kind="solutions.review_requested").exists()
    assert Notification.objects.filter(recipient=cast.engineer_a, kind="solutions.decision").count() == 3
    assert Notification.objects.filter(recipient=cast.lead_a, kind="solutions.departments").exists()
    with django_capture_on_commit_callbacks(execute=True):
        solution = departments(cast, solution, {"quality": DeptDecision.AGREE_WITH_CHANGES})
    assert solution.status == Status.PASSED and solution.passed_at is not None
    round_ = ReviewRound.objects.get(solution=solution)
    assert round_.outcome == RoundOutcome.PASSED and round_.internal_passed is True
    assert DepartmentReview.objects.filter(round=round_).count() == 4
    docs = list(artefact_documents(solution))
    assert len(docs) == 1 and docs[0].category.kind == "solution"
    assert Notification.objects.filter(recipient=cast.engineer_a, kind="solutions.passed").exists()


@pytest.mark.parametrize("level", [1, 2, 3])
def test_return_at_each_level_goes_back_to_the_author(cast, level, django_capture_on_commit_callbacks):
    solution = make_solution(cast)
    submit(solution)
    for name in LEVEL_REVIEWERS[: level - 1]:
        solution = decide(solution, getattr(cast, name))
    reviewer = getattr(cast, LEVEL_REVIEWERS[level - 1])
    with django_capture_on_commit_callbacks(execute=True):
        solution = decide(solution, reviewer, Decision.RETURNED, "技术架构部分缺少部署模型")
    assert solution.status == Status.RETURNED and solution.current_level is None
    assert solution.first_pass is False
    round_ = ReviewRound.objects.get(solution=solution)
    assert (round_.outcome, round_.returned_level, round_.internal_passed) == (
        RoundOutcome.RETURNED,
        level,
        False,
    )
    assert LevelDecision.objects.filter(round=round_).count() == level
    note = Notification.objects.get(
        recipient=cast.engineer_a, kind="solutions.decision", title__contains=str(Decision.RETURNED.label)[:2]
    )
    assert "部署模型" in note.body


def test_resubmit_restarts_at_level_1_with_a_new_version_and_first_pass_stays_false(cast):
    solution = make_solution(cast)
    submit(solution)
    decide(solution, cast.engineer_a2)
    solution = decide(solution, cast.lead_a, Decision.RETURNED, "预算口径不清")
    with pytest.raises(DomainError) as exc:
        submit(solution)  # a resubmission says what changed
    assert exc.value.field == "change_summary"
    fill_sections(
        solution, cast.engineer_a, codes=["budget"], text=TEXT + "预算按三年总拥有成本口径重新测算。"
    )
    solution = submit(solution, summary="按三年TCO重算预算")
    assert (solution.status, solution.current_level, solution.rounds_count) == (Status.IN_REVIEW, 1, 2)
    assert list(solution.versions.values_list("number", flat=True)) == [2, 1]
    approve_all_levels(cast, solution)
    solution = departments(cast, solution)
    solution.refresh_from_db()
    assert solution.status == Status.PASSED and solution.first_pass is False
    rounds = list(ReviewRound.objects.filter(solution=solution).order_by("number"))
    assert [(r.outcome, r.internal_passed, r.returned_level) for r in rounds] == [
        (RoundOutcome.RETURNED, False, 2),
        (RoundOutcome.PASSED, True, None),
    ]


def test_a_disagreeing_department_returns_the_solution(cast):
    solution = make_solution(cast)
    submit(solution)
    approve_all_levels(cast, solution)
    solution = departments(cast, solution, {"business": DeptDecision.DISAGREE})
    assert solution.status == Status.RETURNED and solution.first_pass is True
    round_ = ReviewRound.objects.get(solution=solution)
    assert (
        round_.outcome == RoundOutcome.RETURNED and round_.returned_by_departments and round_.internal_passed
    )
    assert (
        artefact_documents(solution).count() == 0 if hasattr(artefact_documents(solution), "count") else True
    )


def test_revision_after_a_pass_archives_a_new_version_of_the_same_document(cast):
    solution = passed_solution(cast)
    solution = services.solution_revise(
        actor=cast.engineer_a, solution=solution, reason="客户调整范围", expected_version=solution.version
    )
    assert solution.status == Status.DRAFT
    fill_sections(solution, cast.engineer_a, codes=["modules"], text=TEXT + "新增能量管理模块。")
    submit(solution, summary="新增能量管理模块")
    approve_all_levels(cast, solution)
    solution = departments(cast, solution)
    docs = list(artefact_documents(solution))
    assert len(docs) == 1 and docs[0].versions.count() == 2


def test_only_the_assigned_reviewer_decides(cast):
    solution = make_solution(cast)
    submit(solution)
    solution.refresh_from_db()
    before = snapshot(Solution, LevelDecision)
    for name in ("manager", "lead_a", "engineer_a", "sales_a"):
        with pytest.raises(PermissionDenied):
            services.review_decide(
                actor=getattr(cast, name),
                solution=solution,
                decision=Decision.APPROVED,
                expected_version=solution.version,
            )
    assert snapshot(Solution, LevelDecision) == before


def test_return_needs_comments_and_decision_must_be_known(cast):
    solution = make_solution(cast)
    submit(solution)
    solution.refresh_from_db()
    before = snapshot(Solution, LevelDecision, ReviewRound)
    with pytest.raises(DomainError) as exc:
        services.review_decide(
            actor=cast.engineer_a2,
            solution=solution,
            decision=Decision.RETURNED,
            comments="  ",
            expected_version=solution.version,
        )
    assert exc.value.field == "comments"
    with pytest.raises(DomainError) as exc:
        services.review_decide(
            actor=cast.engineer_a2, solution=solution, decision="maybe", expected_version=solution.version
        )
    assert exc.value.field == "decision"
    assert snapshot(Solution, LevelDecision, ReviewRound) == before


def test_stale_decision_is_refused(cast):
    solution = make_solution(cast)
    submit(solution)
    solution.refresh_from_db()
    old = solution.version
    decide(solution, cast.engineer_a2)
    with pytest.raises(StaleObjectError):
        services.review_decide(
            actor=cast.lead_a, solution=solution, decision=Decision.APPROVED, expected_version=old
        )


def test_submit_refused_without_reviewers_or_completeness_with_reasons(cast):
    solution = make_solution(cast, fill=False, with_reviewers=False)
    fill_sections(solution, cast.engineer_a, codes=["overview", "business_process"])
    solution.refresh_from_db()
    before = snapshot(Solution, SolutionVersion, ReviewRound)
    with pytest.raises(TransitionRefused) as exc:
        submit(solution)
    reasons = exc.value.reasons
    assert any(str(ReviewLevel.JUNIOR.label) in r for r in reasons)
    assert any(str(ReviewLevel.SENIOR.label) in r for r in reasons)
    assert any("28%" in r and "技术架构设计" in r and "项目预算" in r for r in reasons)
    assert snapshot(Solution, SolutionVersion, ReviewRound) == before


def test_ineligible_reviewers_are_refused_with_field_errors(cast):
    from tests.factories.solutions import set_levels

    set_levels(cast)
    solution = make_solution(cast, with_reviewers=False)
    before = snapshot(Solution)
    with pytest.raises(DomainError) as exc:  # engineer_a2 is junior: not for level 2; author cannot review
        services.solution_update(
            actor=cast.engineer_a,
            solution=solution,
            expected_version=solution.version,
            reviewer_1=cast.engineer_a,
            reviewer_2=cast.engineer_a2,
            reviewer_3=cast.lead_a,
        )
    assert set(exc.value.errors) == {"reviewer_1", "reviewer_2", "reviewer_3"}
    assert snapshot(Solution) == before


def test_sections_are_frozen_under_review_and_stale_section_edits_refused(cast):
    solution = make_solution(cast, fill=False)
    section = solution.sections.select_related("template").first()
    services.section_save(actor=cast.engineer_a, section=section, content="第一稿" * 20, expected_version=1)
    with pytest.raises(StaleObjectError):
        services.section_save(actor=cast.lead_a, section=section, content="另一稿", expected_version=1)
    fill_sections(solution, cast.engineer_a)
    submit(solution)
    section.refresh_from_db()
    with pytest.raises(TransitionRefused):
        services.section_save(
            actor=cast.engineer_a, section=section, content="改动", expected_version=section.version
        )


def test_department_review_rules(cast):
    solution = make_solution(cast)
    submit(solution)
    solution.refresh_from_db()
    with pytest.raises(TransitionRefused):  # not before the three levels
        services.department_record(
            actor=cast.manager,
            solution=solution,
            department="technical",
            decision="agree",
            expected_version=solution.version,
        )
    solution = approve_all_levels(cast, solution)
    with pytest.raises(PermissionDenied):
        services.department_record(
            actor=cast.engineer_a,
            solution=solution,
            department="technical",
            decision="agree",
            expected_version=solution.version,
        )
    with pytest.raises(DomainError) as exc:
        services.department_record(
            actor=cast.manager,
            solution=solution,
            department="legal",
            decision="disagree",
            expected_version=solution.version,
        )
    assert set(exc.value.errors) == {"department", "comments"}
    solution = services.department_record(
        actor=cast.lead_a,
        solution=solution,
        department="technical",
        decision="agree",
        expected_version=solution.version,
    )
    with pytest.raises(DomainError) as exc:
        services.department_record(
            actor=cast.manager,
            solution=solution,
            department="technical",
            decision="agree",
            expected_version=solution.version,
        )
    assert set(exc.value.errors) == {"department"}


def test_make_current_switches_the_current_solution(cast):
    first = make_solution(cast)
    second = make_solution(cast, opportunity=first.opportunity, title="备选方案")
    assert first.is_current and not second.is_current
    services.solution_make_current(actor=cast.engineer_a, solution=second, expected_version=second.version)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_current and not first.is_current


def test_create_rules(cast):
    from tests.factories.solutions import make_opportunity

    opportunity = make_opportunity(cast, stage="solution")
    with pytest.raises(PermissionDenied):
        services.solution_create(actor=cast.sales_a, opportunity=opportunity, title="方案")
    with pytest.raises(DomainError) as exc:
        services.solution_create(actor=cast.engineer_b, opportunity=opportunity, title="方案")
    assert exc.value.field == "opportunity"
    with pytest.raises(DomainError) as exc:
        services.solution_create(actor=cast.engineer_a, opportunity=opportunity, title="  ")
    assert set(exc.value.errors) == {"title"}
    assert not Solution.objects.exists()
