"""Support requests: the average first-response time of the requests assigned to the person."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Sum
from django.utils.translation import gettext as _

from ..base import MetricValue, SourceRecord, q2
from ..period import Period

# Counted: the requests currently assigned to the person, submitted in the period, that have a
# first response; hours from submission to the first response (calendar hours, like the SLA).
# Requests still waiting for a response are listed in the drill-down but are not averaged.


def _hours(delta: timedelta | None) -> Decimal:
    if delta is None:
        return Decimal(0)
    return Decimal(delta.total_seconds()) / Decimal(3600)


def response_compute(user_ids: list[int], period: Period) -> dict[int, MetricValue]:
    from presales.support.models import SupportRequest

    elapsed = ExpressionWrapper(F("first_response_at") - F("submitted_at"), output_field=DurationField())
    rows = (
        SupportRequest.objects.filter(
            assignee_id__in=user_ids,
            first_response_at__isnull=False,
            **period.datetime_q("submitted_at"),
        )
        .values("assignee_id")
        .annotate(n=Count("pk"), total=Sum(elapsed))
        .order_by()
    )
    return {row["assignee_id"]: MetricValue.average(_hours(row["total"]), row["n"]) for row in rows}


def response_records(user, period: Period) -> list[SourceRecord]:
    from presales.support.models import SupportRequest

    from ..base import as_local_date

    qs = SupportRequest.objects.filter(
        assignee_id=user.pk, **period.datetime_q("submitted_at")
    ).select_related("customer")
    rows = []
    for r in qs:
        if r.first_response_at is None:
            hours, one, note = None, None, _("no first response yet: not averaged")
        else:
            hours, one = q2(_hours(r.first_response_at - r.submitted_at)), 1
            note = _("first response after %(hours)s h") % {"hours": hours}
        rows.append(
            SourceRecord(
                label=f"{r.number} {r.title} · {r.customer.name}",
                date=as_local_date(r.submitted_at),
                url=r.get_absolute_url(),
                numerator=hours,
                denominator=one,
                note=note,
                kind=_("support request"),
            )
        )
    return rows
