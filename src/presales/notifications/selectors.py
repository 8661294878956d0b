"""Reads of the inbox, all from `Notification.objects.visible_to(user)`."""

from __future__ import annotations

from django.db.models import Case, CharField, Count, F, Max, Q, Value, When
from django.db.models.functions import Cast, Concat

from presales.core.sqlonce import CompiledOnce

from .models import Notification, Preferences, Subscription


def my_notifications(user, *, event: str = "", unread: bool = False):
    qs = Notification.objects.visible_to(user)
    if event:
        qs = qs.filter(event=event)
    if unread:
        qs = qs.unread()
    return qs


def inbox_groups(user, *, event: str = "", unread: bool = False):
    """One row per record (its notifications' group), newest first: `latest_id`, `latest_at`,
    `total` and `unread` of the group. Aggregated in the database; paginate it, then `attach`."""
    key = Case(
        When(group_key="", then=Concat(Value("pk:"), Cast("pk", output_field=CharField()))),
        default=F("group_key"),
        output_field=CharField(),
    )
    return (
        my_notifications(user, event=event, unread=unread)
        .annotate(key=key)
        .values("key")
        .annotate(
            latest_id=Max("pk"),
            latest_at=Max("created_at"),
            total=Count("pk"),
            unread=Count("pk", filter=Q(read_at__isnull=True)),
        )
        .order_by("-latest_at", "-latest_id")
    )


def attach(groups) -> list[dict]:
    """The page's groups with their latest notification (one query)."""
    rows = list(groups)
    latest = Notification.objects.in_bulk([r["latest_id"] for r in rows])
    return [{**r, "notification": latest[r["latest_id"]]} for r in rows if r["latest_id"] in latest]


def _unread_actionable(pk):
    from presales.accounts.models import User

    return Notification.objects.visible_to(User(pk=pk)).unread().actionable()


# The top bar's badge, on every page: its SQL compiled once (presales.core.sqlonce).
_unread_actionable_count = CompiledOnce(_unread_actionable, Notification)


def unread_actionable_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return _unread_actionable_count.count(user.pk)


def preferences_of(user) -> tuple[Preferences, dict[tuple[str, str], bool]]:
    prefs = Preferences.objects.filter(user=user).first() or Preferences(user=user)
    rows = {(s.event, s.channel): s.enabled for s in Subscription.objects.filter(user=user)}
    return prefs, rows
