"""Who sees the manager dashboard, and which teams it covers for them."""

from presales.accounts.choices import RoleCode


def can_see_dashboard(user) -> bool:
    """Managers, team leads and the appraisal committee; engineers and sales keep "my work"."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return bool(user.is_manager or user.has_role(RoleCode.COMMITTEE) or user.led_team_ids)


def sees_every_team(user) -> bool:
    """Managers and the committee may look at every team at once; a team lead sees their teams."""
    return bool(user.is_manager or user.has_role(RoleCode.COMMITTEE))


def landing_url_name(user) -> str:
    """The first page after login: the dashboard for those who steer, "my work" for engineers,
    the support requests for sales (what they asked for)."""
    if can_see_dashboard(user):
        return "insights:dashboard"
    if user.is_presales:
        return "insights:my_work"
    if user.has_role(RoleCode.SALES):
        return "support:list"
    return "insights:my_work"
