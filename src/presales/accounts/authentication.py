"""API token authentication (issue 15): DRF's `TokenAuthentication`, its token and user read with
one SQL statement written once, instead of an ORM query compiled on every request.

DRF reads `Token.objects.select_related("user").get(key=key)`: Django compiles that query anew
for every API request (about a third of a millisecond, more than the query itself). The same
join, written once per database from the models' own table and column names, gives the same
user (every column, converted as the ORM converts them) and the same token (its `created`
deferred); the answers are DRF's own: no such key → 401 "Invalid token.", an inactive user →
401 "User inactive or deleted.".
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

_sql_by_alias: dict[str, str] = {}


def _token_user_sql(alias: str) -> str:
    sql = _sql_by_alias.get(alias)
    if sql is None:
        qn = connections[alias].ops.quote_name
        user, token = get_user_model()._meta, Token._meta
        user_table, token_table = qn(user.db_table), qn(token.db_table)
        sql = _sql_by_alias[alias] = (
            f"SELECT {user_table}.* FROM {token_table} INNER JOIN {user_table} "
            f"ON {user_table}.{qn(user.pk.column)} = {token_table}.{qn(token.get_field('user').column)} "
            f"WHERE {token_table}.{qn(token.pk.column)} = %s")
    return sql


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>` as DRF reads it (header parsing, errors, `request.auth` is the
    Token): only the lookup differs."""

    def authenticate_credentials(self, key):
        if self.get_model() is not Token:  # pragma: no cover - a custom token model: DRF's lookup
            return super().authenticate_credentials(key)
        alias = router.db_for_read(Token)
        users = list(get_user_model()._default_manager.db_manager(alias).raw(_token_user_sql(alias), [key]))
        if not users:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = users[0]
        # The token as the ORM would have loaded it (its `created` read if ever asked for).
        token = Token.from_db(alias, ["key", "user_id"], [key, user.pk])
        token.user = user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (user, token)
