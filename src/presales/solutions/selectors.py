"""Reads of the solutions module: lists, the detail page, completeness, progress per opportunity,
first-pass statistics. Each function runs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Prefetch, Q

from .choices import AGREEING, Department, Progress, RoundOutcome, Status
from .completeness import Completeness, SectionInput, score
from .models import DepartmentReview, LevelDecision, ReviewRound, SectionTemplate, Solution, SolutionSection


def solution_list(*, user):
    return (
        Solution.objects.visible_to(user)
        .select_related(
            "opportunity", "opportunity__customer", "author", "reviewer_1", "reviewer_2", "reviewer_3"
        )
        .order_by("-created_at", "-pk")
    )


def writable_opportunities(user):
    """The open opportunities the user may write a solution for (the choices of "new solution"
    and of the outline drafter): all for a manager, else those the user leads, whose team the user
    leads, or where the user is a member."""
    from presales.core.permissions import is_manager
    from presales.opportunities.models import Opportunity

    qs = Opportunity.objects.visible_to(user).open().select_related("customer").order_by("-created_at", "-pk")
    if not is_manager(user):
        qs = qs.filter(
            Q(presales_lead=user) | Q(team_id__in=list(user.led_team_ids)) | Q(members=user)
        ).distinct()
    return qs


def active_templates():
    return SectionTemplate.objects.filter(active=True).order_by("position", "pk")


def sections_of(solution) -> list[SolutionSection]:
    return list(
        SolutionSection.objects.filter(solution_id=solution.pk)
        .select_related("template", "updated_by")
        .order_by("template__position", "template_id")
    )


def completeness_from_sections(sections) -> Completeness:
    return score(
        SectionInput(
            code=s.template.code,
            title=s.template.title,
            required=s.template.required,
            min_chars=s.template.min_chars,
            content=s.content,
        )
        for s in sections
    )


def solution_completeness(solution) -> Completeness:
    return completeness_from_sections(sections_of(solution))


def current_round(solution) -> ReviewRound | None:
    return ReviewRound.objects.filter(solution_id=solution.pk).order_by("-number").first()


@dataclass
class DepartmentState:
    reviews: dict[str, DepartmentReview] = field(default_factory=dict)
    pending: list = field(default_factory=list)
    disagreeing: list = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.pending

    @property
    def agreed(self) -> bool:
        return self.complete and not self.disagreeing


def department_state(solution, round_: ReviewRound | None = None) -> DepartmentState:
    """The cross-department review of the solution's current round."""
    round_ = round_ or current_round(solution)
    reviews = {}
    if round_ is not None:
        reviews = {
            r.department: r for r in DepartmentReview.objects.filter(round=round_).select_related("reviewer")
        }
    state = DepartmentState(reviews=reviews)
    for department in Department:
        review = reviews.get(department.value)
        if review is None:
            state.pending.append(department)
        elif review.decision not in AGREEING:
            state.disagreeing.append(department)
    return state


def detail_context(*, solution) -> dict:
    sections = sections_of(solution)
    rounds = list(
        ReviewRound.objects.filter(solution_id=solution.pk)
        .select_related("version", "submitted_by")
        .prefetch_related(
            Prefetch(
                "decisions", queryset=LevelDecision.objects.select_related("reviewer").order_by("level")
            ),
            Prefetch(
                "department_reviews",
                queryset=DepartmentReview.objects.select_related("reviewer").order_by("department"),
            ),
        )
        .order_by("-number")
    )
    versions = [r.version for r in rounds]
    latest = rounds[0] if rounds else None
    dept_rows = []
    if latest is not None:
        by_department = {r.department: r for r in latest.department_reviews.all()}
        dept_rows = [(department, by_department.get(department.value)) for department in Department]
    return {
        "sections": sections,
        "completeness": completeness_from_sections(sections),
        "rounds": rounds,
        "versions": versions,
        "latest_round": latest,
        "department_rows": dept_rows,
    }


def progress_by_opportunity(opportunity_ids) -> dict[int, str]:
    """ "none", "drafting", "in_review", "returned" or "passed" per opportunity, in one query:
    "passed" when one of its solutions passed the review; otherwise the state of its current
    solution (the latest one if none is marked current)."""
    ids = [int(i) for i in opportunity_ids]
    result = {pk: Progress.NONE.value for pk in ids}
    if not ids:
        return result
    rows = (
        Solution.objects.filter(opportunity_id__in=ids)
        .order_by("opportunity_id", "-is_current", "-created_at", "-pk")
        .values_list("opportunity_id", "status")
    )
    by_status = {
        Status.DRAFT: Progress.DRAFTING,
        Status.IN_REVIEW: Progress.IN_REVIEW,
        Status.CROSS_DEPT: Progress.IN_REVIEW,
        Status.RETURNED: Progress.RETURNED,
        Status.PASSED: Progress.PASSED,
    }
    seen: set[int] = set()
    for opportunity_id, status in rows:
        if status == Status.PASSED:
            result[opportunity_id] = Progress.PASSED.value
        elif opportunity_id not in seen and result[opportunity_id] != Progress.PASSED.value:
            result[opportunity_id] = by_status[status].value
        seen.add(opportunity_id)
    return result


@dataclass
class FirstPassRow:
    author_id: int
    author: str
    reviewed: int
    first_pass: int

    @property
    def rate(self) -> float | None:
        return None if not self.reviewed else self.first_pass / self.reviewed


def first_pass_stats(
    *, start: datetime | None = None, end: datetime | None = None, author_ids=None, queryset=None
) -> list[FirstPassRow]:
    """内部评审一次通过率 per author: solutions whose first round's internal review was decided in
    [start, end) — reviewed — and how many of them passed all three levels without a return."""
    qs = queryset if queryset is not None else Solution.objects.all()
    qs = qs.filter(first_pass__isnull=False)
    if start is not None:
        qs = qs.filter(first_reviewed_at__gte=start)
    if end is not None:
        qs = qs.filter(first_reviewed_at__lt=end)
    if author_ids is not None:
        qs = qs.filter(author_id__in=list(author_ids))
    rows = (
        qs.values("author_id", "author__display_name", "author__username")
        .annotate(reviewed=Count("pk"), passed=Count("pk", filter=Q(first_pass=True)))
        .order_by("author__username")
    )
    return [
        FirstPassRow(
            author_id=r["author_id"],
            author=r["author__display_name"] or r["author__username"],
            reviewed=r["reviewed"],
            first_pass=r["passed"],
        )
        for r in rows
    ]


def gate_reasons(opportunity) -> list[str]:
    """Why the opportunity may not present to the customer yet (empty when a solution passed)."""
    from django.utils.translation import gettext as _

    from presales.opportunities.selectors import is_page

    from .choices import ReviewLevel

    if is_page(opportunity):  # the opportunity's page: the rows its solution panel prints, one query for both
        solutions = [{"pk": s.pk, "title": s.title, "status": s.status, "current_level": s.current_level}
                     for s in page_solutions(opportunity)]
    else:
        solutions = list(
            Solution.objects.filter(opportunity_id=opportunity.pk)
            .order_by("-is_current", "-created_at", "-pk")
            .values("pk", "title", "status", "current_level")
        )
    if any(s["status"] == Status.PASSED for s in solutions):
        return []
    if not solutions:
        return [
            _(
                "No solution yet: the solution must pass its internal and cross-department review before "
                "the customer sees it."
            )
        ]
    pending_rounds = {}
    cross = [s["pk"] for s in solutions if s["status"] == Status.CROSS_DEPT]
    if cross:
        decided: dict[int, set[str]] = {}
        for solution_id, department in DepartmentReview.objects.filter(
            round__solution_id__in=cross, round__outcome=RoundOutcome.PENDING
        ).values_list("round__solution_id", "department"):
            decided.setdefault(solution_id, set()).add(department)
        pending_rounds = {
            pk: [d for d in Department if d.value not in decided.get(pk, set())] for pk in cross
        }
    reasons = []
    for s in solutions:
        title = s["title"]
        if s["status"] == Status.DRAFT:
            reasons.append(_("Solution “%(title)s” is a draft: submit it for review.") % {"title": title})
        elif s["status"] == Status.IN_REVIEW:
            reasons.append(
                _("Solution “%(title)s” is under review at level %(level)s (%(label)s).")
                % {
                    "title": title,
                    "level": s["current_level"],
                    "label": ReviewLevel(s["current_level"]).label,
                }
            )
        elif s["status"] == Status.RETURNED:
            reasons.append(
                _("Solution “%(title)s” was returned to its author for revision.") % {"title": title}
            )
        elif s["status"] == Status.CROSS_DEPT:
            reasons.append(
                _("Solution “%(title)s”: cross-department review pending: %(departments)s.")
                % {
                    "title": title,
                    "departments": "、".join(str(d.label) for d in pending_rounds.get(s["pk"], [])),
                }
            )
    return reasons


def page_solutions(opportunity) -> list[Solution]:
    """Every solution of the opportunity (current first) with the columns its page's panel
    prints: the panel's rows and the solution gate's (`gate_reasons`), one query for both on the
    opportunity's page (`on_page`). No scope: every solution of an opportunity the user sees is
    visible, and the page read the opportunity in the user's scope."""
    from presales.opportunities.selectors import on_page

    return on_page(opportunity, "solutions", lambda: list(
        Solution.objects.filter(opportunity_id=opportunity.pk)
        .only("title", "is_current", "status", "current_level", "completeness", "first_pass")
        .order_by("-is_current", "-created_at", "-pk")
    ))
