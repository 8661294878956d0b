"""Transactional outbox: how a Celery task leaves a request.

`enqueue(task_name, kwargs=..., dedup_key=...)` writes an `OutboxMessage` row in the caller's
transaction. Nothing is sent for a change that rolls back; once the change commits, the row is sent
to the broker right away (best effort) and, if the broker was down, by the periodic sweep
(`presales.core.tasks.drain_outbox`, every minute on celery beat) when it is back. So an action that
committed always answers success, and its tasks are neither lost nor sent for nothing.

Delivery is at least once: a crash between the broker accepting a message and the row being marked
sent makes the sweep send it again, and a worker killed mid-task gets it again (acks_late). Tasks
sent this way are therefore idempotent (notifications carry dedup keys; e-mails are marked sent).
`dedup_key` makes enqueueing the same work twice send it once.

Without a broker (the embedded default) the task runs eagerly, right after the commit, in the
calling process; a failure there is logged, never raised into the request that committed.
"""

from __future__ import annotations

import importlib
import logging
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger("presales.outbox")

# Sent messages are kept this long (for tracing), then deleted by the sweep.
KEEP_SENT = timedelta(days=7)
# Retry delay after the n-th failed attempt of a task that failed (eagerly, without a broker):
# 2^n seconds, at most this. A broker that cannot be reached adds no delay: the sweep stops at its
# first failure, so that costs one attempt per sweep; the message stays due and keeps its turn, and
# when the broker is back the next sweep sends every waiting message, in order (not each one when
# its own back-off ends).
MAX_BACKOFF = timedelta(minutes=15)


def _broker_unreachable(exc: Exception, connection) -> bool:
    from kombu.exceptions import OperationalError

    return isinstance(exc, (OperationalError, *getattr(connection, "connection_errors", ())))


class UnknownTask(ValueError):
    pass


def resolve(task_name: str):
    """The Celery task object named `module.path.function` (imported, so the name is checked)."""
    module, _, attr = task_name.rpartition(".")
    try:
        task = getattr(importlib.import_module(module), attr) if module else None
    except ImportError:
        task = None
    if task is None or not hasattr(task, "apply_async"):
        raise UnknownTask(f"Unknown Celery task {task_name!r}")
    return task


def enqueue(task_name: str, *, kwargs: dict, dedup_key: str | None = None) -> OutboxMessage:
    """Send task `task_name` with `kwargs` once the current transaction commits (now, outside
    one). With `dedup_key`, a second call with the same key sends nothing more."""
    resolve(task_name)
    if not isinstance(kwargs, dict):
        raise TypeError("kwargs must be a dict")
    if dedup_key is not None:
        dedup_key = str(dedup_key)[:200]
    with transaction.atomic():
        if dedup_key:
            existing = OutboxMessage.objects.filter(dedup_key=dedup_key).first()
            if existing is not None:
                return existing
        try:
            with transaction.atomic():
                message = OutboxMessage.objects.create(
                    task_name=task_name,
                    kwargs=kwargs,
                    dedup_key=dedup_key or None,
                    available_at=timezone.now(),
                )
        except IntegrityError:
            if not dedup_key:
                raise
            return OutboxMessage.objects.get(dedup_key=dedup_key)
    pk = message.pk
    transaction.on_commit(lambda: send(pk), robust=True)
    return message


def _connection():
    """A broker connection that gives up at the first refusal (the message stays in the outbox)
    instead of retrying for seconds inside the request that committed. Connects on first use."""
    from celery import current_app

    return current_app.connection_for_write(
        transport_options={"max_retries": 0, "socket_connect_timeout": 2, "socket_timeout": 5}
    )


def send(pk: int, *, connection=None) -> bool | None:
    """Send one pending message to the broker (eagerly without one) and mark it sent. True when
    sent, False when the attempt failed (recorded, retried later), None when there was nothing to
    send (already sent, or being sent by another process right now)."""
    try:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if message is None:
                return None
            if connection is not None:
                return _deliver(message, connection)
            with _connection() as conn:
                return _deliver(message, conn)
    except DatabaseError:
        logger.exception("outbox: message %s could not be read or marked (database)", pk)
        return False


def _deliver(message: OutboxMessage, connection) -> bool:
    now = timezone.now()
    try:
        task = resolve(message.task_name)
        # A savepoint: an eager task that fails leaves our transaction usable.
        with transaction.atomic():
            task.apply_async(
                kwargs=message.kwargs, task_id=f"outbox-{message.pk}", retry=False, connection=connection
            )
    except Exception as exc:  # the broker is down, or (eager) the task failed: record, retry later
        message.attempts += 1
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if not _broker_unreachable(exc, connection):  # (broker down: stays due, keeps its turn)
            message.available_at = now + min(timedelta(seconds=2**message.attempts), MAX_BACKOFF)
        message.save(update_fields=["attempts", "last_error", "available_at"])
        logger.warning(
            "outbox: %s #%s not sent (attempt %s; due again %s): %s",
            message.task_name,
            message.pk,
            message.attempts,
            message.available_at.isoformat(),
            message.last_error,
        )
        return False
    message.sent_at = now
    message.save(update_fields=["sent_at"])
    return True


def drain(*, limit: int = 500) -> dict[str, int]:
    """Send the pending messages that are due, oldest first. Stops at the first failure (the
    broker is most likely down; the others keep their turn). Deletes sent messages older than
    KEEP_SENT."""
    now = timezone.now()
    due = list(
        OutboxMessage.objects.filter(sent_at__isnull=True, available_at__lte=now)
        .order_by("available_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"sent": 0, "failed": 0, "skipped": 0, "purged": 0}
    with _connection() as conn:
        for pk in due:
            result = send(pk, connection=conn)
            if result is None:
                counts["skipped"] += 1
            elif result:
                counts["sent"] += 1
            else:
                counts["failed"] += 1
                break
    counts["purged"], _ = OutboxMessage.objects.filter(sent_at__lt=now - KEEP_SENT).delete()
    if counts["sent"] or counts["failed"]:
        logger.info("outbox sweep: %s", counts)
    return counts


def pending_count() -> int:
    return OutboxMessage.objects.filter(sent_at__isnull=True).count()
