from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .choices import Channel, DeliveryStatus
from .models import Delivery, Notification

# Attempts per delivery, and the wait before the n-th retry: BACKOFF_SECONDS * 2 ** (n - 1).
MAX_ATTEMPTS = getattr(settings, "PRESALES_NOTIFY_MAX_ATTEMPTS", 5)
BACKOFF_SECONDS = getattr(settings, "PRESALES_NOTIFY_BACKOFF_SECONDS", 60)


def backoff(retries: int) -> int:
    return BACKOFF_SECONDS * 2**retries


def attempt(delivery_id: int) -> Delivery | None:
    """One attempt at a delivery, its outcome recorded on the row."""
    from .channels import channel_for

    delivery = (
        Delivery.objects.select_related("notification__recipient", "robot")
        .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .first()
    )
    if delivery is None:
        return None  # sent already, or gone
    outcome = channel_for(delivery).send(delivery)
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_code = outcome.response_code
    delivery.error = outcome.error
    fields = ["attempts", "last_attempt_at", "response_code", "error"]
    if outcome.ok:
        delivery.status, delivery.sent_at = DeliveryStatus.SENT, now
        fields += ["status", "sent_at"]
        if delivery.channel == Channel.EMAIL:
            Notification.objects.filter(pk=delivery.notification_id).update(emailed_at=now)
    elif not outcome.retry or delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        fields.append("status")
    delivery.save(update_fields=fields)
    return delivery


@shared_task(bind=True, max_retries=None)
def deliver(self, delivery_id: int) -> str:
    """Deliver by e-mail or group robot; on failure try again with exponential backoff until
    MAX_ATTEMPTS, then the delivery stays FAILED with the last answer."""
    delivery = attempt(delivery_id)
    if self.request.is_eager:
        # Run in-process (the embedded default, tests): no worker to come back later, so the
        # attempts follow each other at once.
        while delivery is not None and delivery.status == DeliveryStatus.PENDING:
            delivery = attempt(delivery_id)
    if delivery is None:
        return "skipped"
    if delivery.status == DeliveryStatus.PENDING:
        raise self.retry(countdown=backoff(self.request.retries or 0))
    return delivery.status


@shared_task
def send_digests() -> int:
    """The daily digest: one e-mail per person with their e-mail notifications waiting for it."""
    from .rendering import digest_texts

    waiting = (
        Delivery.objects.filter(channel=Channel.EMAIL, status=DeliveryStatus.DIGEST)
        .select_related("notification__recipient")
        .order_by("notification__recipient_id", "notification__created_at", "pk")
    )
    by_user: dict[int, list[Delivery]] = {}
    for d in waiting:
        by_user.setdefault(d.notification.recipient_id, []).append(d)
    sent = 0
    for deliveries in by_user.values():
        user = deliveries[0].notification.recipient
        now = timezone.now()
        ids = [d.pk for d in deliveries]
        if not user.email:
            Delivery.objects.filter(pk__in=ids).update(
                status=DeliveryStatus.FAILED, attempts=1, last_attempt_at=now, error="no e-mail address"
            )
            continue
        subject, text = digest_texts(user, [d.notification for d in deliveries])
        try:
            send_mail(subject, text, None, [user.email], fail_silently=False)
        except OSError as exc:  # stays waiting for tomorrow's digest; the error is recorded
            Delivery.objects.filter(pk__in=ids).update(last_attempt_at=now, error=str(exc)[:1000])
            continue
        with transaction.atomic():
            Delivery.objects.filter(pk__in=ids).update(
                status=DeliveryStatus.SENT, attempts=1, last_attempt_at=now, sent_at=now, error=""
            )
            Notification.objects.filter(pk__in=[d.notification_id for d in deliveries]).update(emailed_at=now)
        sent += 1
    return sent
