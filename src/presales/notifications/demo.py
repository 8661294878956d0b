"""The demo company's inboxes: what the other modules' services announced while the company was
built, trimmed to what a person would have after a normal week or two. Runs last (after the other
modules' notifications are written, i.e. after their transaction commits)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from .models import Notification

KEEP = 40  # notifications kept per person, newest first, varied by kind
UNREAD = 12  # of which at most this many stay unread (the most recent)
DAYS = 14  # spread over the last two weeks


def build(rng, opportunities, users) -> dict[str, int]:
    seed = rng.randrange(1 << 30)
    transaction.on_commit(lambda: tidy_inbox(timezone.now(), rng=random.Random(seed)))
    return {}


def _varied(rows: list[tuple[int, str]], keep: int) -> list[int]:
    """Up to `keep` ids, newest first, taking in turn from each kind so that no kind floods."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for pk, kind in sorted(rows, reverse=True):
        by_kind[kind].append(pk)
    chosen: list[int] = []
    queues = list(by_kind.values())
    while len(chosen) < keep and any(queues):
        for q in queues:
            if q and len(chosen) < keep:
                chosen.append(q.pop(0))
    return sorted(chosen, reverse=True)


def _times(rng: random.Random, now: datetime, count: int) -> list[datetime]:
    """`count` moments in the last DAYS days, working hours mostly, newest first."""
    local_now = timezone.localtime(now)
    moments = []
    for _ in range(count):
        day = local_now - timedelta(days=rng.randrange(DAYS))
        moment = day.replace(
            hour=rng.choice((8, 9, 10, 11, 13, 14, 15, 16, 17, 19)), minute=rng.randrange(60)
        )
        moments.append(min(moment, local_now - timedelta(minutes=rng.randrange(5, 90))))
    return sorted(moments, reverse=True)


@transaction.atomic
def tidy_inbox(now: datetime, *, rng: random.Random | None = None) -> dict[str, int]:
    """Each person keeps at most KEEP recent, varied notifications with timestamps spread over
    the last DAYS days; only the UNREAD most recent stay unread. Returns what was done."""
    rng = rng or random.Random(0)
    rows: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, recipient_id, kind in Notification.objects.values_list("pk", "recipient_id", "kind").iterator():
        rows[recipient_id].append((pk, kind))
    drop: list[int] = []
    changed: list[Notification] = []
    for recipient_id in sorted(rows):
        kept = _varied(rows[recipient_id], KEEP)
        kept_set = set(kept)
        drop.extend(pk for pk, _ in rows[recipient_id] if pk not in kept_set)
        for index, (pk, at) in enumerate(zip(kept, _times(rng, now, len(kept)), strict=True)):
            read = index >= UNREAD or rng.random() < 0.2
            read_at = min(at + timedelta(hours=rng.randint(1, 20)), now) if read else None
            changed.append(Notification(pk=pk, created_at=at, read_at=read_at))
    for start in range(0, len(drop), 500):
        Notification.objects.filter(pk__in=drop[start : start + 500]).delete()
    Notification.objects.bulk_update(changed, ["created_at", "read_at"], batch_size=500)
    return {"kept": len(changed), "removed": len(drop)}
