"""Who may do what with bids. Visibility is the opportunity's (`Bid.objects.visible_to(user)`).
These functions read no rows (roles and led teams are cached on the user; the opportunity's
members are read from the prefetch cache when there is one).

- Prepare the bid (tender information, plan, sections, milestones, meetings, deviation table,
  review checklist): managers, the opportunity's presales lead, the team lead, the opportunity's
  presales members, and the bid's business specialist and solution architect.
- Steer it (submit, withdraw, record the receipt and the result): managers, the presales lead and
  the team lead — the people who answer for the bid.
- Create a bid: whoever may prepare bids for the opportunity (it must be open).
"""

from __future__ import annotations

from presales.core.permissions import is_manager


def _opportunity(obj):
    return getattr(obj, "opportunity", obj)


def _is_member(user, opportunity) -> bool:
    cached = getattr(opportunity, "_prefetched_objects_cache", {}).get("members")
    if cached is not None:
        return any(m.pk == user.pk for m in cached)
    return opportunity.members.filter(pk=user.pk).exists()


def can_steer(user, bid_or_opportunity) -> bool:
    opportunity = _opportunity(bid_or_opportunity)
    return is_manager(user) or (opportunity.presales_lead_id is not None and opportunity.presales_lead_id == user.pk) \
        or opportunity.team_id in user.led_team_ids


def can_create_bid(user, opportunity) -> bool:
    return can_steer(user, opportunity) or (user.is_presales and _is_member(user, opportunity))


def can_work_on(user, bid) -> bool:
    if can_create_bid(user, bid.opportunity):
        return True
    return user.pk in (bid.business_owner_id, bid.technical_owner_id)


def can_create_any(user) -> bool:
    return is_manager(user) or user.is_presales
