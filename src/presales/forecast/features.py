"""The features of the win-probability model, computed for a whole set of opportunities with a
fixed number of queries (one per source table, whatever the number of opportunities): the
opportunity's own fields, the time spent in each stage (from the StageEvent rows), and what each
module recorded — research report, requirement confirmation, the solution's first-pass review,
demo summaries, POC verdicts, bid deviations, communications, open technical issues, complaints.

`opportunity_features(queryset, now=...)` returns one dict per opportunity; `model_input(row)`
turns such a dict into the values the model is fitted on (log-scaled durations and counts)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from presales.opportunities.choices import OPEN_STAGES, Stage

DAY_SECONDS = 86400.0
# "Early presales involvement": presales joined within 24 hours of the opportunity's creation.
EARLY_INVOLVEMENT = timedelta(hours=24)

# Amount bands (CNY): upper bounds, exclusive; the last band is open-ended.
AMOUNT_BANDS = (
    ("under_0_5m", Decimal("500000")),
    ("0_5m_2m", Decimal("2000000")),
    ("2m_5m", Decimal("5000000")),
    ("5m_10m", Decimal("10000000")),
    ("over_10m", None),
)
AMOUNT_BAND_LABELS = {
    "under_0_5m": _("under CNY 0.5 M"),
    "0_5m_2m": _("CNY 0.5–2 M"),
    "2m_5m": _("CNY 2–5 M"),
    "5m_10m": _("CNY 5–10 M"),
    "over_10m": _("CNY 10 M and more"),
    "unknown": _("amount not known"),
}
SOLUTION_REVIEW_LABELS = {
    "first_pass": _("passed the internal review at first submission"),
    "returned": _("returned at the first internal review"),
    "none": _("no solution reviewed yet"),
}
POC_LABELS = {
    "passed": _("POC passed"),
    "failed": _("POC failed or abandoned"),
    "running": _("POC under way"),
    "none": _("no POC"),
}

CATEGORICAL = ("industry", "amount_band", "source", "solution_review", "poc_verdict")
STAGE_DAY_FEATURES = tuple(f"days_{s}" for s in OPEN_STAGES)
FLAGS = ("early_involvement", "research_done", "requirements_confirmed", "demo_summarised")
COUNTS = ("bid_deviations", "communications_per_month", "open_issues", "complaints")
NUMERIC = (*STAGE_DAY_FEATURES, *FLAGS, *COUNTS)
FEATURES = (*CATEGORICAL, *NUMERIC)

FEATURE_LABELS = {
    "industry": _("Industry"),
    "amount_band": _("Amount band"),
    "source": _("Source"),
    "solution_review": _("Solution first-pass review"),
    "poc_verdict": _("POC verdict"),
    "days_lead": _("Days as a lead"),
    "days_discovery": _("Days in discovery"),
    "days_solution": _("Days in solution design"),
    "days_demo_poc": _("Days in demo / POC"),
    "days_bid": _("Days in bidding"),
    "days_negotiation": _("Days in negotiation"),
    "early_involvement": _("Presales involved within 24 hours"),
    "research_done": _("Research report written"),
    "requirements_confirmed": _("Requirements confirmed by the customer"),
    "demo_summarised": _("Demo summarised"),
    "bid_deviations": _("Bid deviations"),
    "communications_per_month": _("Communications per month"),
    "open_issues": _("Open technical issues"),
    "complaints": _("Complaints"),
}


def amount_band(amount) -> str:
    if amount is None:
        return "unknown"
    for code, upper in AMOUNT_BANDS:
        if upper is None or amount < upper:
            return code
    return AMOUNT_BANDS[-1][0]  # pragma: no cover - the last band is open-ended


def value_label(feature: str, value) -> str:
    """How a factor's value reads on the page (in the reader's language)."""
    if feature == "industry":
        from presales.customers.choices import Industry

        return str(Industry(value).label) if value in Industry.values else (value or "—")
    if feature == "source":
        from presales.opportunities.choices import Source

        return str(Source(value).label) if value in Source.values else (value or "—")
    if feature == "amount_band":
        return str(AMOUNT_BAND_LABELS.get(value, value))
    if feature == "solution_review":
        return str(SOLUTION_REVIEW_LABELS.get(value, value))
    if feature == "poc_verdict":
        return str(POC_LABELS.get(value, value))
    if feature in FLAGS:
        return str(pgettext_lazy("flag", "yes") if value else pgettext_lazy("flag", "no"))
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def _by_opportunity(rows) -> dict[int, dict]:
    return {r.pop("opportunity_id"): r for r in rows}


def opportunity_features(queryset, *, now: datetime) -> list[dict]:
    """One dict per opportunity of `queryset`: "id", "stage", "created_at", "closed_at",
    "amount" and every name of FEATURES. A fixed number of queries (12)."""
    from presales.bids.choices import Deviation
    from presales.bids.models import DeviationRow
    from presales.customers.choices import IssueStatus
    from presales.customers.models import CommunicationLog, Complaint, TechnicalIssue
    from presales.demos.choices import Status as DemoStatus
    from presales.demos.models import Demo
    from presales.discovery.models import RequirementConfirmation, ResearchReport
    from presales.opportunities.models import StageEvent
    from presales.poc.choices import OPEN_STATUSES as POC_OPEN
    from presales.poc.choices import Status as PocStatus
    from presales.poc.models import Poc
    from presales.solutions.models import Solution

    ids = queryset.order_by().values("pk")
    base = list(
        queryset.order_by("pk").values(
            "pk",
            "industry",
            "source",
            "estimated_amount",
            "stage",
            "stage_changed_at",
            "created_at",
            "presales_assigned_at",
            "closed_at",
        )
    )
    # Time in each stage: from entering it to the next move (or to now while it is the current,
    # open stage). Events come ordered, so each opportunity's moves are consecutive.
    days: dict[int, dict[str, float]] = {}
    current = None
    previous = None
    for opp_id, to_stage, at in (
        StageEvent.objects.filter(opportunity__in=ids)
        .order_by("opportunity_id", "at", "pk")
        .values_list("opportunity_id", "to_stage", "at")
        .iterator(chunk_size=5000)
    ):
        if opp_id != current:
            current, previous = opp_id, None
        spent = days.setdefault(opp_id, {})
        if previous is not None:
            stage, since = previous
            spent[stage] = spent.get(stage, 0.0) + max((at - since).total_seconds(), 0) / DAY_SECONDS
        previous = (to_stage, at)
        spent["_last"] = previous  # type: ignore[assignment]

    reports = set(ResearchReport.objects.filter(opportunity__in=ids).values_list("opportunity_id", flat=True))
    confirmed = set(
        RequirementConfirmation.objects.filter(opportunity__in=ids)
        .values_list("opportunity_id", flat=True)
        .distinct()
    )
    solutions = _by_opportunity(
        Solution.objects.filter(opportunity__in=ids)
        .order_by()
        .values("opportunity_id")
        .annotate(
            passed=Count("pk", filter=Q(first_pass=True)), returned=Count("pk", filter=Q(first_pass=False))
        )
    )
    demos = set(
        Demo.objects.filter(opportunity__in=ids, status=DemoStatus.SUMMARISED)
        .values_list("opportunity_id", flat=True)
        .distinct()
    )
    pocs = _by_opportunity(
        Poc.objects.filter(opportunity__in=ids)
        .order_by()
        .values("opportunity_id")
        .annotate(
            passed=Count("pk", filter=Q(status=PocStatus.PASSED)),
            failed=Count("pk", filter=Q(status__in=[PocStatus.FAILED, PocStatus.ABANDONED])),
            running=Count("pk", filter=Q(status__in=POC_OPEN)),
        )
    )
    deviations = dict(
        DeviationRow.objects.filter(bid__opportunity__in=ids)
        .exclude(deviation=Deviation.NONE)
        .order_by()
        .values("bid__opportunity_id")
        .annotate(n=Count("pk"))
        .values_list("bid__opportunity_id", "n")
    )

    def counted(model, **filters):
        return dict(
            model.objects.filter(opportunity__in=ids, **filters)
            .order_by()
            .values("opportunity_id")
            .annotate(n=Count("pk"))
            .values_list("opportunity_id", "n")
        )

    communications = counted(CommunicationLog)
    issues = counted(TechnicalIssue, status=IssueStatus.OPEN)
    complaints = counted(Complaint)

    rows = []
    for o in base:
        pk = o["pk"]
        spent = days.get(pk, {})
        last = spent.pop("_last", None)
        if o["stage"] in OPEN_STAGES:
            # The current stage counts until now (from its last event, else from the last move).
            since = last[1] if last and last[0] == o["stage"] else (o["stage_changed_at"] or o["created_at"])
            spent[o["stage"]] = (
                spent.get(o["stage"], 0.0) + max((now - since).total_seconds(), 0) / DAY_SECONDS
            )
        end = o["closed_at"] or now
        life_days = max((end - o["created_at"]).total_seconds() / DAY_SECONDS, 1.0)
        assigned = o["presales_assigned_at"]
        solution = solutions.get(pk, {})
        poc = pocs.get(pk, {})
        if poc.get("passed"):
            poc_verdict = "passed"
        elif poc.get("failed"):
            poc_verdict = "failed"
        elif poc.get("running"):
            poc_verdict = "running"
        else:
            poc_verdict = "none"
        if solution.get("passed"):
            review = "first_pass"
        elif solution.get("returned"):
            review = "returned"
        else:
            review = "none"
        row = {
            "id": pk,
            "stage": o["stage"],
            "created_at": o["created_at"],
            "closed_at": o["closed_at"],
            "amount": o["estimated_amount"],
            "industry": o["industry"] or "unknown",
            "amount_band": amount_band(o["estimated_amount"]),
            "source": o["source"] or "unknown",
            "solution_review": review,
            "poc_verdict": poc_verdict,
            "early_involvement": int(
                assigned is not None and assigned - o["created_at"] <= EARLY_INVOLVEMENT
            ),
            "research_done": int(pk in reports),
            "requirements_confirmed": int(pk in confirmed),
            "demo_summarised": int(pk in demos),
            "bid_deviations": deviations.get(pk, 0),
            "communications_per_month": round(communications.get(pk, 0) * 30.0 / life_days, 3),
            "open_issues": issues.get(pk, 0),
            "complaints": complaints.get(pk, 0),
        }
        for stage in OPEN_STAGES:
            row[f"days_{stage}"] = round(spent.get(stage, 0.0), 3)
        rows.append(row)
    return rows


def model_input(row: dict) -> list:
    """The row as the model sees it: categories as strings, then numbers (durations and counts
    on a log scale, so that a year in a stage does not weigh 50 times a week)."""
    values: list = [str(row[name]) for name in CATEGORICAL]
    for name in NUMERIC:
        value = float(row[name])
        values.append(value if name in FLAGS else math.log1p(max(value, 0.0)))
    return values


def is_won(row: dict) -> int:
    return int(row["stage"] == Stage.WON)
