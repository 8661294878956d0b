"""Who may see what. Every business model's queryset has `visible_to(user)`; the rule for the
team-owned records of this system is the same everywhere:

- managers (administrator, department head, presales manager) see everything;
- everybody else who holds a role sees the non-confidential records of their own team, every
  record of a team they lead, and every record they are personally involved in (owner, lead,
  member, requester...); a colleague without any role sees only what they are involved in;
- a confidential record is visible only to the people involved, its team's lead and managers.

Out-of-scope records answer 404, exactly like records that do not exist.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet


def is_manager(user) -> bool:
    return bool(user and user.is_authenticated and user.is_manager)


def sees_everything(user) -> bool:
    """An active manager: every ScopedQuerySet (and every scope that goes through one) is `all()`."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_manager)


def visible_through(queryset: QuerySet, user, field: str, parent_model) -> QuerySet:
    """Records visible exactly when their parent (`field`, a foreign key) is. For a manager, who
    sees every parent, the scope is no filter at all when the key is not nullable (issue 15: the
    semi-join over every opportunity cost a sort or a hash of the whole table per request and kept
    the planner from the child table's own indexes); for the others the parent's scope as a
    subquery."""
    if sees_everything(user) and not queryset.model._meta.get_field(field).null:
        return queryset.all()
    return queryset.filter(**{f"{field}__in": parent_model.objects.visible_to(user).values("pk")})


def team_scope_q(
    user, *, involved: Q, team_field: str = "team", confidential_field: str | None = "confidential"
) -> Q:
    """The Q for records a non-manager may see (see module docstring). `involved` is the model's
    own Q for "this user takes part in the record"."""
    own_team = Q(**{f"{team_field}_id": user.team_id}) if user.team_id and user.role_codes else Q(pk__in=[])
    if confidential_field:
        own_team &= Q(**{confidential_field: False})
    led = Q(**{f"{team_field}_id__in": list(user.led_team_ids)}) if user.led_team_ids else Q(pk__in=[])
    return own_team | led | involved


class ScopedQuerySet(QuerySet):
    """Base queryset: subclasses implement `involved_q(user)`; override `visible_to` for other rules."""

    team_field = "team"
    confidential_field: str | None = "confidential"

    def involved_q(self, user) -> Q:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if is_manager(user):
            return self.all()
        return self.filter(
            team_scope_q(
                user,
                involved=self.involved_q(user),
                team_field=self.team_field,
                confidential_field=self.confidential_field,
            )
        )
