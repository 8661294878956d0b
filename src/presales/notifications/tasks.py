from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification


@shared_task
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail each notification to its recipient (if they have an address); marks them sent."""
    sent = 0
    for n in Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related(
        "recipient"
    ):
        if not n.recipient.email:
            continue
        link = f"\n\n{settings.PRESALES_BASE_URL.rstrip('/')}{n.url}" if n.url else ""
        send_mail(n.title, f"{n.body}{link}", None, [n.recipient.email], fail_silently=False)
        Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
