"""Who may see a person's metrics (pages and API; reused by the appraisal).

- everybody their own;
- a team lead the members of the teams they lead;
- managers (administrator, department head, presales manager) and appraisal committee members
  everybody.
Anybody else gets 404 for that person, the same answer as for a person who does not exist."""

from __future__ import annotations

from presales.accounts.choices import RoleCode


def sees_everyone(viewer) -> bool:
    return bool(viewer.is_manager or viewer.has_role(RoleCode.COMMITTEE))


def can_view_person(viewer, person) -> bool:
    if viewer is None or person is None or not viewer.is_authenticated or not viewer.is_active:
        return False
    if viewer.pk == person.pk or sees_everyone(viewer):
        return True
    return person.team_id is not None and person.team_id in viewer.led_team_ids


def viewable_people(viewer):
    """The users whose metrics `viewer` may see (a queryset)."""
    from django.db.models import Q

    from presales.accounts.models import User

    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return User.objects.none()
    if sees_everyone(viewer):
        return User.objects.all()
    return User.objects.filter(Q(pk=viewer.pk) | Q(team_id__in=list(viewer.led_team_ids)))
