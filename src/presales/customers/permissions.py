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


# --- the customer's records --------------------------------------------------------------------
# Every record (communication, technical issue, complaint, survey, feedback item) is visible
# exactly when its customer is (CustomerChildQuerySet.visible_to); these functions decide what a
# person who sees the record may do with it. They read no database rows (roles and led teams are
# cached on the user), so lists can call them per row.


def can_edit_communication(user, log) -> bool:
    """A communication record is its author's account of the exchange: the author corrects it, and
    so may whoever may edit the customer (its owners, the team lead, managers)."""
    return log.created_by_id == user.pk or can_edit_customer(user, log.customer)


def can_work_on_issue(user, issue) -> bool:
    """Edit, resolve and reopen a technical issue: its owner and anyone who may contribute."""
    return issue.owner_id == user.pk or can_contribute(user, issue.customer)


def can_handle_complaint(user, complaint) -> bool:
    """Edit and handle a complaint: the customer's owners, the team lead or a manager — never the
    person the complaint is against (nobody handles a complaint about themselves)."""
    if complaint.against_id is not None and complaint.against_id == user.pk:
        return False
    return can_edit_customer(user, complaint.customer)


def can_edit_survey(user, survey) -> bool:
    """Surveys feed the appraisal: once entered they are fixed; only a manager may correct one."""
    return is_manager(user)


def can_work_on_feedback(user, item) -> bool:
    """Edit a feedback item and change its status: its owner and anyone who may contribute."""
    return item.owner_id == user.pk or can_contribute(user, item.customer)
