"""Who may do what with opportunities. Visibility is `Opportunity.objects.visible_to(user)` (see
core.permissions: managers see all; a team sees its non-confidential opportunities; the team lead
sees all of the team's; the presales lead, the sales owner and the members see theirs). These
functions decide actions on an opportunity the user can already see.

Who moves the stage: the presales lead runs the SOP, so the lead, the team lead and managers may
make any move the workflow allows. The sales owner owns the commercial side: they may move into
negotiation and close the opportunity (won, lost, abandoned), but not steer the presales stages
(discovery, solution, demo/POC, bid) nor move it backwards. Members contribute (retrospective,
handover) but do not move the stage. Only managers override a refused gate.
"""

from __future__ import annotations

from presales.accounts.choices import RoleCode
from presales.core.permissions import is_manager

from .choices import CLOSED_STAGES, Stage

# The moves a sales owner may make (see the module docstring).
SALES_OWNER_TARGETS = frozenset({Stage.NEGOTIATION, Stage.WON, Stage.LOST, Stage.ABANDONED})


def _leads_team(user, opportunity) -> bool:
    return opportunity.team_id in user.led_team_ids


def _is_lead(user, opportunity) -> bool:
    return opportunity.presales_lead_id is not None and opportunity.presales_lead_id == user.pk


def _is_member(user, opportunity) -> bool:
    prefetched = getattr(opportunity, "_prefetched_objects_cache", {}).get("members")
    if prefetched is not None:
        return any(m.pk == user.pk for m in prefetched)
    return opportunity.members.filter(pk=user.pk).exists()


def can_create_opportunity(user) -> bool:
    return is_manager(user) or user.is_presales or user.has_role(RoleCode.SALES)


def can_edit_opportunity(user, opportunity) -> bool:
    return (
        is_manager(user)
        or _is_lead(user, opportunity)
        or opportunity.sales_owner_id == user.pk
        or _leads_team(user, opportunity)
    )


def can_assign_lead(user, opportunity) -> bool:
    """Managers and the team lead assign (or change) the presales lead."""
    return is_manager(user) or _leads_team(user, opportunity)


def can_claim_lead(user, opportunity) -> bool:
    """A presales engineer of the opportunity's team may take an opportunity nobody leads yet
    (presales joins at the first customer contact; nobody has to wait for a manager)."""
    return (
        opportunity.presales_lead_id is None
        and user.is_presales
        and user.team_id is not None
        and user.team_id == opportunity.team_id
    )


def can_manage_members(user, opportunity) -> bool:
    return can_edit_opportunity(user, opportunity)


def can_move_stage(user, opportunity, to_stage: str | None = None) -> bool:
    """May `user` move the opportunity (to `to_stage`; with None: make some move at all)?
    A closed opportunity never moves (closed is final)."""
    if opportunity.stage in CLOSED_STAGES:
        return False
    if is_manager(user) or _is_lead(user, opportunity) or _leads_team(user, opportunity):
        return True
    if opportunity.sales_owner_id == user.pk:
        return to_stage is None or to_stage in SALES_OWNER_TARGETS
    return False


def can_override_gate(user) -> bool:
    return is_manager(user)


def can_place_stage(user, opportunity) -> bool:
    """Put an opportunity brought in from a CRM at the stage the CRM reports (see
    services.opportunity_place): the people who may import it, managers and the team's lead."""
    return is_manager(user) or _leads_team(user, opportunity)


def can_contribute(user, opportunity) -> bool:
    """Write the retrospective and the handover: the people who did the work and who steer it."""
    return (
        is_manager(user)
        or _is_lead(user, opportunity)
        or opportunity.sales_owner_id == user.pk
        or _leads_team(user, opportunity)
        or _is_member(user, opportunity)
    )


def can_write_retrospective(user, opportunity) -> bool:
    return can_contribute(user, opportunity)


def can_write_handover(user, opportunity) -> bool:
    return can_contribute(user, opportunity)
