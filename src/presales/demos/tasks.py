"""Notifications of the demo module, through presales.notifications (in-app + e-mail).

`remind_presenters` is the periodic job (celery beat, hourly): the presenters of every demo that
is planned or prepared for tomorrow (company time zone) are reminded once (deduplicated per demo,
date and person)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from presales.notifications.text import lazy_text as _


@shared_task
def remind_presenters() -> int:
    from presales.notifications.services import notify

    from .choices import OPEN_STATUSES, Mode, Status
    from .models import Demo

    tomorrow = timezone.localdate() + timedelta(days=1)
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(tomorrow, time.min), zone)
    end = start + timedelta(days=1)
    demos = (
        Demo.objects.filter(status__in=OPEN_STATUSES, planned_at__gte=start, planned_at__lt=end)
        .select_related("customer")
        .prefetch_related("presenters")
        .order_by("planned_at", "pk")
    )
    count = 0
    for demo in demos:
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Demo tomorrow: %(title)s") % {"title": demo.title}
            body = _("%(customer)s, %(when)s, %(place)s. Status: %(status)s.") % {
                "customer": demo.customer.name,
                "when": timezone.localtime(demo.planned_at).strftime("%Y-%m-%d %H:%M"),
                "place": demo.location or Mode(demo.mode).label,
                "status": Status(demo.status).label,
            }
        notify(
            recipients=list(demo.presenters.all()),
            kind="demos.reminder",
            title=title,
            body=body,
            target=demo,
            dedup_key=f"demos.reminder.{demo.pk}.{tomorrow.isoformat()}",
        )
        count += 1
    return count
