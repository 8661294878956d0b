"""The django-auth-ldap settings, from environment variables. Imported by settings.py while the
settings load (when PRESALES_LDAP_ENABLED is on), so it imports nothing of Django's models."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured


def ldap_settings(env) -> dict:
    """The django-auth-ldap settings from the environment (called by settings.py when
    PRESALES_LDAP_ENABLED is on)."""
    try:
        import ldap
        from django_auth_ldap.config import (
            GroupOfNamesType,
            GroupOfUniqueNamesType,
            LDAPSearch,
            NestedActiveDirectoryGroupType,
            PosixGroupType,
        )
    except ImportError as exc:
        raise ImproperlyConfigured(
            "PRESALES_LDAP_ENABLED needs the optional dependency: apt-get install libldap2-dev libsasl2-dev, "
            "then uv sync --extra ldap."
        ) from exc
    group_types = {
        "groupofnames": GroupOfNamesType,
        "groupofuniquenames": GroupOfUniqueNamesType,
        "posixgroup": PosixGroupType,
        "activedirectory": NestedActiveDirectoryGroupType,
    }
    kind = env.get("PRESALES_LDAP_GROUP_TYPE", "groupOfNames").lower()
    if kind not in group_types:
        raise ImproperlyConfigured(f"PRESALES_LDAP_GROUP_TYPE must be one of {sorted(group_types)}")
    group_filter = {
        "groupofnames": "(objectClass=groupOfNames)",
        "groupofuniquenames": "(objectClass=groupOfUniqueNames)",
        "posixgroup": "(objectClass=posixGroup)",
        "activedirectory": "(objectClass=group)",
    }[kind]
    config = {
        "AUTH_LDAP_SERVER_URI": env.get("PRESALES_LDAP_SERVER_URI", ""),
        "AUTH_LDAP_BIND_DN": env.get("PRESALES_LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": env.get("PRESALES_LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": env.get("PRESALES_LDAP_START_TLS", "").lower() in {"1", "true", "yes", "on"},
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(
            env.get("PRESALES_LDAP_USER_SEARCH_BASE", ""),
            ldap.SCOPE_SUBTREE,
            env.get("PRESALES_LDAP_USER_FILTER", "(uid=%(user)s)"),
        ),
        "AUTH_LDAP_USER_ATTR_MAP": {
            "first_name": "givenName",
            "last_name": "sn",
            "email": "mail",
            "display_name": env.get("PRESALES_LDAP_DISPLAY_NAME_ATTR", "displayName"),
        },
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_NO_NEW_USERS": env.get("PRESALES_SSO_CREATE_USERS", "1").lower()
        in {"0", "false", "no", "off"},
        "AUTH_LDAP_CONNECTION_OPTIONS": {ldap.OPT_REFERRALS: 0, ldap.OPT_NETWORK_TIMEOUT: 5},
    }
    if env.get("PRESALES_LDAP_GROUP_SEARCH_BASE"):
        config["AUTH_LDAP_GROUP_SEARCH"] = LDAPSearch(
            env["PRESALES_LDAP_GROUP_SEARCH_BASE"], ldap.SCOPE_SUBTREE, group_filter
        )
        config["AUTH_LDAP_GROUP_TYPE"] = group_types[kind]()
    if not config["AUTH_LDAP_SERVER_URI"]:
        raise ImproperlyConfigured("PRESALES_LDAP_ENABLED needs PRESALES_LDAP_SERVER_URI")
    return config
