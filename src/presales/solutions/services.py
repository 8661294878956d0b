"""Every write to solutions. Keyword-only, atomic, the solution row locked (`select_for_update`)
before its records change, rules checked with translated DomainErrors, versions and review rounds
written explicitly, history kept by django-simple-history. See workflow.py for the review rules."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from presales.core.concurrency import apply_changes, check_version, save_fields
from presales.core.errors import DomainError, PermissionDenied, TransitionRefused
from presales.core.services import require_text, validate_or_raise

from . import notices, permissions, selectors
from .choices import (
    EDITABLE_STATUSES,
    LAST_LEVEL,
    Decision,
    Department,
    DeptDecision,
    ReviewLevel,
    RoundOutcome,
    Status,
)
from .models import (
    DepartmentReview,
    LevelDecision,
    ReviewRound,
    SectionTemplate,
    Solution,
    SolutionSection,
    SolutionVersion,
)
from .workflow import APPROVE, RESUBMIT, RETURN, REVISE, SUBMIT, solution_flow

logger = logging.getLogger(__name__)

TEMPLATE_FIELDS = ("code", "title", "required", "position", "guidance", "min_chars", "active")
REVIEWER_FIELDS = ("reviewer_1", "reviewer_2", "reviewer_3")
MAX_CONTENT = 100_000


# --- helpers -------------------------------------------------------------------------------------


def _save(obj, changed: list[str], *, actor, reason: str = "") -> None:
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    save_fields(obj, changed)


def _create(obj, *, actor) -> None:
    obj._history_user = actor
    obj.save()


def _touch(obj, *, actor) -> None:
    obj.version += 1
    obj._history_user = actor
    obj.save(update_fields=["version", "updated_at"])


def _lock(solution) -> Solution:
    return (
        Solution.objects.select_for_update(of=("self",))
        .select_related("opportunity", "author", "reviewer_1", "reviewer_2", "reviewer_3")
        .get(pk=solution.pk)
    )


def _require_write(actor, solution) -> None:
    if not permissions.can_write(actor, solution):
        raise PermissionDenied(
            _(
                "Only the author, the opportunity's presales lead, the team lead or a manager "
                "change this solution."
            )
        )


def _require_editable(solution) -> None:
    if solution.status not in EDITABLE_STATUSES:
        raise TransitionRefused(
            _("The solution is “%(status)s”: its text changes only as a draft or after a return.")
            % {"status": Status(solution.status).label},
            reasons=[],
            code="not_editable",
        )


def _refresh_completeness(solution) -> int:
    value = selectors.solution_completeness(solution).score
    if value != solution.completeness:
        Solution.objects.filter(pk=solution.pk).update(completeness=value)
        solution.completeness = value
    return value


def _check_reviewers(values: dict, *, author_id) -> None:
    errors: dict[str, list[str]] = {}
    for level, name in enumerate(REVIEWER_FIELDS, start=1):
        user = values.get(name)
        problem = permissions.reviewer_problem(user, level, author_id=author_id) if user is not None else None
        if problem:
            errors.setdefault(name, []).append(problem)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], code="invalid_reviewer", errors=errors)


def _move(solution, to_status: str, *, actor, action: str):
    """Look up the transition and check who may take it and its guards (reasons listed)."""
    transition = solution_flow.get(solution.status, to_status)
    if transition is None or transition.action != action:
        raise TransitionRefused(
            _("A solution that is “%(status)s” cannot do that.") % {"status": Status(solution.status).label},
            reasons=[],
            code="invalid_transition",
        )
    if not transition.allowed(actor, solution):
        raise PermissionDenied(_("You may not take this step of the review."))
    reasons = solution_flow.unmet_conditions(solution, transition)
    if reasons:
        raise TransitionRefused(
            _("The solution cannot go to “%(to)s” yet.") % {"to": Status(to_status).label}, reasons=reasons
        )
    return transition


# --- section catalogue ---------------------------------------------------------------------------


def _template_rules(template: SectionTemplate) -> None:
    template.title = (template.title or "").strip()
    template.code = (template.code or "").strip()
    validate_or_raise(template)


@transaction.atomic
def template_create(
    *,
    actor,
    code: str,
    title: str,
    required: bool = True,
    position: int = 0,
    guidance: str = "",
    min_chars: int = 30,
    active: bool = True,
) -> SectionTemplate:
    if not permissions.can_edit_catalogue(actor):
        raise PermissionDenied(_("Managers edit the section catalogue."))
    template = SectionTemplate(
        code=code,
        title=title,
        required=required,
        position=position,
        guidance=(guidance or "").strip(),
        min_chars=min_chars,
        active=active,
        created_by=actor,
    )
    _template_rules(template)
    _create(template, actor=actor)
    return template


@transaction.atomic
def template_update(
    *, actor, template: SectionTemplate, expected_version: int | None, **changes
) -> SectionTemplate:
    """Edit a catalogue entry. Existing solutions keep their sections; a change of `required` or
    `min_chars` changes their live score (versions keep the score they had)."""
    if not permissions.can_edit_catalogue(actor):
        raise PermissionDenied(_("Managers edit the section catalogue."))
    unknown = set(changes) - set(TEMPLATE_FIELDS)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    locked = SectionTemplate.objects.select_for_update().get(pk=template.pk)
    check_version(locked, expected_version)
    changed = apply_changes(locked, changes)
    _template_rules(locked)
    _save(locked, changed, actor=actor)
    if {"required", "min_chars", "active"} & set(changed):
        for solution in Solution.objects.filter(
            sections__template=locked, status__in=EDITABLE_STATUSES
        ).distinct():
            _refresh_completeness(solution)
    return locked


# --- solutions -----------------------------------------------------------------------------------


@transaction.atomic
def solution_create(
    *,
    actor,
    opportunity,
    title: str,
    author=None,
    reviewer_1=None,
    reviewer_2=None,
    reviewer_3=None,
    contents: dict[str, str] | None = None,
) -> Solution:
    """A new solution of an open opportunity, with a section for every active catalogue entry,
    empty, or prefilled from `contents` ({section code: text}; the outline drafter's first draft).
    The first solution of an opportunity is its current one."""
    from presales.opportunities.models import Opportunity

    if opportunity is None or not Opportunity.objects.visible_to(actor).filter(pk=opportunity.pk).exists():
        raise DomainError(_("Choose an opportunity you can see."), code="invalid", field="opportunity")
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not permissions.can_create(actor, opportunity):
        raise PermissionDenied(
            _("Only the opportunity's presales people, the team lead or a manager write its solution.")
        )
    if opportunity.is_closed:
        raise DomainError(
            _("This opportunity is closed: no new solution."), code="opportunity_closed", field="opportunity"
        )
    author = author or actor
    errors = {}
    if not author.is_active or not (author.is_presales or author.is_manager):
        errors["author"] = [_("The author must be an active presales colleague.")]
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give the solution a title.")]
    contents = {code: (text or "").replace("\r\n", "\n").strip() for code, text in (contents or {}).items()}
    if any(len(text) > MAX_CONTENT for text in contents.values()):
        errors["contents"] = [_("A section holds at most %(n)s characters.") % {"n": MAX_CONTENT}]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], code="invalid", errors=errors)
    reviewers = {"reviewer_1": reviewer_1, "reviewer_2": reviewer_2, "reviewer_3": reviewer_3}
    _check_reviewers(reviewers, author_id=author.pk)
    has_current = Solution.objects.filter(opportunity=opportunity, is_current=True).exists()
    solution = Solution(
        opportunity=opportunity,
        title=title,
        author=author,
        is_current=not has_current,
        status=Status.DRAFT,
        status_changed_at=timezone.now(),
        created_by=actor,
        **reviewers,
    )
    validate_or_raise(solution)
    _create(solution, actor=actor)
    SolutionSection.objects.bulk_create(
        SolutionSection(
            solution=solution,
            template=t,
            created_by=actor,
            content=contents.get(t.code, ""),
            updated_by=actor if contents.get(t.code) else None,
        )
        for t in selectors.active_templates()
    )
    _refresh_completeness(solution)
    return solution


@transaction.atomic
def solution_update(*, actor, solution: Solution, expected_version: int | None, **changes) -> Solution:
    """The title (while editable) and the reviewers. A reviewer may be changed for levels not yet
    decided in the running round (a manager reassigns a reviewer who is away); the new reviewer of
    the level under review is told."""
    unknown = set(changes) - {"title", *REVIEWER_FIELDS}
    if unknown:
        raise DomainError(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    locked = _lock(solution)
    _require_write(actor, locked)
    check_version(locked, expected_version)
    errors: dict[str, list[str]] = {}
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
        if not changes["title"]:
            errors["title"] = [_("Give the solution a title.")]
        elif changes["title"] != locked.title and not locked.is_editable:
            errors["title"] = [_("The title changes only as a draft or after a return.")]
    for level, name in enumerate(REVIEWER_FIELDS, start=1):
        if name not in changes or changes[name] == locked.reviewer_for(level):
            continue
        if (
            locked.status == Status.PASSED
            or locked.status == Status.CROSS_DEPT
            or (locked.status == Status.IN_REVIEW and level < (locked.current_level or 1))
        ):
            errors.setdefault(name, []).append(_("This level has already decided in the running review."))
    if errors:
        raise DomainError(next(iter(errors.values()))[0], code="invalid", errors=errors)
    _check_reviewers({k: v for k, v in changes.items() if k in REVIEWER_FIELDS}, author_id=locked.author_id)
    before_current = locked.current_reviewer
    changed = apply_changes(locked, changes)
    _save(locked, changed, actor=actor)
    after_current = locked.current_reviewer
    if after_current is not None and after_current != before_current:
        notices.review_requested(locked)
    return locked


@transaction.atomic
def section_save(
    *, actor, section: SolutionSection, content: str, expected_version: int | None
) -> SolutionSection:
    """Save one section's text (draft or returned solutions only). Each section has its own version,
    so two people writing different sections do not collide; the same section edited twice from the
    same version is refused (412)."""
    solution = _lock(section.solution)
    _require_write(actor, solution)
    locked = SolutionSection.objects.select_for_update().select_related("template").get(pk=section.pk)
    check_version(locked, expected_version)
    _require_editable(solution)
    content = (content or "").replace("\r\n", "\n").strip()
    if len(content) > MAX_CONTENT:
        raise DomainError(
            _("A section holds at most %(n)s characters.") % {"n": MAX_CONTENT},
            code="too_long",
            field="content",
        )
    changed = apply_changes(locked, {"content": content, "updated_by": actor})
    if changed == ["updated_by"]:
        changed = []
    _save(locked, changed, actor=actor)
    _refresh_completeness(solution)
    return locked


def _next_version_number(solution) -> int:
    return (SolutionVersion.objects.filter(solution=solution).aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def solution_submit(
    *, actor, solution: Solution, change_summary: str = "", expected_version: int | None = None
) -> Solution:
    """Submit (a draft) or resubmit (a returned solution) for review: freeze a version, open a
    round, start at level 1 and tell its reviewer. A resubmission says what changed."""
    locked = _lock(solution)
    _require_write(actor, locked)
    check_version(locked, expected_version)
    action = RESUBMIT if locked.status == Status.RETURNED else SUBMIT
    change_summary = (change_summary or "").strip()
    if action == RESUBMIT or locked.rounds_count:
        change_summary = require_text(
            change_summary, field="change_summary", message=_("Say what changed since the last submission.")
        )
    _move(locked, Status.IN_REVIEW, actor=actor, action=action)
    sections = selectors.sections_of(locked)
    result = selectors.completeness_from_sections(sections)
    now = timezone.now()
    version = SolutionVersion.objects.create(
        solution=locked,
        number=_next_version_number(locked),
        author=actor,
        change_summary=change_summary or _("First submission"),
        sections=[
            {
                "code": s.template.code,
                "title": s.template.title,
                "required": s.template.required,
                "content": s.content,
            }
            for s in sections
        ],
        completeness=result.score,
        missing=result.missing,
    )
    number = locked.rounds_count + 1
    ReviewRound.objects.create(
        solution=locked, number=number, version=version, submitted_by=actor, submitted_at=now
    )
    changed = apply_changes(
        locked,
        {
            "status": Status.IN_REVIEW,
            "current_level": ReviewLevel.JUNIOR,
            "status_changed_at": now,
            "submitted_at": now,
            "rounds_count": number,
            "completeness": result.score,
        },
    )
    _save(locked, changed, actor=actor, reason=change_summary)
    notices.review_requested(locked)
    return locked


def _open_round(solution) -> ReviewRound:
    round_ = (
        ReviewRound.objects.select_for_update()
        .filter(solution=solution, outcome=RoundOutcome.PENDING)
        .order_by("-number")
        .first()
    )
    if round_ is None:  # pragma: no cover - a solution under review always has its round
        raise TransitionRefused(_("This solution has no review running."), reasons=[], code="no_round")
    return round_


def _close_round_returned(solution, round_: ReviewRound, *, now, level: int | None) -> None:
    round_.outcome = RoundOutcome.RETURNED
    round_.closed_at = now
    if level is not None:
        round_.returned_level = level
        round_.internal_passed = False
        round_.internal_decided_at = now
    else:
        round_.returned_by_departments = True
    round_.save()


def _record_first_pass(solution, round_: ReviewRound, *, passed: bool, now) -> dict:
    if round_.number == 1 and solution.first_pass is None:
        return {"first_pass": passed, "first_reviewed_at": now}
    return {}


@transaction.atomic
def review_decide(
    *, actor, solution: Solution, decision: str, comments: str = "", expected_version: int | None = None
) -> Solution:
    """The decision of the level under review: approve (on to the next level; after level 3 to the
    cross-department review) or return to the author (comments required)."""
    locked = _lock(solution)
    check_version(locked, expected_version)
    if decision not in Decision.values:
        raise DomainError(_("Choose approve or return."), code="invalid", field="decision")
    comments = (comments or "").strip()
    if locked.status != Status.IN_REVIEW:
        raise TransitionRefused(
            _("This solution is not in internal review (now: %(status)s).")
            % {"status": Status(locked.status).label},
            reasons=[],
            code="not_in_review",
        )
    if not permissions.can_decide(actor, locked):
        raise PermissionDenied(
            _("Only the reviewer assigned to the %(level)s decides it.")
            % {"level": ReviewLevel(locked.current_level).label}
        )
    if decision == Decision.RETURNED and not comments:
        raise DomainError(
            _("Say what must change: comments are required to return a solution."),
            code="required",
            field="comments",
        )
    level = locked.current_level
    now = timezone.now()
    if decision == Decision.APPROVED:
        target = Status.CROSS_DEPT if level == LAST_LEVEL else Status.IN_REVIEW
        _move(locked, target, actor=actor, action=APPROVE)
    else:
        _move(locked, Status.RETURNED, actor=actor, action=RETURN)
    round_ = _open_round(locked)
    LevelDecision.objects.create(
        round=round_, level=level, reviewer=actor, decision=decision, comments=comments, decided_at=now
    )
    changes = {"status_changed_at": now}
    if decision == Decision.RETURNED:
        _close_round_returned(locked, round_, now=now, level=level)
        changes.update(
            status=Status.RETURNED,
            current_level=None,
            **_record_first_pass(locked, round_, passed=False, now=now),
        )
    elif level == LAST_LEVEL:
        round_.internal_passed = True
        round_.internal_decided_at = now
        round_.save(update_fields=["internal_passed", "internal_decided_at"])
        changes.update(
            status=Status.CROSS_DEPT,
            current_level=None,
            **_record_first_pass(locked, round_, passed=True, now=now),
        )
    else:
        changes.update(current_level=level + 1)
    changed = apply_changes(locked, changes)
    _save(locked, changed, actor=actor, reason=comments)
    notices.decision_made(locked, level=level, decision=decision, reviewer=actor, comments=comments)
    if locked.status == Status.IN_REVIEW:
        notices.review_requested(locked)
    elif locked.status == Status.CROSS_DEPT:
        notices.departments_requested(locked)
    return locked


@transaction.atomic
def department_record(
    *,
    actor,
    solution: Solution,
    department: str,
    decision: str,
    comments: str = "",
    reviewer_name: str = "",
    expected_version: int | None = None,
) -> Solution:
    """Record one department's decision in the cross-department review. Once all four decided:
    every one agreeing (with or without changes) passes the review and archives the DOCX; a
    disagreement returns the solution to its author."""
    locked = _lock(solution)
    check_version(locked, expected_version)
    if locked.status != Status.CROSS_DEPT:
        raise TransitionRefused(
            _("The cross-department review comes after the three internal levels (now: %(status)s).")
            % {"status": Status(locked.status).label},
            reasons=[],
            code="not_in_cross_dept",
        )
    if not permissions.can_record_departments(actor, locked):
        raise PermissionDenied(_("Managers and the team lead record the cross-department review."))
    errors: dict[str, list[str]] = {}
    if department not in Department.values:
        errors["department"] = [_("Choose a department.")]
    if decision not in DeptDecision.values:
        errors["decision"] = [_("Choose agree, agree with changes or disagree.")]
    comments = (comments or "").strip()
    if decision in (DeptDecision.AGREE_WITH_CHANGES, DeptDecision.DISAGREE) and not comments:
        errors["comments"] = [_("Say which changes are needed, or why the department disagrees.")]
    reviewer_name = (reviewer_name or "").strip() or str(actor)
    if len(reviewer_name) > 64:
        errors["reviewer_name"] = [_("At most 64 characters.")]
    round_ = _open_round(locked)
    if (
        department in Department.values
        and DepartmentReview.objects.filter(round=round_, department=department).exists()
    ):
        errors.setdefault("department", []).append(_("This department has already decided in this round."))
    if errors:
        raise DomainError(next(iter(errors.values()))[0], code="invalid", errors=errors)
    now = timezone.now()
    DepartmentReview.objects.create(
        round=round_,
        department=department,
        decision=decision,
        comments=comments,
        reviewer=actor,
        reviewer_name=reviewer_name,
        decided_at=now,
    )
    state = selectors.department_state(locked, round_)
    changes: dict = {}
    if state.complete and not state.disagreeing:
        _move(locked, Status.PASSED, actor=actor, action="departments_agree")
        round_.outcome = RoundOutcome.PASSED
        round_.closed_at = now
        round_.save(update_fields=["outcome", "closed_at"])
        changes = {"status": Status.PASSED, "status_changed_at": now, "passed_at": now}
    elif state.complete:
        _move(locked, Status.RETURNED, actor=actor, action="departments_disagree")
        _close_round_returned(locked, round_, now=now, level=None)
        changes = {"status": Status.RETURNED, "status_changed_at": now}
    changed = apply_changes(locked, changes)
    if changed:
        _save(locked, changed, actor=actor, reason=comments)
    else:  # a decision moves the version (and the ETag) even when the status stays
        _touch(locked, actor=actor)
    notices.department_decided(locked, department=department, decision=decision, comments=comments)
    if locked.status == Status.PASSED:
        archive(locked, actor=actor, round_=round_)
        notices.review_passed(locked)
    return locked


def archive(solution: Solution, *, actor, round_: ReviewRound) -> None:
    """Export the passed version as DOCX and archive it as the solution's document (a new version
    of the same document after a revision)."""
    from presales.documents.artefacts import archive_artefact

    from .exports import solution_docx

    version = round_.version
    content = solution_docx(solution, version)
    try:
        archive_artefact(
            actor=actor,
            source=solution,
            kind="solution",
            title=f"{solution.opportunity.number} {solution.title}",
            category_kind="solution",
            filename=f"solution-{solution.pk}-v{version.number}.docx",
            content=content,
            opportunity=solution.opportunity,
            change_summary=_("Review passed: version %(n)s. %(summary)s")
            % {"n": version.number, "summary": version.change_summary},
        )
    except DomainError as exc:  # e.g. the document is archived (read-only): the pass stands
        logger.warning("solution %s: not archived: %s", solution.pk, exc.message)


@transaction.atomic
def solution_revise(
    *, actor, solution: Solution, reason: str, expected_version: int | None = None
) -> Solution:
    """Reopen a passed solution for a revision (back to draft; its next pass archives a new
    version of the document). The opportunity's gate counts it as not passed until then."""
    locked = _lock(solution)
    _require_write(actor, locked)
    check_version(locked, expected_version)
    reason = require_text(reason, field="reason", message=_("Say why the solution is revised."))
    _move(locked, Status.DRAFT, actor=actor, action=REVISE)
    changed = apply_changes(locked, {"status": Status.DRAFT, "status_changed_at": timezone.now()})
    _save(locked, changed, actor=actor, reason=reason)
    return locked


@transaction.atomic
def solution_make_current(*, actor, solution: Solution, expected_version: int | None = None) -> Solution:
    """Make this the opportunity's current solution (the other one stops being current)."""
    locked = _lock(solution)
    _require_write(actor, locked)
    check_version(locked, expected_version)
    if locked.is_current:
        return locked
    for other in Solution.objects.select_for_update().filter(
        opportunity_id=locked.opportunity_id, is_current=True
    ):
        other.is_current = False
        _save(other, ["is_current"], actor=actor)
    locked.is_current = True
    _save(locked, ["is_current"], actor=actor)
    return locked
