"""Deadline alerts, through presales.notifications (in-app + e-mail).

`send_bid_alerts` is the periodic job (celery beat every 15 minutes, see conf.py). For every bid
still being prepared it tells the bid team once when the deadline is 72, 24 and 4 hours away
(only the tightest threshold crossed: a job that ran late does not send the missed earlier ones),
and tells a milestone's owner and the presales lead once when the milestone is overdue.
Deduplication keys make each alert fire once (per recipient); moving the deadline or the
milestone's due time re-arms its alerts. `run_alerts(now=...)` takes the instant explicitly.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from presales.notifications.text import lazy_text as _

from . import deadline as clock
from .choices import ALERT_HOURS, Status


def bid_team(bid) -> list:
    """Who prepares the bid: the presales lead, the sales owner, the business specialist, the
    solution architect, the opportunity's presales members and the sections' owners."""
    opportunity = bid.opportunity
    people = [opportunity.presales_lead, opportunity.sales_owner, bid.business_owner, bid.technical_owner]
    people += list(opportunity.members.all())
    people += [s.owner for s in bid.sections.all() if s.owner is not None]
    return people


def _fmt(bid, instant) -> str:
    return instant.astimezone(bid.tender_tz).strftime("%Y-%m-%d %H:%M") + f" ({bid.time_zone})"


def run_alerts(*, now) -> dict[str, int]:
    from presales.notifications.services import notify

    from .models import Bid, Milestone

    sent = {"deadline": 0, "milestone": 0}
    horizon = now + clock.timedelta(hours=max(ALERT_HOURS))
    bids = (Bid.objects.filter(status=Status.PREPARING, result="", deadline__gt=now, deadline__lte=horizon)
            .select_related("opportunity__presales_lead", "opportunity__sales_owner", "business_owner",
                            "technical_owner")
            .prefetch_related("opportunity__members", "sections__owner").order_by("deadline")[:500])
    for bid in bids:
        hours = clock.alert_threshold(bid.deadline, now)
        if hours is None:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            title = _("[%(number)s] Bid deadline in %(hours)s hours: %(name)s") % {
                "number": bid.number, "hours": hours, "name": bid.project_name}
            body = _("Sealed submission due by %(deadline)s.") % {"deadline": _fmt(bid, bid.deadline)}
        notify(recipients=bid_team(bid), kind="bids.deadline", title=title, body=body, target=bid,
               dedup_key=clock.alert_key(bid.pk, bid.deadline, hours))
        sent["deadline"] += 1
    overdue = (Milestone.objects.filter(done_at__isnull=True, due_at__lte=now, bid__status=Status.PREPARING,
                                        bid__result="", bid__deadline__gt=now)
               .select_related("owner", "bid__opportunity__presales_lead").order_by("due_at")[:500])
    for milestone in overdue:
        bid = milestone.bid
        with translation.override(settings.LANGUAGE_CODE):
            title = _("[%(number)s] Milestone overdue: %(title)s") % {"number": bid.number, "title": milestone.title}
            body = _("It was due by %(due)s.") % {"due": _fmt(bid, milestone.due_at)}
        notify(recipients=[milestone.owner, bid.opportunity.presales_lead], kind="bids.milestone", title=title,
               body=body, url=milestone.get_absolute_url(), target=bid,
               dedup_key=f"bids.milestone.{milestone.pk}.{int(milestone.due_at.timestamp())}")
        sent["milestone"] += 1
    return sent


@shared_task
def send_bid_alerts() -> dict[str, int]:
    return run_alerts(now=timezone.now())
