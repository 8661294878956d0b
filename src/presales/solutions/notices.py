"""Notifications of the review (in-app + e-mail through presales.notifications, after commit):
the reviewer of the level under review is asked; the author hears of every decision; the
cross-department recorders (the team lead, else the presales managers) are asked after level 3."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from presales.notifications.text import lazy_text as _

from .choices import Decision, Department, DeptDecision, ReviewLevel


def _notify(**kwargs) -> None:
    from presales.notifications.services import notify

    notify(**kwargs)


def review_requested(solution) -> None:
    reviewer = solution.current_reviewer
    if reviewer is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Review requested: %(title)s (%(level)s)") % {
            "title": solution.title,
            "level": ReviewLevel(solution.current_level).label,
        }
        body = _("%(author)s submitted the solution of %(opportunity)s; it waits for your decision.") % {
            "author": solution.author,
            "opportunity": solution.opportunity,
        }
    _notify(
        recipients=[reviewer],
        kind="solutions.review_requested",
        title=title,
        body=body,
        target=solution,
    )


def decision_made(solution, *, level: int, decision: str, reviewer, comments: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(level)s: %(decision)s — %(title)s") % {
            "level": ReviewLevel(level).label,
            "decision": Decision(decision).label,
            "title": solution.title,
        }
        body = _("%(reviewer)s: %(comments)s") % {"reviewer": reviewer, "comments": comments or "—"}
    _notify(
        recipients=[solution.author],
        kind="solutions.decision",
        title=title,
        body=body,
        target=solution,
    )
    from presales.notifications.services import notify_mentions

    notify_mentions(text=comments, author=reviewer, target=solution, where=solution.title)


def _recorders(solution) -> list:
    from presales.accounts.choices import RoleCode
    from presales.accounts.models import User

    lead = solution.opportunity.team.lead if solution.opportunity.team_id else None
    if lead is not None:
        return [lead]
    return list(User.objects.filter(is_active=True, roles__code=RoleCode.PRESALES_MANAGER).distinct())


def departments_requested(solution) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Cross-department review needed: %(title)s") % {"title": solution.title}
        body = _(
            "The three internal levels approved the solution; record the decisions of the technical, "
            "quality, marketing and business departments."
        )
    _notify(
        recipients=_recorders(solution),
        kind="solutions.departments",
        title=title,
        body=body,
        target=solution,
    )


def department_decided(solution, *, department: str, decision: str, comments: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(department)s: %(decision)s — %(title)s") % {
            "department": Department(department).label,
            "decision": DeptDecision(decision).label,
            "title": solution.title,
        }
    _notify(
        recipients=[solution.author],
        kind="solutions.department",
        title=title,
        body=comments,
        target=solution,
    )


def review_passed(solution) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Review passed: %(title)s") % {"title": solution.title}
        body = _("The solution passed the internal and the cross-department review and was archived.")
    people = [solution.author, solution.opportunity.presales_lead, solution.opportunity.sales_owner]
    _notify(
        recipients=people, kind="solutions.passed", title=title, body=body, target=solution
    )
