"""The solution's review as a state machine (built on core.workflow).

    draft ──submit──▶ in_review (level 1 初级 → 2 中级 → 3 高级) ──approve at 3──▶ cross_dept_review
                         │ return (any level, comments required)          │ all four departments agree
                         ▼                                                 ▼  (with or without changes)
                     returned ──resubmit (new version)──▶ in_review L1   passed ──revise──▶ draft
                         ▲                                                 │
                         └────────── a department disagrees ◀──────────────┘ (from cross_dept_review)

Rules (enforced in services.py, refusals with reasons):
- submit / resubmit: a reviewer assigned for each of the three levels, each holding that presales
  level or higher and none of them the author; the completeness score at least
  `PRESALES_SOLUTION_MIN_COMPLETENESS` (80 by default; the refusal names the missing sections);
  a resubmission says what changed. Every submission freezes a version and opens a review round.
- A resubmitted solution **restarts at level 1** (the stricter choice: a revision may touch what
  an earlier level approved, so every level sees the final text).
- approve / return: only the reviewer assigned to the level under review; a return needs comments
  and sends the solution back to its author.
- The cross-department review follows the three levels (it reviews what the internal review
  approved): technical, quality, marketing and business each record agree / agree with changes /
  disagree with comments. One disagreement returns the solution to its author (a new round, from
  level 1, after the revision); all four agreeing passes the review.
- revise: a passed solution goes back to draft for a revision (reason required); its next pass
  archives a new version of its DOCX.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from presales.core.workflow import Transition, Workflow

from . import permissions
from .choices import ReviewLevel, Status

SUBMIT, RESUBMIT, APPROVE, RETURN, AGREE, DISAGREE, REVISE = (
    "submit",
    "resubmit",
    "approve",
    "return",
    "departments_agree",
    "departments_disagree",
    "revise",
)


def min_completeness() -> int:
    return int(getattr(settings, "PRESALES_SOLUTION_MIN_COMPLETENESS", 80))


def _transitions() -> list[Transition]:
    write = permissions.can_write
    decide = permissions.can_decide
    record = permissions.can_record_departments
    return [
        Transition(Status.DRAFT, Status.IN_REVIEW, action=SUBMIT, allowed=write),
        Transition(Status.RETURNED, Status.IN_REVIEW, action=RESUBMIT, allowed=write),
        Transition(Status.IN_REVIEW, Status.IN_REVIEW, action=APPROVE, allowed=decide, gated=False),
        Transition(Status.IN_REVIEW, Status.CROSS_DEPT, action=APPROVE, allowed=decide, gated=False),
        Transition(Status.IN_REVIEW, Status.RETURNED, action=RETURN, allowed=decide, gated=False),
        Transition(Status.CROSS_DEPT, Status.PASSED, action=AGREE, allowed=record),
        Transition(Status.CROSS_DEPT, Status.RETURNED, action=DISAGREE, allowed=record, gated=False),
        Transition(Status.PASSED, Status.DRAFT, action=REVISE, allowed=write, gated=False),
    ]


solution_flow = Workflow(name="solution", transitions=_transitions())


# --- guards -------------------------------------------------------------------------------------


def reviewers_assigned(solution) -> list[str]:
    reasons = []
    for level in ReviewLevel:
        reviewer = solution.reviewer_for(level)
        if reviewer is None:
            reasons.append(_("No reviewer is assigned for the %(level)s.") % {"level": level.label})
            continue
        problem = permissions.reviewer_problem(reviewer, level, author_id=solution.author_id)
        if problem:
            reasons.append(problem)
    return reasons


def complete_enough(solution) -> str | None:
    from .selectors import solution_completeness

    result = solution_completeness(solution)
    needed = min_completeness()
    if result.score < needed:
        return _(
            "The completeness score is %(score)s%%, at least %(needed)s%% is needed. Missing: %(missing)s."
        ) % {"score": result.score, "needed": needed, "missing": "、".join(result.missing)}
    return None


def all_departments_agree(solution) -> list[str]:
    from .selectors import department_state

    state = department_state(solution)
    reasons = []
    if state.pending:
        reasons.append(
            _("Cross-department review pending: %(departments)s.")
            % {"departments": "、".join(str(d.label) for d in state.pending)}
        )
    if state.disagreeing:
        reasons.append(
            _("Disagreed: %(departments)s.")
            % {"departments": "、".join(str(d.label) for d in state.disagreeing)}
        )
    return reasons


solution_flow.add_guard(Status.IN_REVIEW, reviewers_assigned)
solution_flow.add_guard(Status.IN_REVIEW, complete_enough)
solution_flow.add_guard(Status.PASSED, all_departments_agree)
