"""The password back-end: Django's `ModelBackend`, its session look-up compiled once.

Every page asks for the signed-in user (`django.contrib.auth.get_user` → `get_user(pk)`): Django
compiles `User.objects.get(pk=…)` anew each time, which costs about twice the query itself.
Here the same query (the model's default manager, every column) is compiled once per database
(`presales.core.sqlonce`); log-in, permissions and everything else are Django's.

Sessions record the back-end's dotted path: sessions opened under
`django.contrib.auth.backends.ModelBackend` (before this class was configured) end once, and the
person logs in again."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from presales.core.sqlonce import CompiledOnce

_user_by_pk = CompiledOnce(lambda pk: get_user_model()._default_manager.filter(pk=pk), get_user_model())


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        try:
            pk = get_user_model()._meta.pk.to_python(user_id)
        except Exception:  # noqa: BLE001 - as Django's .get(pk=…) on a malformed id: no user
            return None
        users = _user_by_pk.objects(pk)
        if not users:
            return None
        user = users[0]
        return user if self.user_can_authenticate(user) else None
