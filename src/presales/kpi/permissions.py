"""Who may do what with the indicator library and schemes.

- Read: every logged-in user reads the whole library and the active schemes; draft and retired
  schemes are seen by editors only (`Scheme.objects.visible_to`), others get 404 for them.
- Write (create and edit indicators, record quarterly reviews, build, weigh, activate and retire
  schemes, apply AHP weights): managers (administrator, department head, presales manager) and
  members of the appraisal committee (考核小组).
- Nobody edits a scheme that a published appraisal uses (`Scheme.is_locked()`): the services
  refuse it and the pages hide the buttons.
"""

from __future__ import annotations

from presales.accounts.choices import RoleCode


def can_edit_library(user) -> bool:
    """Create/edit indicators and schemes, record reviews."""
    return bool(
        user is not None and user.is_authenticated and user.is_active
        and (user.is_manager or user.has_role(RoleCode.COMMITTEE))
    )


def can_edit_scheme(user, scheme) -> bool:
    return can_edit_library(user) and not scheme.is_locked()
