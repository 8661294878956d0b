"""Who may do what in the requirement research of an opportunity.

Visibility is the opportunity's: whoever sees the opportunity (`Opportunity.objects.visible_to`)
sees its plan, activities, report, requirement items and confirmations; out of scope answers 404.
These functions decide actions on what the user already sees; they read no rows (roles and led
teams are cached on the user; the opportunity's members are read from a prefetch when present).

- Research work (plan, activities and their attachments, report, requirement items, exports filed
  in the archive): managers, the opportunity's presales lead, the lead of its presales team, and
  its presales members — the people doing the research (mirrors presales.poc.permissions).
- Recording the customer's confirmation (需求确认书): the above and the opportunity's sales owner.
  Decision: the sales owner often is the one who brings back the customer's signature or e-mail,
  so they may record it; they may not change the requirement items they are confirming (that
  keeps "who wrote the requirements" and "who got them signed" apart in the history).
- Everyone who sees the opportunity may read everything and download the exports.
- A closed opportunity (won, lost, abandoned) is read-only.
"""

from __future__ import annotations

from presales.core.permissions import is_manager


def _opportunity(record):
    return getattr(record, "opportunity", record)


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


def can_research(user, record_or_opportunity) -> bool:
    """Write the plan, activities, report and requirement items of an open opportunity."""
    if user is None or not user.is_authenticated:
        return False
    opportunity = _opportunity(record_or_opportunity)
    if opportunity.is_closed:
        return False
    return _steers(user, opportunity) or (user.is_presales and _is_member(user, opportunity))


def can_confirm(user, record_or_opportunity) -> bool:
    """Record the customer's confirmation of the requirement set."""
    if user is None or not user.is_authenticated:
        return False
    opportunity = _opportunity(record_or_opportunity)
    if opportunity.is_closed:
        return False
    return can_research(user, opportunity) or opportunity.sales_owner_id == user.pk
