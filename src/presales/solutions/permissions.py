"""Who may do what with solutions. Visibility: whoever sees the opportunity, and the reviewers
assigned to the solution (`Solution.objects.visible_to(user)`). These functions decide actions on
a solution the user can already see; they read no rows (roles and led teams are cached on the
user; the opportunity's members are read once when not prefetched).

- Write a solution (create, edit the title and sections, assign reviewers, submit, resubmit,
  revise after a pass, make it the current one): its author, the opportunity's presales lead,
  the team lead and managers. A new solution: the opportunity's presales people (lead, members),
  the team lead and managers.
- Decide a review level: only the reviewer assigned to that level (not even a manager decides for
  somebody else; a manager reassigns instead).
- Record the cross-department review: managers and the opportunity team's lead (the presales
  manager organises the cross-department meeting, seed 003 §2.2).
- The section catalogue is reference data: managers edit it.
"""

from __future__ import annotations

from presales.core.permissions import is_manager

from .choices import LEVEL_RANK, Status


def _is_member(user, opportunity) -> bool:
    cached = getattr(opportunity, "_prefetched_objects_cache", {}).get("members")
    if cached is not None:
        return any(m.pk == user.pk for m in cached)
    return opportunity.members.filter(pk=user.pk).exists()


def _steers(user, opportunity) -> bool:
    return (
        is_manager(user)
        or (opportunity.presales_lead_id is not None and opportunity.presales_lead_id == user.pk)
        or opportunity.team_id in user.led_team_ids
    )


def can_create(user, opportunity) -> bool:
    return _steers(user, opportunity) or (user.is_presales and _is_member(user, opportunity))


def can_create_any(user) -> bool:
    return is_manager(user) or user.is_presales or bool(user.led_team_ids)


def can_write(user, solution) -> bool:
    return solution.author_id == user.pk or _steers(user, solution.opportunity)


def can_edit(user, solution) -> bool:
    return solution.is_editable and can_write(user, solution)


def can_decide(user, solution) -> bool:
    """The assigned reviewer of the level under review."""
    return (
        solution.status == Status.IN_REVIEW
        and solution.current_level is not None
        and solution.reviewer_id_for(solution.current_level) == user.pk
    )


def can_record_departments(user, solution) -> bool:
    return is_manager(user) or solution.opportunity.team_id in user.led_team_ids


def can_edit_catalogue(user) -> bool:
    return is_manager(user)


def reviewer_problem(user, level: int, *, author_id: int | None) -> str | None:
    """Why `user` may not review at `level` (None when eligible). Translated."""
    from django.utils.translation import gettext as _

    from .choices import ReviewLevel

    if user is None:
        return None
    if not user.is_active:
        return _("%(name)s is not an active user.") % {"name": user}
    if author_id is not None and user.pk == author_id:
        return _("The author cannot review their own solution.")
    rank = LEVEL_RANK.get(user.presales_level or "", 0)
    if rank < int(level):
        return _(
            "%(name)s cannot do the %(level)s: it needs a presales level of %(needed)s or higher "
            "(theirs: %(theirs)s)."
        ) % {
            "name": user,
            "level": ReviewLevel(int(level)).label,
            "needed": _level_label(int(level)),
            "theirs": user.get_presales_level_display() or _("none"),
        }
    return None


def _level_label(level: int) -> str:
    from presales.accounts.choices import PresalesLevel

    return str({1: PresalesLevel.JUNIOR, 2: PresalesLevel.INTERMEDIATE, 3: PresalesLevel.SENIOR}[level].label)
