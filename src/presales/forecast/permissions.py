"""Who sees what of the forecast. The model page, its API and the traits of high-value customers:
managers, team leads and the appraisal committee (they steer the pipeline). An opportunity's
estimate: whoever can see the opportunity (`Prediction.objects.visible_to`)."""

from __future__ import annotations

from presales.accounts.choices import RoleCode
from presales.core.permissions import is_manager


def can_view_model(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return is_manager(user) or bool(user.led_team_ids) or user.has_role(RoleCode.COMMITTEE)


def can_view_traits(user) -> bool:
    return can_view_model(user)
