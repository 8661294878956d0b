"""The demos' gate on the opportunity's SOP (registered from DemosConfig.ready()).

Rule: an opportunity may not move *into* bid or negotiation (whatever stage it comes from, so a
skip cannot jump over it) while
- a demo of it was delivered without its summary report (演示总结报告), or
- a demo of it is still planned or prepared although its date has passed: deliver it (record the
  delivery), reschedule it or cancel it.
An opportunity without demos is not affected; cancelled and summarised demos never hold it.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import OPEN_STATUSES, Status


def unsettled_demos(opportunity) -> list[str]:
    from presales.opportunities.selectors import is_page

    from .models import Demo

    now = timezone.now()
    if is_page(opportunity):
        # the opportunity's page: the rows its demo panel prints (newest first), one query for both
        from .selectors import page_demos

        rows = [
            (d.title, d.status, d.planned_at) for d in reversed(page_demos(opportunity))
            if d.status == Status.DELIVERED or (d.status in OPEN_STATUSES and d.planned_at < now)
        ]
    else:
        # one filter (not two querysets OR-ed: combining them costs the ORM more than the query)
        rows = Demo.objects.filter(
            Q(status=Status.DELIVERED) | Q(status__in=OPEN_STATUSES, planned_at__lt=now),
            opportunity_id=opportunity.pk,
        ).order_by("planned_at", "pk").values_list("title", "status", "planned_at")
    reasons = []
    for title, status, planned_at in rows:
        if status == Status.DELIVERED:
            reasons.append(
                _("Demo “%(title)s” was delivered but its summary report is not written.") % {"title": title}
            )
        else:
            reasons.append(
                _(
                    "Demo “%(title)s” was planned for %(date)s and is still %(status)s: record its "
                    "delivery, reschedule it or cancel it."
                )
                % {
                    "title": title,
                    "date": timezone.localtime(planned_at).strftime("%Y-%m-%d %H:%M"),
                    "status": Status(status).label,
                }
            )
    return reasons


def register() -> None:
    try:
        from presales.opportunities.workflow import opportunity_flow
    except ImportError:  # the opportunities module without its workflow: nothing to gate
        return
    from presales.opportunities.choices import Stage

    for stage in (Stage.BID, Stage.NEGOTIATION):
        opportunity_flow.add_guard(stage, unsettled_demos)
