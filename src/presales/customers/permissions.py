"""Who may do what with customers. Visibility is `Customer.objects.visible_to(user)` (see
core.permissions); these functions decide actions on a record the user can already see."""

from presales.accounts.choices import RoleCode
from presales.core.permissions import is_manager


def can_create_customer(user) -> bool:
    return is_manager(user) or user.is_presales or user.has_role(RoleCode.SALES)


def _leads_team(user, customer) -> bool:
    return customer.team_id in user.led_team_ids


def can_edit_customer(user, customer) -> bool:
    return (
        is_manager(user)
        or user.pk in (customer.presales_owner_id, customer.sales_owner_id)
        or _leads_team(user, customer)
    )


def can_reassign_customer(user, customer) -> bool:
    """Owners are changed by managers or the team lead, never by the owners themselves alone."""
    return is_manager(user) or _leads_team(user, customer)


def can_contribute(user, customer) -> bool:
    """Add contacts, communication records, issues, surveys, feedback to a visible customer."""
    return is_manager(user) or user.is_presales or user.has_role(RoleCode.SALES)
