"""`notify(...)`: the one way any module tells people something. Rows are written after the
caller's transaction commits (nothing is announced for a change that rolled back); the text is kept
as data and rendered in each reader's language; e-mail and team group robots are delivered by a
Celery task with retries (eager in the embedded default), as each person's preferences say."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from .choices import Channel, DeliveryStatus, Event
from .kinds import kind_of
from .models import Delivery, Notification, Preferences, Subscription, TeamRobot
from .text import Text, render, to_data


@dataclass(frozen=True)
class Notice:
    """What one `notify` call announced, kept instead of sent inside `collected()`."""

    recipient_ids: tuple[int, ...]
    kind: str
    params: dict
    url: str
    target_type_id: int | None
    target_id: int | None
    dedup_key: str


_collector: ContextVar[list[Notice] | None] = ContextVar("presales_notifications_collector", default=None)


@contextlib.contextmanager
def collected() -> Iterator[list[Notice]]:
    """Inside this block `notify` writes and sends nothing: each call's notice is appended to the
    list yielded, at once (not after commit: the caller may itself run inside a transaction that
    has not committed yet, a test's for instance). For a builder that replays months of work in one
    go and then writes the inbox a person would have now (the demo company:
    presales.notifications.demo), instead of one row and one e-mail per step."""
    notices: list[Notice] = []
    token = _collector.set(notices)
    try:
        yield notices
    finally:
        _collector.reset(token)


def enqueue(task, /, **kwargs) -> None:
    """Run a Celery task once the current transaction commits, through the transactional outbox
    (a broker outage never turns a committed action into an error; the sweep sends it later). The
    one place that enqueues this app's tasks."""
    from presales.core.outbox import enqueue as outbox_enqueue

    outbox_enqueue(task.name, kwargs=kwargs)


def enabled_channels(users: Iterable, event: str) -> dict[int, set[str]]:
    """{user id: channels on} for one event: every channel is on unless a subscription row says off."""
    ids = [u.pk for u in users]
    channels = {pk: {c.value for c in Channel} for pk in ids}
    for user_id, channel, enabled in Subscription.objects.filter(user_id__in=ids, event=event).values_list(
        "user_id", "channel", "enabled"
    ):
        (channels[user_id].add if enabled else channels[user_id].discard)(channel)
    return channels


def group_key(target_type_id: int | None, target_id, url: str) -> str:
    """The inbox's grouping of a notification: its record, else its link."""
    if target_type_id is not None and target_id is not None:
        return f"{target_type_id}:{target_id}"
    return f"url:{url}"[:320] if url else ""


def notify(
    *,
    recipients: Iterable,
    kind: str,
    title,
    body="",
    url: str = "",
    target=None,
    dedup_key: str = "",
    email: bool = True,
) -> None:
    """Queue a notification to each recipient (duplicates and inactive users dropped).

    `title` and `body` are kept as data (see `presales.notifications.text.Text`): pass a lazy
    translation, a `Text(gettext_lazy("… %(x)s …"), x=...)`, or plain text that needs no translation.
    `target` is the record it is about (its link unless `url` is given; the inbox groups by it).
    `email=False`: never by e-mail, whatever the recipient's preferences."""
    people = {r.pk: r for r in recipients if r is not None and getattr(r, "is_active", True)}
    if not people:
        return
    params = {"title": to_data(title), "body": to_data(body)}
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    target_id = target.pk if target is not None else None
    if not url and target is not None and hasattr(target, "get_absolute_url"):
        url = target.get_absolute_url()
    notices = _collector.get()
    if notices is not None:
        notice = Notice(
            recipient_ids=tuple(people),
            kind=kind,
            params=params,
            url=url,
            target_type_id=target_type.pk if target_type is not None else None,
            target_id=target_id,
            dedup_key=dedup_key,
        )
        notices.append(notice)
        return

    # One transaction: the notifications, their deliveries and the deliveries' outbox messages are
    # written together or not at all. A process killed half-way (a Celery worker running a
    # reminder job) leaves nothing, and the job run again makes them all; otherwise a notification
    # could stay without its e-mail (its dedup key would stop the re-run from making it again).
    @transaction.atomic
    def send():
        spec = kind_of(kind)
        with translation.override(settings.LANGUAGE_CODE):
            title_text, body_text = render(params["title"]), render(params["body"])
        channels = enabled_channels(people.values(), spec.event)
        digest = set(
            Preferences.objects.filter(user_id__in=people, email_digest=True).values_list(
                "user_id", flat=True
            )
        )
        now = timezone.now()
        created: list[Notification] = []
        for user in people.values():
            on = channels[user.pk]
            if not on:
                continue  # every channel switched off for this event
            try:
                with transaction.atomic():
                    created.append(
                        Notification.objects.create(
                            recipient=user,
                            kind=kind,
                            event=spec.event,
                            actionable=spec.actionable,
                            title=title_text[:200],
                            body=body_text,
                            params=params,
                            url=url,
                            target_type=target_type,
                            target_id=target_id,
                            group_key=group_key(target_type.pk if target_type else None, target_id, url),
                            dedup_key=dedup_key,
                            # In-app switched off: kept for the record and the other channels, read.
                            read_at=None if Channel.IN_APP in on else now,
                        )
                    )
            except IntegrityError:
                continue  # already sent under this key
        deliveries = []
        for n in created:
            user = people[n.recipient_id]
            if email and Channel.EMAIL in channels[user.pk] and user.email:
                status = DeliveryStatus.DIGEST if user.pk in digest else DeliveryStatus.PENDING
                deliveries.append(Delivery(notification=n, channel=Channel.EMAIL, status=status))
        by_team: dict[int, Notification] = {}
        for n in created:
            user = people[n.recipient_id]
            if Channel.ROBOT in channels[user.pk] and getattr(user, "team_id", None):
                by_team.setdefault(user.team_id, n)
        if by_team:
            for robot in TeamRobot.objects.active().filter(team_id__in=by_team):
                if spec.event in (robot.events or []):
                    deliveries.append(
                        Delivery(notification=by_team[robot.team_id], channel=Channel.ROBOT, robot=robot)
                    )
        if deliveries:
            from .tasks import deliver

            for d in Delivery.objects.bulk_create(deliveries):
                if d.status == DeliveryStatus.PENDING:
                    enqueue(deliver, delivery_id=d.pk)

    transaction.on_commit(send)


MENTION = re.compile(r"@([\w.\-\u4e00-\u9fff]{1,64})")


def mentioned_users(text: str):
    """Active users named after an @ in `text`, by login or display name (e.g. "@张工", "@zhangsan")."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    names = set(MENTION.findall(text or ""))
    if not names:
        return []
    User = get_user_model()
    return list(User.objects.filter(Q(username__in=names) | Q(display_name__in=names), is_active=True))


def notify_mentions(*, text: str, author, target, where, url: str = "") -> int:
    """Tell each person @mentioned in a comment (the author excepted). `where` names the record."""
    people = [u for u in mentioned_users(text) if u.pk != getattr(author, "pk", None)]
    if not people:
        return 0
    notify(
        recipients=people,
        kind="comments.mention",
        title=Text(gettext_lazy("%(author)s mentioned you: %(where)s"), author=str(author), where=str(where)),
        body=text[:500],
        url=url,
        target=target,
    )
    return len(people)


@transaction.atomic
def notification_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


@transaction.atomic
def notification_open(*, user, notification: Notification) -> str:
    """Opening a notification marks it and the others about the same record read; returns its link."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification.group_key:
        qs = qs.filter(group_key=notification.group_key)
    else:
        qs = qs.filter(pk=notification.pk)
    qs.update(read_at=timezone.now())
    return notification.url


@transaction.atomic
def preferences_update(
    *, user, language: str, email_digest: bool, enabled: dict[tuple[str, str], bool]
) -> Preferences:
    """Save a person's notification settings; `enabled` maps (event, channel) to on/off."""
    prefs, _ = Preferences.objects.select_for_update().get_or_create(user=user)
    prefs.language, prefs.email_digest = language, email_digest
    prefs.save(update_fields=["language", "email_digest"])
    valid_events, valid_channels = set(Event.values), set(Channel.values)
    for (event, channel), on in enabled.items():
        if event in valid_events and channel in valid_channels:
            Subscription.objects.update_or_create(
                user=user, event=event, channel=channel, defaults={"enabled": on}
            )
    return prefs


def _require_robot_manager(actor) -> None:
    from django.core.exceptions import PermissionDenied

    from .permissions import can_manage_robots

    if not can_manage_robots(actor):
        raise PermissionDenied


@transaction.atomic
def robot_save(*, actor, robot: TeamRobot) -> TeamRobot:
    """Create or change a team's group robot (managers)."""
    _require_robot_manager(actor)
    robot.full_clean()
    robot.save()
    return robot


@transaction.atomic
def robot_delete(*, actor, robot: TeamRobot) -> None:
    _require_robot_manager(actor)
    robot.delete()
