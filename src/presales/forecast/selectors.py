"""Reads of the forecast: the current model, estimates scoped to what the reader may see, the
weighted pipeline per stage and the traits of high-value customers — aggregated in the database."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from presales.opportunities.choices import CLOSED_STAGES, OPEN_STAGES, Stage
from presales.opportunities.models import Opportunity

from .features import EARLY_INVOLVEMENT, FEATURE_LABELS, value_label
from .models import Prediction, WinModel


def current_model() -> WinModel | None:
    return WinModel.objects.current()


def current_model_heading() -> WinModel | None:
    """The newest model with only what a page prints of it (its version and training time), not
    its parameters and evaluation (large JSON documents decoded for nothing)."""
    return WinModel.objects.only("version", "trained_at").order_by("-version").first()


def current_model_id_subquery():
    return Subquery(WinModel.objects.order_by("-version").values("pk")[:1])


def with_win_probability(queryset):
    """Annotate `win_probability` (the newest model's estimate, None if none) on an opportunity
    queryset, so that a list can show it and sort by it in SQL."""
    estimate = Prediction.objects.filter(opportunity=OuterRef("pk"), model_id=current_model_id_subquery())
    return queryset.annotate(
        win_probability=Subquery(estimate.values("probability")[:1], output_field=FloatField())
    )


def order_by_probability(queryset):
    return queryset.order_by(F("win_probability").desc(nulls_last=True), "-pk")


def prediction_for(*, opportunity, model: WinModel | None) -> Prediction | None:
    if model is None:
        return None
    return Prediction.objects.filter(model=model, opportunity=opportunity).first()


def predictions(*, user, model: WinModel | None = None):
    """The estimates the user may see: of `model`, else of the newest model; most likely first."""
    qs = Prediction.objects.visible_to(user)
    qs = qs.filter(model=model) if model is not None else qs.current()
    return qs.select_related("model").order_by("-probability", "pk")


def explained(factors: list[dict]) -> list[dict]:
    """The stored factors with their labels in the reader's language."""
    return [
        {
            **f,
            "label": str(FEATURE_LABELS.get(f["feature"], f["feature"])),
            "value_label": value_label(f["feature"], f["value"]),
            "raises": f["contribution"] > 0,
        }
        for f in factors
    ]


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def weighted_pipeline(user, team=None, *, use_totals: bool = False) -> dict:
    """The open opportunities the user may see (of `team`, if given), per stage: count, summed
    amount, how many carry an estimate of the newest model, and the weighted amount (amount ×
    win probability) with the expected number of wins. Two grouped queries (and the model's id).
    Opportunities without an estimate count in the amount but not in the weighted amount.
    `use_totals`: the user sees every opportunity (the caller decides), so the counts and amounts
    come from the boards' kept totals per stage and team (`opportunities.BoardTotal`) instead of a
    GROUP BY over the open opportunities."""
    # `stage IN (open stages)` rather than `.open()` (NOT IN the closed ones): a range of the
    # (stage, team, estimated_amount) index, an index-only scan at 100k opportunities.
    scope = Opportunity.objects.visible_to(user).filter(stage__in=OPEN_STAGES)
    if team is not None:
        scope = scope.filter(team=team)
    if use_totals:
        from presales.opportunities.models import BoardTotal

        kept = BoardTotal.objects.filter(dimension="stage", key__in=OPEN_STAGES)
        if team is not None:
            kept = kept.filter(team=team)
        totals = {
            row["key"]: row
            for row in kept.order_by().values("key").annotate(n=Sum("count"), amount=Sum("amount"))
        }
    else:
        totals = {
            row["stage"]: row
            for row in scope.order_by().values("stage").annotate(n=Count("*"), amount=Sum("estimated_amount"))
        }
    model = current_model()
    weighted = {}
    if model is not None:
        weighted = {
            row["opportunity__stage"]: row
            for row in Prediction.objects.filter(model=model, opportunity__in=scope.values("pk"))
            .order_by()
            .values("opportunity__stage")
            .annotate(
                n=Count("pk"),
                weighted=Sum(Cast("opportunity__estimated_amount", FloatField()) * F("probability")),
                wins=Sum("probability"),
            )
        }
    stages = []
    for stage in OPEN_STAGES:
        total = totals.get(stage, {})
        w = weighted.get(stage, {})
        stages.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "count": total.get("n", 0),
                "amount": _money(total.get("amount")),
                "estimated": w.get("n", 0),
                "weighted_amount": _money(w.get("weighted")),
                "expected_wins": round(float(w.get("wins") or 0), 2),
            }
        )
    return {
        "model_version": model.version if model else None,
        "stages": stages,
        "count": sum(s["count"] for s in stages),
        "amount": sum((s["amount"] for s in stages), Decimal("0.00")),
        "estimated": sum(s["estimated"] for s in stages),
        "weighted_amount": sum((s["weighted_amount"] for s in stages), Decimal("0.00")),
        "expected_wins": round(sum(s["expected_wins"] for s in stages), 2),
    }


# --- traits of high-value customers ---------------------------------------------------------------

TRAITS = (
    ("industry", _("Customer industry")),
    ("size", _("Customer size")),
    ("source", _("Opportunity source")),
    ("early_involvement", _("Presales involved within 24 hours")),
    ("research_done", _("Research report written")),
    ("poc_held", _("POC run")),
)


def _trait_expressions():
    from presales.discovery.models import ResearchReport
    from presales.poc.models import Poc

    return {
        "industry": F("customer__industry"),
        "size": F("customer__size"),
        "source": F("source"),
        "early_involvement": Case(
            When(
                Q(presales_assigned_at__isnull=False)
                & Q(presales_assigned_at__lte=F("created_at") + EARLY_INVOLVEMENT),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        "research_done": Exists(ResearchReport.objects.filter(opportunity=OuterRef("pk"))),
        "poc_held": Exists(Poc.objects.filter(opportunity=OuterRef("pk"), started_at__isnull=False)),
    }


def _trait_label(code: str, value) -> str:
    from presales.customers.choices import CompanySize, Industry
    from presales.opportunities.choices import Source

    if value in (None, ""):
        return str(_("not recorded"))
    if isinstance(value, bool):
        return str(pgettext_lazy("flag", "yes") if value else pgettext_lazy("flag", "no"))
    for field, choices in (("industry", Industry), ("size", CompanySize), ("source", Source)):
        if code == field and value in choices.values:
            return str(choices(value).label)
    return str(value)


def customer_traits(user) -> dict:
    """For every recorded trait (customer industry and size, opportunity source, presales involved
    within 24 hours, research report written, POC run) and each of its values, over the closed
    opportunities the user may see (won, lost or abandoned): closed count, won count, win rate,
    won amount, average won amount and lift (the value's win rate over the overall win rate).
    One grouped query per trait."""
    closed = Opportunity.objects.visible_to(user).filter(stage__in=CLOSED_STAGES)
    won = Q(stage=Stage.WON)
    expressions = _trait_expressions()
    dimensions = []
    overall = None
    for code, label in TRAITS:
        rows = list(
            closed.order_by()
            .values(key=expressions[code])
            .annotate(
                closed=Count("pk"),
                won=Count("pk", filter=won),
                won_amount=Sum("estimated_amount", filter=won),
            )
            .order_by("key")
        )
        if overall is None:
            n = sum(r["closed"] for r in rows)
            w = sum(r["won"] for r in rows)
            overall = {
                "closed": n,
                "won": w,
                "win_rate": (w / n) if n else None,
                "won_amount": _money(sum((r["won_amount"] or 0 for r in rows), Decimal(0))),
            }
        values = []
        for r in rows:
            rate = r["won"] / r["closed"] if r["closed"] else None
            values.append(
                {
                    "value": r["key"],
                    "label": _trait_label(code, r["key"]),
                    "closed": r["closed"],
                    "won": r["won"],
                    "win_rate": rate,
                    "won_amount": _money(r["won_amount"]),
                    "average_won_amount": _money((r["won_amount"] or 0) / r["won"]) if r["won"] else None,
                    "lift": round(rate / overall["win_rate"], 2)
                    if rate is not None and overall["win_rate"]
                    else None,
                }
            )
        values.sort(key=lambda v: (-(v["won_amount"]), -v["closed"], v["label"]))
        dimensions.append({"code": code, "label": str(label), "values": values})
    return {"overall": overall, "traits": dimensions}


def attach_win_probability(opportunities) -> None:
    """Set `win_probability` on already fetched opportunities (e.g. a board's cards): one query."""
    opportunities = list(opportunities)
    found = (
        dict(
            Prediction.objects.filter(
                model_id=current_model_id_subquery(), opportunity_id__in=[o.pk for o in opportunities]
            ).values_list("opportunity_id", "probability")
        )
        if opportunities
        else {}
    )
    for o in opportunities:
        o.win_probability = found.get(o.pk)
