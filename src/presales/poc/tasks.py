"""Notifications of the POC module, through presales.notifications (in-app + e-mail).

`notify_overdue_incidents` is the periodic job (celery beat, e.g. every 15 minutes): it tells the
people answerable for the POC once about every incident whose response is overdue (deduplicated
per incident and person)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from presales.notifications.text import lazy_text as _


def answerable(poc) -> list:
    """Who hears of the POC's incidents: the opportunity's presales lead and sales owner."""
    return [poc.opportunity.presales_lead, poc.opportunity.sales_owner]


def notify_incident_opened(incident) -> None:
    from presales.notifications.services import notify

    with translation.override(settings.LANGUAGE_CODE):
        title = _("[%(number)s] Incident: %(title)s") % {"number": incident.poc.number, "title": incident.title}
        body = _("Response due by %(due)s (the POC's escalation limit).") % {
            "due": timezone.localtime(incident.response_due_at).strftime("%Y-%m-%d %H:%M")}
    notify(recipients=answerable(incident.poc), kind="poc.incident", title=title, body=body,
           target=incident)


@shared_task
def notify_overdue_incidents() -> int:
    from presales.notifications.services import notify

    from .choices import IncidentStatus
    from .models import Incident

    count = 0
    overdue = (Incident.objects.filter(status=IncidentStatus.OPEN, response_due_at__lt=timezone.now())
               .select_related("poc__opportunity__presales_lead", "poc__opportunity__sales_owner")
               .order_by("response_due_at")[:500])
    for incident in overdue:
        with translation.override(settings.LANGUAGE_CODE):
            title = _("[%(number)s] Response overdue: %(title)s") % {"number": incident.poc.number,
                                                                    "title": incident.title}
            body = _("The response to this incident was due by %(due)s.") % {
                "due": timezone.localtime(incident.response_due_at).strftime("%Y-%m-%d %H:%M")}
        notify(recipients=answerable(incident.poc), kind="poc.incident_overdue", title=title, body=body,
               target=incident, dedup_key=f"poc.incident.overdue.{incident.pk}")
        count += 1
    return count
