"""Reads. Every list starts from `Bid.objects.visible_to(user)`; pages read a fixed number of
queries whatever the number of rows."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from .choices import Deviation, Part, Result, ReviewGroup, Status
from .models import Bid, BidEvent, DeviationRow, Meeting, Milestone, ReviewItem, Section

LIST_RELATED = ("opportunity", "opportunity__customer", "opportunity__presales_lead", "business_owner",
                "technical_owner")


def bid_list(*, user, now=None) -> QuerySet[Bid]:
    """Bids across the visible opportunities: the upcoming deadlines first, nearest first, then
    the passed ones, most recent first; with the counts the list shows (in the same query)."""
    now = now or timezone.now()
    return (
        Bid.objects.visible_to(user)
        .select_related(*LIST_RELATED)
        .annotate(
            upcoming=ExpressionWrapper(Q(deadline__gt=now), output_field=BooleanField()),
            open_review=Count("review_items", filter=Q(review_items__checked_at__isnull=True), distinct=True),
            risks=Count("deviations", filter=Q(deviations__mandatory=True,
                                                deviations__deviation=Deviation.NEGATIVE), distinct=True),
        )
        .order_by("-upcoming", "deadline", "-pk")
    )


def deviation_stats(rows) -> dict[str, int]:
    stats = {"total": 0, "none": 0, "positive": 0, "negative": 0, "risks": 0, "unexplained": 0}
    for row in rows:
        stats["total"] += 1
        stats[row.deviation] += 1
        stats["risks"] += row.disqualification_risk
        stats["unexplained"] += row.missing_explanation
    return stats


def bid_detail_context(*, bid: Bid) -> dict:
    sections = defaultdict(list)
    for section in Section.objects.filter(bid=bid).select_related("owner").order_by("part", "position", "pk"):
        sections[section.part].append(section)
    deviations = list(DeviationRow.objects.filter(bid=bid).order_by("item_no", "pk"))
    review_items = list(ReviewItem.objects.filter(bid=bid).select_related("checked_by")
                        .order_by("group", "position", "pk"))
    groups = []
    for group in ReviewGroup:
        items = [i for i in review_items if i.group == group]
        groups.append({"group": group, "label": group.label, "items": items,
                       "checked": sum(i.is_checked for i in items)})
    part_progress = {}
    for part in (Part.BUSINESS, Part.TECHNICAL, Part.OTHER):
        items = sections.get(part, [])
        part_progress[part] = {"done": sum(s.done for s in items), "total": len(items)}
    return {
        "sections": {Part.BUSINESS: sections.get(Part.BUSINESS, []), Part.TECHNICAL: sections.get(Part.TECHNICAL, []),
                     Part.OTHER: sections.get(Part.OTHER, [])},
        "all_sections": [s for part in (Part.BUSINESS, Part.TECHNICAL, Part.OTHER) for s in sections.get(part, [])],
        "part_progress": part_progress,
        "milestones": list(Milestone.objects.filter(bid=bid).select_related("owner").order_by("due_at", "pk")),
        "meetings": list(Meeting.objects.filter(bid=bid).order_by("-held_at", "-pk")),
        "deviations": deviations,
        "deviation_stats": deviation_stats(deviations),
        "review_items": review_items,
        "review_groups": groups,
        "review_open": [i for i in review_items if not i.is_checked],
        "events": list(BidEvent.objects.filter(bid=bid).select_related("actor")[:30]),
    }


def progress_by_opportunity(opportunity_ids) -> dict[int, str]:
    """The bid progress of each opportunity, for the progress board, in one query:
    "won" (a bid won), else "preparing" (a bid is being prepared), else "submitted" (a bid awaits
    its result), else "lost" (bids lost or invalid), else "none" (no bid, or only withdrawn or
    cancelled ones)."""
    ids = list(opportunity_ids)
    progress = {pk: "none" for pk in ids}
    if not ids:
        return progress
    rank = {"none": 0, "lost": 1, "submitted": 2, "preparing": 3, "won": 4}
    for opportunity_id, status, result in Bid.objects.filter(opportunity_id__in=ids).values_list(
            "opportunity_id", "status", "result"):
        if result == Result.WON:
            state = "won"
        elif result in (Result.LOST, Result.INVALID):
            state = "lost"
        elif result == Result.CANCELLED or status == Status.WITHDRAWN:
            state = "none"
        elif status == Status.SUBMITTED:
            state = "submitted"
        else:
            state = "preparing"
        if rank[state] > rank[progress[opportunity_id]]:
            progress[opportunity_id] = state
    return progress


def page_bids(opportunity) -> list:
    """Every bid of the opportunity (by deadline) with the columns its page's panel prints: the
    panel's rows and the bid gates' (`gates`), one query for both on the opportunity's page
    (`on_page`). No scope: a bid is visible when its opportunity is."""
    from presales.opportunities.selectors import on_page

    from .models import Bid

    return on_page(opportunity, "bids", lambda: list(
        Bid.objects.filter(opportunity_id=opportunity.pk)
        .only("number", "project_name", "deadline", "status", "result")
        .order_by("deadline", "pk")
    ))
