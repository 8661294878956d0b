"""Reads of the appraisal module, each a fixed number of queries whatever the number of people."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from .choices import PUBLISHED_STEPS, CycleKind, Source, Step
from .models import Appraisal, Cycle, IndicatorScore, SourceEntry

HAND_ENTERED = ("manual", "survey")


def scheme_items(appraisal) -> list:
    """The scheme's items with their indicators (cached on the appraisal object)."""
    cached = getattr(appraisal, "_scheme_items", None)
    if cached is None:
        from presales.kpi.models import SchemeItem

        cached = (
            list(
                SchemeItem.objects.filter(scheme_id=appraisal.scheme_id)
                .select_related("indicator")
                .order_by("position", "pk")
            )
            if appraisal.scheme_id
            else []
        )
        appraisal._scheme_items = cached
    return cached


def effective_source(indicator) -> str:
    """computed / manual / survey; a computed indicator whose metric is unavailable is entered by hand."""
    return indicator.effective_data_source


def manual_items(appraisal) -> list:
    return [i for i in scheme_items(appraisal) if effective_source(i.indicator) in HAND_ENTERED]


def entered_indicator_ids(appraisal, source: str, evaluator=None) -> set[int]:
    qs = SourceEntry.objects.filter(appraisal=appraisal, source=source)
    if evaluator is not None:
        qs = qs.filter(evaluator=evaluator)
    return set(qs.values_list("indicator_id", flat=True))


def valued_indicator_ids(appraisal) -> set[int]:
    weights = appraisal.cycle.source_weights()
    sources = [s for s, w in weights.items() if w and w > 0]
    ids = set(
        SourceEntry.objects.filter(appraisal=appraisal, source__in=sources).values_list(
            "indicator_id", flat=True
        )
    )
    # a survey indicator counts the customer survey even when the customer source weighs 0
    survey = {i.indicator_id for i in manual_items(appraisal) if effective_source(i.indicator) == "survey"}
    ids |= (
        set(
            SourceEntry.objects.filter(
                appraisal=appraisal, source=Source.CUSTOMER, indicator_id__in=survey
            ).values_list("indicator_id", flat=True)
        )
        if survey
        else set()
    )
    return ids


def entries_by_indicator(appraisal) -> dict[int, list]:
    result: dict[int, list] = defaultdict(list)
    for entry in SourceEntry.objects.filter(appraisal=appraisal).select_related("evaluator"):
        result[entry.indicator_id].append(entry)
    return result


def own_entries(appraisal, source: str, evaluator) -> dict[int, SourceEntry]:
    return {
        e.indicator_id: e
        for e in SourceEntry.objects.filter(appraisal=appraisal, source=source, evaluator=evaluator)
    }


def scorecard(appraisal) -> list[IndicatorScore]:
    return list(appraisal.scores.all().order_by("position", "pk"))


def cycle_progress(cycle) -> dict[str, int]:
    counts = dict(cycle.appraisals.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {step: counts.get(step, 0) for step in Step.values}


@dataclass
class Ranking:
    rows: list = field(default_factory=list)
    grades: dict = field(default_factory=dict)  # grade -> count
    histogram: dict = field(default_factory=dict)  # "60–70" -> count
    published_only: bool = True


def team_ranking(cycle, *, team_id: int | None, published_only: bool) -> Ranking:
    """The ranking of one team (or everybody with team_id None) in a cycle, best final score first,
    with the distribution of grades and of totals (one query)."""
    qs = Appraisal.objects.filter(cycle=cycle).select_related("employee", "team")
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    if published_only:
        qs = qs.filter(status__in=PUBLISHED_STEPS)
    rows = sorted(qs, key=lambda a: (a.final_score is None, -(a.final_score or 0), a.employee.username))
    grades = Counter(a.grade for a in rows if a.grade)
    order = [b["grade"] for b in cycle.bands()]
    histogram: dict[str, int] = {
        f"{low}–{low + 10}" if low < 90 else "90–100": 0 for low in range(0, 100, 10)
    }
    for a in rows:
        if a.final_score is not None:
            low = min(90, int(a.final_score // 10 * 10))
            key = f"{low}–{low + 10}" if low < 90 else "90–100"
            histogram[key] += 1
    return Ranking(
        rows=rows,
        grades={g: grades.get(g, 0) for g in order},
        histogram=histogram,
        published_only=published_only,
    )


def trend(employee, *, viewer_sees_unpublished: bool) -> list[Appraisal]:
    """The person's appraisals over the cycles, oldest first (one query)."""
    qs = Appraisal.objects.filter(employee=employee).select_related("cycle")
    if not viewer_sees_unpublished:
        qs = qs.filter(status__in=PUBLISHED_STEPS)
    return sorted(qs, key=lambda a: (a.cycle.start_on, a.cycle.kind != CycleKind.QUARTERLY, a.cycle_id))


def peer_requests(user):
    """Appraisals of the user's team awaiting 360° feedback that the user may give."""
    if (
        not user.is_authenticated
        or not user.is_presales
        or not user.team_id
        or user.is_manager
        or user.team_id in user.led_team_ids
    ):
        return Appraisal.objects.none()
    return (
        Appraisal.objects.filter(team_id=user.team_id, status=Step.FEEDBACK)
        .exclude(Q(employee=user) | Q(supervisor=user))
        .select_related("cycle", "employee")
        .order_by("cycle", "employee__username")
    )


def visible_cycles(user):
    return Cycle.objects.visible_to(user).annotate(participants=Count("appraisals", distinct=True))
