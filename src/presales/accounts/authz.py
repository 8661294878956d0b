"""The user's roles and the teams they lead, read once per process and user (issue 15).

Every request used to read them (two queries: the roles behind `is_manager`, the led teams behind
every team scope). They change rarely, so each process keeps them per user, keyed by the user's
`authz_stamp`, a random number in the user's own row: the row is read by every request anyway
(session or token authentication), so a request sees a change made by another process at once —
the signals below re-draw the stamp of every user whose roles or led teams change (roles added,
removed, set or cleared, a team's lead set, changed or removed, a team deleted) and
drop this process's entry. A random stamp, not a counter, so that a row rolled back and written
again (tests, a restored backup) never meets an entry of the row it replaced.

Writes that bypass the signals (bulk inserts of role rows, `Team.objects.update(lead=...)`) must
call `stamp_changed(user_ids)` themselves; the demo and benchmark builders create users whose
stamps are new, so nothing can be cached for them.
"""

from __future__ import annotations

import secrets
import threading
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

# user pk -> (stamp, role codes held in the database, ids of the teams the user leads)
_entries: dict[int, tuple[int, frozenset[str], frozenset[int]]] = {}
_lock = threading.Lock()
MAX_ENTRIES = 20_000  # a process that has seen more users starts again (a dict of small tuples)
_loading: ContextVar[bool] = ContextVar("authz_loading", default=False)


def new_stamp() -> int:
    return secrets.randbits(62)


def _load(user) -> tuple[frozenset[str], frozenset[int]]:
    from .models import Team

    stamp = user.authz_stamp
    entry = _entries.get(user.pk)
    if entry is not None and entry[0] == stamp:
        return entry[1], entry[2]
    roles = frozenset(user.roles.values_list("code", flat=True))
    led = frozenset(Team.objects.filter(lead_id=user.pk).values_list("pk", flat=True))
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[user.pk] = (stamp, roles, led)
    return roles, led


def stored_role_codes(user) -> frozenset[str]:
    """The role codes the user holds in the database (without the superuser's implied admin)."""
    return _load(user)[0]


def led_team_ids(user) -> frozenset[int]:
    return _load(user)[1]


def forget(user_ids) -> None:
    """Drop this process's entries of these users (the next read asks the database)."""
    with _lock:
        for pk in user_ids:
            _entries.pop(pk, None)


def forget_all() -> None:
    with _lock:
        _entries.clear()


def stamp_changed(user_ids, *, instances=()) -> None:
    """The roles or led teams of these users changed: re-draw their stamps (other processes see
    the new stamp with the user's row) and drop this process's entries. In-memory instances passed
    get the new stamp and lose their per-object cached values."""
    from .models import User

    ids = {pk for pk in user_ids if pk is not None}
    if not ids:
        return
    stamp = new_stamp()
    User.objects.filter(pk__in=ids).update(authz_stamp=stamp)
    forget(ids)
    for user in instances:
        if user is not None and user.pk in ids:
            user.authz_stamp = stamp
            user.__dict__.pop("role_codes", None)
            user.__dict__.pop("led_team_ids", None)


@contextmanager
def loading():
    """Rows loaded as they were saved (a backup restored): their stamps are kept as they are (the
    deserializer sets many-to-many relations through the ordinary managers, which would re-draw
    them). An entry a process holds for such a stamp describes the same roles."""
    token = _loading.set(True)
    try:
        yield
    finally:
        _loading.reset(token)


def _roles_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if _loading.get():
        return
    # user.roles.add/remove/clear/set(...). The reverse side (role.users...) is refused earlier by
    # simple-history, which records the users' roles from the user's side only.
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        stamp_changed([instance.pk], instances=[instance])


def _team_before_save(sender, instance, raw, **kwargs):
    if raw or instance.pk is None:
        instance._authz_old_lead = None
        return
    instance._authz_old_lead = sender.objects.filter(pk=instance.pk).values_list("lead_id", flat=True).first()


def _team_saved(sender, instance, created, raw, **kwargs):
    if raw:  # a fixture or a backup loaded as it was: its users' stamps are restored with them
        return
    old = getattr(instance, "_authz_old_lead", None)
    if created or old != instance.lead_id:
        lead = instance.__dict__.get("_state") and instance._state.fields_cache.get("lead")
        stamp_changed([old, instance.lead_id], instances=[lead] if lead else [])


def _team_deleted(sender, instance, **kwargs):
    stamp_changed([instance.lead_id])


def connect() -> None:
    from .models import Team, User

    m2m_changed.connect(_roles_changed, sender=User.roles.through, dispatch_uid="accounts-authz-roles")
    pre_save.connect(_team_before_save, sender=Team, dispatch_uid="accounts-authz-team-before")
    post_save.connect(_team_saved, sender=Team, dispatch_uid="accounts-authz-team-saved")
    post_delete.connect(_team_deleted, sender=Team, dispatch_uid="accounts-authz-team-deleted")
