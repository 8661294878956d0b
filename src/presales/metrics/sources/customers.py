"""Metrics read from the customers app: satisfaction surveys, complaints, technical issues."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from ..base import MetricValue, SourceRecord, as_local_date
from ..period import Period

# --- customer satisfaction: the average 0–100 score of the surveys about the engineer ----------


def satisfaction_compute(user_ids: list[int], period: Period) -> dict[int, MetricValue]:
    from presales.customers.models import SatisfactionSurvey

    rows = (
        SatisfactionSurvey.objects.filter(engineer_id__in=user_ids, **period.date_q("surveyed_on"))
        .values("engineer_id")
        .annotate(n=Count("pk"), total=Sum("score"))
        .order_by()
    )
    return {row["engineer_id"]: MetricValue.average(row["total"], row["n"]) for row in rows}


def satisfaction_records(user, period: Period) -> list[SourceRecord]:
    from presales.customers.models import SatisfactionSurvey

    qs = SatisfactionSurvey.objects.filter(
        engineer_id=user.pk, **period.date_q("surveyed_on")
    ).select_related("customer", "opportunity")
    rows = []
    for s in qs:
        parts = [s.customer.name]
        if s.opportunity_id:
            parts.append(s.opportunity.number)
        if s.respondent:
            parts.append(s.respondent)
        note = _("NPS %(nps)d/10") % {"nps": s.nps} if s.nps is not None else ""
        rows.append(
            SourceRecord(
                label=" · ".join(parts),
                date=s.surveyed_on,
                url=s.get_absolute_url(),
                numerator=s.score,
                denominator=1,
                note=note,
                kind=_("satisfaction survey"),
            )
        )
    return rows


# --- complaints against the person, received in the period ------------------------------------


def complaints_compute(user_ids: list[int], period: Period) -> dict[int, MetricValue]:
    from presales.customers.models import Complaint

    rows = (
        Complaint.objects.filter(against_id__in=user_ids, **period.date_q("received_on"))
        .values("against_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["against_id"]: MetricValue.of_count(row["n"]) for row in rows}


def complaints_records(user, period: Period) -> list[SourceRecord]:
    from presales.customers.models import Complaint

    qs = Complaint.objects.filter(against_id=user.pk, **period.date_q("received_on")).select_related(
        "customer"
    )
    return [
        SourceRecord(
            label=f"{c.customer.name}: {c.description[:60]}",
            date=c.received_on,
            url=c.get_absolute_url(),
            numerator=1,
            denominator=None,
            note=f"{c.get_severity_display()} · {c.get_status_display()}",
            kind=_("complaint"),
        )
        for c in qs
    ]


# --- customers with technical issues not resolved in time ----------------------------------------
#
# Seed 001 (项目技术解决率): "customers with problems not solved in time ≤3 → 30 points". Counted:
# the distinct customers of the technical issues the person owns that, at the end of the period,
# were past their due date (due on or before the last day) and not resolved (still open, or resolved
# only after the period). An issue raised after the period does not count.


def _unresolved_q(period: Period) -> Q:
    return Q(raised_on__lte=period.end, due_on__lte=period.end) & (
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=period.until)
    )


def unresolved_compute(user_ids: list[int], period: Period) -> dict[int, MetricValue]:
    from presales.customers.models import TechnicalIssue

    rows = (
        TechnicalIssue.objects.filter(_unresolved_q(period), owner_id__in=user_ids)
        .values("owner_id")
        .annotate(customers=Count("customer_id", distinct=True), issues=Count("pk"))
        .order_by()
    )
    return {row["owner_id"]: MetricValue.of_count(row["customers"], records=row["issues"]) for row in rows}


def unresolved_records(user, period: Period) -> list[SourceRecord]:
    from presales.customers.models import TechnicalIssue

    qs = (
        TechnicalIssue.objects.filter(_unresolved_q(period), owner_id=user.pk)
        .select_related("customer")
        .order_by("due_on", "pk")
    )
    seen: set[int] = set()
    rows = []
    for issue in qs:
        first = issue.customer_id not in seen
        seen.add(issue.customer_id)
        if issue.resolved_at is None:
            state = _("still open")
        else:
            state = _("resolved on %(day)s") % {"day": as_local_date(issue.resolved_at).isoformat()}
        rows.append(
            SourceRecord(
                label=f"{issue.customer.name}: {issue.title}",
                date=issue.due_on,
                url=issue.get_absolute_url(),
                numerator=1 if first else 0,
                denominator=None,
                note=_("due %(due)s, %(state)s") % {"due": issue.due_on.isoformat(), "state": state}
                + ("" if first else " · " + _("customer already counted")),
                kind=_("technical issue"),
            )
        )
    return rows
