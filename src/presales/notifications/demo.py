"""The demo company's inboxes. While the company is built, `notify` only collects what the other
modules' services announce (presales.notifications.services.collected); `build_inbox` then writes
what a person would have after a normal fortnight: at most KEEP recent notifications each, varied
by kind and by record (not every step of every approval), spread over the last DAYS days in the
order they happened, the latest UNREAD or so still unread (things that wait for the person more
often than mere news). In-app only: nothing is e-mailed for the past."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone, translation

from .choices import Channel
from .kinds import kind_of
from .models import Notification, Subscription
from .services import Notice, group_key
from .text import render

KEEP = 36  # notifications kept per person, newest first, varied by kind and record
UNREAD = 12  # of which about this many stay unread (the most recent)
PER_RECORD = 2  # at most this many about the same record
DAYS = 14  # spread over the last two weeks


def _varied(rows: list[tuple[int, str, str]], keep: int) -> list[int]:
    """Up to `keep` of `rows` ((order, kind, group key)), newest first, taking in turn from each
    kind so that no kind floods, and at most PER_RECORD about the same record."""
    by_kind: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for order, kind, group in sorted(rows, reverse=True):
        by_kind[kind].append((order, group))
    per_group: dict[str, int] = defaultdict(int)
    chosen: list[int] = []
    queues = [by_kind[kind] for kind in sorted(by_kind)]
    while len(chosen) < keep and any(queues):
        for queue in queues:
            while queue and len(chosen) < keep:
                order, group = queue.pop(0)
                if group and per_group[group] >= PER_RECORD:
                    continue
                per_group[group] += 1
                chosen.append(order)
                break
    return sorted(chosen, reverse=True)


def _times(rng: random.Random, now: datetime, count: int) -> list[datetime]:
    """`count` moments in the last DAYS days, office hours mostly, newest first."""
    local_now = timezone.localtime(now)
    moments = []
    for _ in range(count):
        day = local_now - timedelta(days=rng.randrange(DAYS))
        moment = day.replace(
            hour=rng.choice((8, 9, 10, 11, 13, 14, 15, 16, 17, 19)),
            minute=rng.randrange(60),
            second=rng.randrange(60),
            microsecond=0,
        )
        moments.append(min(moment, local_now - timedelta(minutes=rng.randrange(5, 90))))
    return sorted(moments, reverse=True)


def build_inbox(rng: random.Random, notices: list[Notice], *, now: datetime | None = None) -> dict[str, int]:
    """Write the inboxes from the collected `notices` (in the order they were announced)."""
    from presales.demo.util import explicit_timestamps

    now = now or timezone.now()
    muted = set(
        Subscription.objects.filter(channel=Channel.IN_APP, enabled=False).values_list("user_id", "event")
    )
    # (order, recipient, notice); a dedup key is sent once per person, as `notify` does.
    entries: list[tuple[int, int, Notice]] = []
    seen: set[tuple[int, str]] = set()
    for notice in notices:
        event = kind_of(notice.kind).event
        for recipient_id in notice.recipient_ids:
            if (recipient_id, event) in muted:
                continue
            if notice.dedup_key:
                if (recipient_id, notice.dedup_key) in seen:
                    continue
                seen.add((recipient_id, notice.dedup_key))
            entries.append((len(entries), recipient_id, notice))
    by_recipient: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for order, recipient_id, notice in entries:
        key = group_key(notice.target_type_id, notice.target_id, notice.url)
        by_recipient[recipient_id].append((order, notice.kind, key))
    rows: list[Notification] = []
    with translation.override(settings.LANGUAGE_CODE):
        for recipient_id in sorted(by_recipient):
            kept = _varied(by_recipient[recipient_id], KEEP)
            for index, (order, at) in enumerate(zip(kept, _times(rng, now, len(kept)), strict=True)):
                notice = entries[order][2]
                spec = kind_of(notice.kind)
                # the newest is always unread: everyone who logs in finds something new
                unread = index == 0 or (index < UNREAD and rng.random() < (0.95 if spec.actionable else 0.7))
                rows.append(
                    Notification(
                        recipient_id=recipient_id,
                        kind=notice.kind,
                        event=spec.event,
                        actionable=spec.actionable,
                        title=render(notice.params["title"])[:200],
                        body=render(notice.params["body"]),
                        params=notice.params,
                        url=notice.url,
                        target_type_id=notice.target_type_id,
                        target_id=notice.target_id,
                        group_key=group_key(notice.target_type_id, notice.target_id, notice.url),
                        dedup_key=notice.dedup_key,
                        created_at=at,
                        read_at=None if unread else min(at + timedelta(minutes=rng.randint(10, 600)), now),
                    )
                )
    with explicit_timestamps(("notifications",)):
        Notification.objects.bulk_create(rows, batch_size=500)
    return {"announced": len(entries), "in inboxes": len(rows)}
