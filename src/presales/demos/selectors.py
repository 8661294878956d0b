"""Every read of demos, starting from `Demo.objects.visible_to(user)`; constant query counts."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When
from django.utils import timezone

from .choices import OPEN_STATUSES, Progress, QuestionStatus, Status
from .models import Demo, DemoAttendee, DemoMaterial, DemoQuestion


def upcoming_first(queryset, *, now=None):
    """Upcoming demos (planned or prepared, not yet due) first, soonest first; then every other
    demo, latest first."""
    now = now or timezone.now()
    upcoming = Q(status__in=OPEN_STATUSES, planned_at__gte=now)
    return queryset.annotate(
        upcoming_rank=Case(When(upcoming, then=Value(0)), default=Value(1), output_field=IntegerField()),
        is_overdue=Case(
            When(Q(status__in=OPEN_STATUSES, planned_at__lt=now), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    ).order_by(
        "upcoming_rank", Case(When(upcoming, then=F("planned_at"))).asc(nulls_last=True), "-planned_at", "-pk"
    )


def demo_list(*, user):
    """The demos of the opportunities the user may see, for the list page and the API."""
    return upcoming_first(
        Demo.objects.visible_to(user)
        .select_related("opportunity", "customer")
        .prefetch_related("presenters")
        .annotate(
            open_questions=Count("questions", filter=Q(questions__status=QuestionStatus.OPEN), distinct=True)
        )
    )


def demo_detail_context(*, demo: Demo) -> dict:
    """The records shown on a demo's page (a fixed number of queries)."""
    from .workflow import delivery_missing, preparation_missing

    materials = list(
        DemoMaterial.objects.filter(demo=demo).select_related("document").order_by("position", "pk")
    )
    attendees = list(
        DemoAttendee.objects.filter(demo=demo).select_related("contact", "user").order_by("side", "pk")
    )
    questions = list(
        DemoQuestion.objects.filter(demo=demo)
        .select_related("feedback_item", "asked_by_contact")
        .order_by("pk")
    )
    events = list(demo.events.select_related("actor").order_by("at", "pk"))
    required = [m for m in materials if m.required]
    open_items = preparation_missing(demo) if demo.status == Status.PLANNED else []
    return {
        "materials": materials,
        "materials_ready": sum(1 for m in required if m.ready),
        "materials_required": len(required),
        "attendees_ours": [a for a in attendees if a.side == "ours"],
        "attendees_customer": [a for a in attendees if a.side == "customer"],
        "questions": questions,
        "open_questions": sum(1 for q in questions if q.status == QuestionStatus.OPEN),
        "events": events,
        "preparation_open_items": open_items,
        "delivery_open_items": delivery_missing(demo) if demo.status == Status.PREPARED else [],
    }


def progress_by_opportunity(opportunity_ids: Iterable[int]) -> dict[int, str]:
    """Each opportunity's demo progress, in one query: "delivered" when a delivered demo awaits
    its summary, else "preparing" when a demo is planned or prepared, else "summarised" when a
    demo was summarised, else "none" (no demo, or only cancelled ones)."""
    ids = [int(i) for i in opportunity_ids]
    result = dict.fromkeys(ids, Progress.NONE.value)
    if not ids:
        return result
    rows = (
        Demo.objects.filter(opportunity_id__in=ids)
        .values("opportunity_id")
        .annotate(
            preparing=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            delivered=Count("pk", filter=Q(status=Status.DELIVERED)),
            summarised=Count("pk", filter=Q(status=Status.SUMMARISED)),
        )
        .order_by()
    )
    for row in rows:
        if row["delivered"]:
            value = Progress.DELIVERED
        elif row["preparing"]:
            value = Progress.PREPARING
        elif row["summarised"]:
            value = Progress.SUMMARISED
        else:
            value = Progress.NONE
        result[row["opportunity_id"]] = value.value
    return result


def opportunity_demos(*, user, opportunity) -> list[Demo]:
    return list(
        Demo.objects.visible_to(user).filter(opportunity_id=opportunity.pk).order_by("-planned_at", "-pk")
    )


def panel_demos(*, user, opportunity) -> list[Demo]:
    """`opportunity_demos` (same rows, same order) with the columns the opportunity page's panel
    prints. A demo is visible when its opportunity is: on the page, which read the opportunity in
    the user's scope, there is no scope to apply."""
    from presales.opportunities.selectors import read_in_scope

    if read_in_scope(opportunity, user):
        return page_demos(opportunity)  # the rows the page's demo gate read, if it ran
    return _panel_rows(Demo.objects.visible_to(user), opportunity)


def page_demos(opportunity) -> list[Demo]:
    """Every demo of the opportunity as its page's panel prints them: the panel's rows and the
    demo gate's (`gates.unsettled_demos`), one query for both on the opportunity's page
    (`on_page`). No scope: a demo is visible when its opportunity is."""
    from presales.opportunities.selectors import on_page

    return on_page(opportunity, "demos", lambda: _panel_rows(Demo.objects.all(), opportunity))


def _panel_rows(queryset, opportunity) -> list[Demo]:
    return list(
        queryset.filter(opportunity_id=opportunity.pk).only("title", "planned_at", "status")
        .order_by("-planned_at", "-pk")
    )


def prefetch_presenters():
    from presales.accounts.models import User

    return Prefetch("presenters", queryset=User.objects.order_by("pk"))


def status_counts(*, user) -> list[dict]:
    """How many visible demos are in each status, plus those whose date passed while still open
    (one query), for the strip above the list."""
    now = timezone.now()
    row = Demo.objects.visible_to(user).aggregate(
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, planned_at__lt=now)),
        **{s.value: Count("pk", filter=Q(status=s.value)) for s in Status},
    )
    counts = [{"status": s.value, "label": s.label, "count": row[s.value]} for s in Status]
    return [*counts, {"status": "overdue", "label": None, "count": row["overdue"]}]
