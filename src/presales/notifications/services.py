"""`notify(...)`: the one way any module tells people something. Rows are written after the
caller's transaction commits (nothing is announced for a change that rolled back); e-mail goes out
through a Celery task (eager in the embedded default)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from .models import Notification


def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedup_key: str = "",
    email: bool = True,
) -> None:
    """Queue a notification to each recipient (duplicates and inactive users dropped). `title` and
    `body` may be lazy translations: they are rendered in the default language when sent."""
    people = {r.pk: r for r in recipients if r is not None and getattr(r, "is_active", True)}
    if not people:
        return

    def send():
        with translation.override(None):
            title_text, body_text = str(title), str(body)
        created = []
        for user in people.values():
            try:
                with transaction.atomic():
                    created.append(
                        Notification.objects.create(
                            recipient=user,
                            kind=kind,
                            title=title_text[:200],
                            body=body_text,
                            url=url,
                            dedup_key=dedup_key,
                        )
                    )
            except IntegrityError:
                continue  # already sent under this key
        if email and created:
            from presales.core.outbox import enqueue

            enqueue(
                "presales.notifications.tasks.send_notification_emails",
                kwargs={"notification_ids": [n.pk for n in created]},
            )

    transaction.on_commit(send)


@transaction.atomic
def notification_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
