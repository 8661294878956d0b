"""Metrics read from opportunities: supported-project conversion, project success, follow-up
visits (the visits themselves are communication records of the customers app).

"The user's projects" are the opportunities where the user is the presales lead or a member of
the presales team. A person who is both is counted once: the member rows of an opportunity the
person also leads are left out of the second grouped query."""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce

from django.conf import settings
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value, When
from django.utils.translation import gettext as _

from ..base import MetricValue, SourceRecord, as_local_date
from ..period import Period, day_start


def _models():
    from presales.opportunities.models import Opportunity, StageEvent

    return Opportunity, StageEvent


def _closed_in(period: Period, prefix: str = "") -> Q:
    from presales.opportunities.choices import CLOSED_STAGES

    return Q(**{f"{prefix}stage__in": CLOSED_STAGES}, **period.datetime_q(f"{prefix}closed_at"))


def _agreement_exists(outer: str) -> Exists:
    """The opportunity reached an agreement to cooperate: it entered negotiation at some time."""
    from presales.opportunities.choices import Stage

    _, StageEvent = _models()
    return Exists(StageEvent.objects.filter(opportunity_id=OuterRef(outer), to_stage=Stage.NEGOTIATION))


def _bid_won_exists(outer: str):
    """A bid of the opportunity was won (中标), when the bids app records results."""
    from .bids import won_bid_exists

    return won_bid_exists(outer)


def _success_q(prefix: str, outer: str) -> Q:
    from presales.opportunities.choices import Stage

    q = Q(**{f"{prefix}stage": Stage.WON}) | Q(_agreement_exists(outer))
    won_bid = _bid_won_exists(outer)
    if won_bid is not None:
        q |= Q(won_bid)
    return q


def _participation_counts(
    user_ids: list[int], period: Period, numerator: Callable
) -> dict[int, tuple[int, int]]:
    """{user: (numerator, closed)} over the user's projects closed in the period: one grouped
    query for the projects led, one for the projects joined as a member (not also led)."""
    from presales.opportunities.models import Opportunity

    totals: dict[int, list[int]] = {}
    led = (
        Opportunity.objects.filter(_closed_in(period), presales_lead_id__in=user_ids)
        .values("presales_lead_id")
        .annotate(part=Count("pk", filter=numerator("", "pk")), whole=Count("pk"))
        .order_by()
    )
    for row in led:
        totals.setdefault(row["presales_lead_id"], [0, 0])
        totals[row["presales_lead_id"]][0] += row["part"]
        totals[row["presales_lead_id"]][1] += row["whole"]
    through = Opportunity.members.through
    joined = (
        through.objects.filter(_closed_in(period, "opportunity__"), user_id__in=user_ids)
        .exclude(opportunity__presales_lead_id=F("user_id"))
        .values("user_id")
        .annotate(part=Count("pk", filter=numerator("opportunity__", "opportunity_id")), whole=Count("pk"))
        .order_by()
    )
    for row in joined:
        totals.setdefault(row["user_id"], [0, 0])
        totals[row["user_id"]][0] += row["part"]
        totals[row["user_id"]][1] += row["whole"]
    return {pk: (part, whole) for pk, (part, whole) in totals.items()}


def _won_q(prefix: str, outer: str) -> Q:
    from presales.opportunities.choices import Stage

    return Q(**{f"{prefix}stage": Stage.WON})


def _my_closed(user, period: Period):
    from presales.opportunities.models import Opportunity

    member = Opportunity.members.through.objects.filter(opportunity_id=OuterRef("pk"), user_id=user.pk)
    return (
        Opportunity.objects.filter(_closed_in(period))
        .filter(Q(presales_lead_id=user.pk) | Q(Exists(member)))
        .select_related("customer")
        .order_by("closed_at", "pk")
    )


def _role(opportunity, user) -> str:
    return _("presales lead") if opportunity.presales_lead_id == user.pk else _("team member")


# --- conversion ------------------------------------------------------------------------------------


def conversion_compute(user_ids: list[int], period: Period) -> dict[int, MetricValue]:
    return {
        pk: MetricValue.rate(part, whole)
        for pk, (part, whole) in _participation_counts(user_ids, period, _won_q).items()
    }


def conversion_records(user, period: Period) -> list[SourceRecord]:
    from presales.opportunities.choices import Stage

    rows = []
    for o in _my_closed(user, period):
        won = o.stage == Stage.WON
        rows.append(
            SourceRecord(
                label=f"{o.number} {o.name}",
                date=as_local_date(o.closed_at),
                url=o.get_absolute_url(),
                numerator=1 if won else 0,
                denominator=1,
                note=f"{o.get_stage_display()} · {_role(o, user)} · {o.customer.name}",
                kind=_("opportunity"),
            )
        )
    return rows


# --- project success -------------------------------------------------------------------------------


def success_compute(user_ids: list[int], period: Period) -> dict[int, MetricValue]:
    return {
        pk: MetricValue.rate(part, whole)
        for pk, (part, whole) in _participation_counts(user_ids, period, _success_q).items()
    }


def success_records(user, period: Period) -> list[SourceRecord]:
    from presales.opportunities.choices import Stage

    qs = _my_closed(user, period).annotate(agreed=_agreement_exists("pk"))
    won_bid = _bid_won_exists("pk")
    if won_bid is not None:
        qs = qs.annotate(bid_won=won_bid)
    rows = []
    for o in qs:
        reasons = []
        if o.stage == Stage.WON:
            reasons.append(_("won"))
        if o.agreed:
            reasons.append(_("reached negotiation"))
        if getattr(o, "bid_won", False):
            reasons.append(_("bid won"))
        success = bool(reasons)
        note = ", ".join(reasons) if success else _("no agreement reached")
        rows.append(
            SourceRecord(
                label=f"{o.number} {o.name}",
                date=as_local_date(o.closed_at),
                url=o.get_absolute_url(),
                numerator=1 if success else 0,
                denominator=1,
                note=f"{o.get_stage_display()} · {note} · {_role(o, user)}",
                kind=_("opportunity"),
            )
        )
    return rows


# --- follow-up visits ------------------------------------------------------------------------------
#
# The seed asks for a follow-up visit (跟踪回访) every week for every active project. The period is
# cut into whole slots of PRESALES_FOLLOW_UP_DAYS days from its first day (a remainder shorter than
# a slot is not judged). A project of which the user is the presales lead expects one visit in
# every slot it was open for entirely (created before the slot began, not closed before it ended);
# a slot counts as done when at least one communication record of that project marked as a
# follow-up visit falls in it. Rate = slots done / slots expected. A second visit in the same slot
# does not make up for a missed one, and a visit to one project does not cover another.


def follow_up_slots(period: Period) -> list[tuple]:
    """[(since, until)] of the whole slots of the period (aware datetimes, until exclusive)."""
    from datetime import timedelta

    days = max(int(settings.PRESALES_FOLLOW_UP_DAYS), 1)
    return [
        (
            day_start(period.start + timedelta(days=k * days)),
            day_start(period.start + timedelta(days=(k + 1) * days)),
        )
        for k in range(period.days // days)
    ]


def _open_through(prefix: str, since, until) -> Q:
    return Q(**{f"{prefix}created_at__lte": since}) & (
        Q(**{f"{prefix}closed_at__isnull": True}) | Q(**{f"{prefix}closed_at__gte": until})
    )


def follow_up_compute(user_ids: list[int], period: Period) -> dict[int, MetricValue]:
    from presales.customers.models import CommunicationLog
    from presales.opportunities.models import Opportunity

    slots = follow_up_slots(period)
    if not slots:
        return {}
    first_since, last_until = slots[0][0], slots[-1][1]
    expected_expr = reduce(
        lambda a, b: a + b,
        [
            Case(When(_open_through("", s, u), then=Value(1)), default=Value(0), output_field=IntegerField())
            for s, u in slots
        ],
    )
    expected = {
        row["presales_lead_id"]: row["expected"] or 0
        for row in Opportunity.objects.filter(
            presales_lead_id__in=user_ids,
            created_at__lte=slots[-1][0],
        )
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=slots[0][1]))
        .values("presales_lead_id")
        .annotate(expected=Sum(expected_expr))
        .order_by()
    }
    # One key per (project, slot) with a visit in a slot the project owed one; counted distinct.
    width = len(slots) + 1
    slot_expr = Case(
        *[
            When(
                Q(occurred_at__gte=s, occurred_at__lt=u) & _open_through("opportunity__", s, u), then=Value(k)
            )
            for k, (s, u) in enumerate(slots)
        ],
        default=None,
        output_field=IntegerField(),
    )
    key = F("opportunity_id") * width + slot_expr
    done = {
        row["opportunity__presales_lead_id"]: row["done"]
        for row in CommunicationLog.objects.filter(
            is_follow_up=True,
            opportunity__presales_lead_id__in=user_ids,
            occurred_at__gte=first_since,
            occurred_at__lt=last_until,
        )
        .values("opportunity__presales_lead_id")
        .annotate(done=Count(key, distinct=True))
        .order_by()
    }
    return {pk: MetricValue.rate(done.get(pk, 0), n) for pk, n in expected.items()}


def follow_up_records(user, period: Period) -> list[SourceRecord]:
    from presales.customers.models import CommunicationLog
    from presales.opportunities.models import Opportunity

    slots = follow_up_slots(period)
    if not slots:
        return []
    projects = list(
        Opportunity.objects.filter(presales_lead_id=user.pk, created_at__lte=slots[-1][0])
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=slots[0][1]))
        .select_related("customer")
        .order_by("created_at", "pk")
    )
    logs = list(
        CommunicationLog.objects.filter(
            is_follow_up=True,
            opportunity__in=[p.pk for p in projects],
            occurred_at__gte=slots[0][0],
            occurred_at__lt=slots[-1][1],
        )
        .select_related("customer")
        .order_by("occurred_at", "pk")
    )

    def owed(p, s, u) -> bool:
        return p.created_at <= s and (p.closed_at is None or p.closed_at >= u)

    by_pk = {p.pk: p for p in projects}
    covered: set[tuple[int, int]] = set()
    rows = []
    for log in logs:
        p = by_pk[log.opportunity_id]
        k = next(i for i, (s, u) in enumerate(slots) if s <= log.occurred_at < u)
        if not owed(p, *slots[k]):
            counted, note = 0, _("the project did not owe a visit in this slot")
        elif (p.pk, k) in covered:
            counted, note = 0, _("this slot already had a visit")
        else:
            covered.add((p.pk, k))
            counted, note = 1, _("slot %(n)d covered") % {"n": k + 1}
        rows.append(
            SourceRecord(
                label=f"{log.subject} ({p.number})",
                date=as_local_date(log.occurred_at),
                url=log.get_absolute_url(),
                numerator=counted,
                denominator=None,
                note=note,
                kind=_("follow-up visit"),
            )
        )
    for p in projects:
        expected = sum(1 for s, u in slots if owed(p, s, u))
        if not expected:
            continue
        done = sum(1 for (pk, _k) in covered if pk == p.pk)
        rows.append(
            SourceRecord(
                label=f"{p.number} {p.name}",
                date=as_local_date(max(p.created_at, slots[0][0])),
                url=p.get_absolute_url(),
                numerator=None,
                denominator=expected,
                note=_("%(done)d of %(expected)d slots with a follow-up visit")
                % {"done": done, "expected": expected},
                kind=_("opportunity"),
            )
        )
    return rows
