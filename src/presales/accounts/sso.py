"""Sign-in the company already has: LDAP (django-auth-ldap) and OpenID Connect
(mozilla-django-oidc), both off by default and configured by environment variables (see
docs/deployment.md, "Single sign-on").

Both backends find the local account by login (then by e-mail for OIDC), create it on first
sign-in (unless PRESALES_SSO_CREATE_USERS is off), and map the person's directory groups to roles
and a team with one rule (`apply_directory_groups`):

- PRESALES_SSO_ROLE_MAP = "presales-managers=presales_manager; sales=sales; se=presales_engineer,
  technical_expert" gives roles by group (case-insensitive group names, RoleCode values). The roles
  named anywhere in the map are the directory's to give: at each sign-in they are set to exactly
  those the person's groups give. Roles the map never names (say, `committee`, given by hand in
  the administration) are left alone.
- PRESALES_SSO_TEAM_MAP = "east-presales=华东售前组; south-presales=华南售前组" puts the person in
  the team of the first mapped group they belong to (teams by name, created by an administrator);
  without such a group the team is left as it is.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from .choices import RoleCode

logger = logging.getLogger("presales.accounts.sso")


def parse_map(text: str, *, what: str) -> dict[str, list[str]]:
    """ "group=a,b; other=c" → {"group": ["a", "b"], "other": ["c"]} (group names lower-cased)."""
    result: dict[str, list[str]] = {}
    for part in (text or "").replace("\n", ";").split(";"):
        if not part.strip():
            continue
        group, sep, values = part.partition("=")
        if not sep or not group.strip() or not values.strip():
            raise ImproperlyConfigured(f"{what}: {part.strip()!r} is not group=value")
        result.setdefault(group.strip().lower(), []).extend(v.strip() for v in values.split(",") if v.strip())
    return result


def role_map() -> dict[str, list[str]]:
    mapping = parse_map(getattr(settings, "PRESALES_SSO_ROLE_MAP", ""), what="PRESALES_SSO_ROLE_MAP")
    unknown = sorted({code for codes in mapping.values() for code in codes} - set(RoleCode.values))
    if unknown:
        raise ImproperlyConfigured(
            f"PRESALES_SSO_ROLE_MAP names unknown roles {unknown}; known: {', '.join(RoleCode.values)}"
        )
    return mapping


def team_map() -> dict[str, str]:
    mapping = parse_map(getattr(settings, "PRESALES_SSO_TEAM_MAP", ""), what="PRESALES_SSO_TEAM_MAP")
    return {group: names[0] for group, names in mapping.items()}


@transaction.atomic
def apply_directory_groups(user, groups, *, source: str) -> None:
    """Set the user's directory-given roles and team from their groups (see the module docstring).
    The change is kept in the user's history like any other, with `source` as its reason."""
    from .models import Role, Team
    from .services import ensure_roles

    ensure_roles()
    names = [str(g).strip().lower() for g in groups or () if str(g).strip()]
    roles = role_map()
    managed = {code for codes in roles.values() for code in codes}
    wanted = {code for name in names for code in roles.get(name, [])}
    current = set(user.roles.values_list("code", flat=True))
    target = (current - managed) | wanted
    if target != current:
        user._change_reason = source
        user.roles.set(Role.objects.filter(code__in=target))
        user.__dict__.pop("role_codes", None)
    teams = team_map()
    team_name = next((teams[name] for name in names if name in teams), None)
    if team_name is not None:
        team = Team.objects.filter(name=team_name).first()
        if team is None:
            logger.warning("%s: team %r of PRESALES_SSO_TEAM_MAP does not exist", source, team_name)
        elif user.team_id != team.pk:
            user.team = team
            user._change_reason = source
            user.save(update_fields=["team"])


# --- OpenID Connect ------------------------------------------------------------------------------

try:
    from mozilla_django_oidc.auth import OIDCAuthenticationBackend
except ImportError:  # pragma: no cover - a dependency of the project; guarded for partial installs
    OIDCAuthenticationBackend = object


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, with our account rules: the account is found by its login
    (the `preferred_username` claim, see PRESALES_OIDC_USERNAME_CLAIM), then by e-mail; a new one
    gets its login, e-mail and display name from the claims; roles and team from the groups claim
    (PRESALES_OIDC_GROUPS_CLAIM) at every sign-in."""

    def _username(self, claims) -> str:
        claim = getattr(settings, "PRESALES_OIDC_USERNAME_CLAIM", "preferred_username")
        value = str(claims.get(claim) or "").strip()
        if not value and claims.get("email"):
            value = str(claims["email"]).split("@")[0]
        return value[:150]

    def verify_claims(self, claims) -> bool:
        return bool(self._username(claims) or claims.get("email"))

    def filter_users_by_claims(self, claims):
        username = self._username(claims)
        if username:
            users = self.UserModel.objects.filter(username__iexact=username)
            if users.exists():
                return users
        email = claims.get("email")
        if email:
            return self.UserModel.objects.filter(email__iexact=email)
        return self.UserModel.objects.none()

    def create_user(self, claims):
        if not getattr(settings, "PRESALES_SSO_CREATE_USERS", True):
            return None
        user = self.UserModel.objects.create_user(
            self._username(claims),
            email=claims.get("email") or "",
            display_name=str(claims.get("name") or "")[:64],
        )
        self._sync(user, claims)
        return user

    def update_user(self, user, claims):
        changed = []
        if claims.get("email") and user.email != claims["email"]:
            user.email = claims["email"]
            changed.append("email")
        name = str(claims.get("name") or "")[:64]
        if name and user.display_name != name:
            user.display_name = name
            changed.append("display_name")
        if changed:
            user.save(update_fields=changed)
        self._sync(user, claims)
        return user

    def _sync(self, user, claims) -> None:
        claim = getattr(settings, "PRESALES_OIDC_GROUPS_CLAIM", "groups")
        groups = claims.get(claim) or []
        if isinstance(groups, str):
            groups = [groups]
        apply_directory_groups(user, groups, source="OIDC")


# --- LDAP ------------------------------------------------------------------------------------------

try:
    from django_auth_ldap.backend import LDAPBackend as _LDAPBackend
except ImportError:  # the optional extra "ldap" (python-ldap needs libldap2-dev to build)
    _LDAPBackend = None


if _LDAPBackend is not None:

    class LDAPBackend(_LDAPBackend):
        """django-auth-ldap: bind as the person (found by PRESALES_LDAP_USER_FILTER), copy name and
        e-mail, then map the directory groups found under PRESALES_LDAP_GROUP_SEARCH_BASE."""

        def authenticate_ldap_user(self, ldap_user, password):
            user = super().authenticate_ldap_user(ldap_user, password)
            if user is not None:
                apply_directory_groups(user, sorted(ldap_user.group_names), source="LDAP")
            return user

else:  # pragma: no cover - only without the optional extra

    class LDAPBackend:
        def __init__(self, *args, **kwargs):
            raise ImproperlyConfigured(
                "PRESALES_LDAP_ENABLED needs the optional dependency: apt-get install libldap2-dev "
                "libsasl2-dev, then uv sync --extra ldap."
            )
