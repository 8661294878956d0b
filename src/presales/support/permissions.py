"""Who may do what with support requests. Visibility is `SupportRequest.objects.visible_to(user)`
(team scope + requester + assignee, see core.permissions); these functions decide the actions on a
request the user can already see. Whether the request's status allows the action is the
workflow's business (support.workflow), not theirs."""

from presales.accounts.choices import RoleCode
from presales.core.permissions import is_manager


def can_submit(user) -> bool:
    """Sales reps ask for support; presales people and managers may file a request for them."""
    return bool(user and user.is_authenticated) and (
        is_manager(user) or user.is_presales or user.has_role(RoleCode.SALES)
    )


def leads_team(user, support_request) -> bool:
    return support_request.team_id in user.led_team_ids


def can_assign(user, support_request) -> bool:
    """Assign or reassign: a manager, or the lead of the request's presales team."""
    return is_manager(user) or leads_team(user, support_request)


def can_respond(user, support_request) -> bool:
    """Only the assigned engineer answers (first response, then progress notes)."""
    return support_request.assignee_id is not None and support_request.assignee_id == user.pk


def can_complete(user, support_request) -> bool:
    return can_respond(user, support_request) or is_manager(user)


def can_cancel(user, support_request) -> bool:
    """The requester withdraws their own request; a manager may cancel any."""
    return support_request.requester_id == user.pk or is_manager(user)
