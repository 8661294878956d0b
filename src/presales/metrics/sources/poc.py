"""POCs: the share of the POCs led by the person that ended in the period with a pass."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from ..base import MetricValue, SourceRecord, as_local_date
from ..period import Period

# A POC is led by its opportunity's presales lead (the person who answers for it and moves its
# status). Ended = passed, failed or abandoned with its end time in the period; passed includes
# the verdict "excellent". An abandoned POC counts as ended without a pass.


def _ended(period: Period) -> Q:
    from presales.poc.choices import CLOSED_STATUSES

    return Q(status__in=CLOSED_STATUSES, **period.datetime_q("ended_at"))


def poc_compute(user_ids: list[int], period: Period) -> dict[int, MetricValue]:
    from presales.poc.choices import Status
    from presales.poc.models import Poc

    rows = (
        Poc.objects.filter(_ended(period), opportunity__presales_lead_id__in=user_ids)
        .values("opportunity__presales_lead_id")
        .annotate(ended=Count("pk"), passed=Count("pk", filter=Q(status=Status.PASSED)))
        .order_by()
    )
    return {
        row["opportunity__presales_lead_id"]: MetricValue.rate(row["passed"], row["ended"]) for row in rows
    }


def poc_records(user, period: Period) -> list[SourceRecord]:
    from presales.poc.choices import Status
    from presales.poc.models import Poc

    qs = Poc.objects.filter(_ended(period), opportunity__presales_lead_id=user.pk).select_related("customer")
    rows = []
    for p in qs:
        note = p.get_status_display()
        if p.verdict:
            note = f"{note} · {p.get_verdict_display()}"
        rows.append(
            SourceRecord(
                label=f"{p.number} {p.title} · {p.customer.name}",
                date=as_local_date(p.ended_at),
                url=p.get_absolute_url(),
                numerator=1 if p.status == Status.PASSED else 0,
                denominator=1,
                note=note,
                kind=_("POC"),
            )
        )
    return rows
