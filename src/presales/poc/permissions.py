"""Who may do what with POCs. Visibility is the opportunity's (`Poc.objects.visible_to(user)`):
whoever sees the opportunity sees its POCs. These functions decide actions on a POC the user can
already see; they read no rows (roles and led teams are cached on the user, the opportunity's
members are read once per page and passed as `member_ids` where a list needs them).

- Prepare and run (launch confirmation, criteria, resources, risks, kickoff, readiness answers,
  measurements): managers, the opportunity's presales lead, the team lead, and the opportunity's
  presales members — the people who do the POC.
- Move the status (confirm, start, evaluate, conclude, abandon) and confirm a scope change for our
  side: managers, the presales lead and the team lead — the people who answer for it.
- Incidents and weekly sync notes: the above and the sales owner (who sits in the syncs and hears
  of incidents first).
- The coaching view across POCs: managers and team leads.
- The industry guide is reference data: managers edit it.
"""

from __future__ import annotations

from presales.core.permissions import is_manager


def _opportunity(poc_or_opportunity):
    return getattr(poc_or_opportunity, "opportunity", poc_or_opportunity)


def _is_lead(user, opportunity) -> bool:
    return opportunity.presales_lead_id is not None and opportunity.presales_lead_id == user.pk


def _leads_team(user, opportunity) -> bool:
    return opportunity.team_id in user.led_team_ids


def _is_member(user, opportunity) -> bool:
    cached = getattr(opportunity, "_prefetched_objects_cache", {}).get("members")
    if cached is not None:
        return any(m.pk == user.pk for m in cached)
    return opportunity.members.filter(pk=user.pk).exists()


def can_steer(user, poc_or_opportunity) -> bool:
    """Answer for the POC: move its status, confirm scope changes for our side."""
    opportunity = _opportunity(poc_or_opportunity)
    return is_manager(user) or _is_lead(user, opportunity) or _leads_team(user, opportunity)


def can_create_poc(user, opportunity) -> bool:
    return can_work_on(user, opportunity)


def can_work_on(user, poc_or_opportunity) -> bool:
    """Prepare and run the POC (everything but moving the status)."""
    opportunity = _opportunity(poc_or_opportunity)
    return can_steer(user, opportunity) or (user.is_presales and _is_member(user, opportunity))


def can_report(user, poc) -> bool:
    """Open incidents and write weekly sync notes."""
    return can_work_on(user, poc) or poc.opportunity.sales_owner_id == user.pk


def can_move(user, poc, target: str | None = None) -> bool:
    return not poc.is_closed and can_steer(user, poc)


def can_create_any(user) -> bool:
    """Show the "new POC" button: anyone who could prepare a POC of some opportunity."""
    return is_manager(user) or user.is_presales


def can_coach(user) -> bool:
    return is_manager(user) or bool(user.led_team_ids)


def can_edit_guide(user) -> bool:
    return is_manager(user)
