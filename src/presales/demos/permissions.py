"""Who may do what with demos. Visibility is the opportunity's (`Demo.objects.visible_to(user)`):
whoever sees the opportunity sees its demos. These functions decide actions on a demo the user
can already see; they read no rows except the opportunity's members (prefetched on pages).

- Plan, prepare, deliver and summarise a demo: managers, the opportunity's presales lead, the team
  lead, the opportunity's presales members and the demo's presenters — the people who do the demo.
- Cancel a demo or reopen its preparation: managers, the presales lead and the team lead.
- Record customer questions: the above and the opportunity's sales owner (who sits in the demo).
"""

from __future__ import annotations

from presales.core.permissions import is_manager


def _opportunity(demo_or_opportunity):
    return getattr(demo_or_opportunity, "opportunity", demo_or_opportunity)


def _is_member(user, opportunity) -> bool:
    cached = getattr(opportunity, "_prefetched_objects_cache", {}).get("members")
    if cached is not None:
        return any(m.pk == user.pk for m in cached)
    return opportunity.members.filter(pk=user.pk).exists()


def _is_presenter(user, demo) -> bool:
    if not hasattr(demo, "presenters") or demo.pk is None:
        return False
    cached = getattr(demo, "_prefetched_objects_cache", {}).get("presenters")
    if cached is not None:
        return any(p.pk == user.pk for p in cached)
    return demo.presenters.filter(pk=user.pk).exists()


def can_steer(user, demo_or_opportunity) -> bool:
    """Answer for the demo: cancel it, reopen its preparation."""
    opportunity = _opportunity(demo_or_opportunity)
    return bool(
        is_manager(user)
        or (opportunity.presales_lead_id is not None and opportunity.presales_lead_id == user.pk)
        or opportunity.team_id in user.led_team_ids
    )


def can_create_demo(user, opportunity) -> bool:
    return can_steer(user, opportunity) or (user.is_presales and _is_member(user, opportunity))


def can_work_on(user, demo) -> bool:
    """Prepare, deliver and summarise the demo."""
    return can_create_demo(user, demo.opportunity) or (user.is_presales and _is_presenter(user, demo))


def can_record_questions(user, demo) -> bool:
    return can_work_on(user, demo) or demo.opportunity.sales_owner_id == user.pk


def can_create_any(user) -> bool:
    """Show the "new demo" button: anyone who could plan a demo of some opportunity."""
    return is_manager(user) or user.is_presales
