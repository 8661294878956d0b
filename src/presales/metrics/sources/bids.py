"""Bids (投标): the bid win rate.

The person's bids are the bids where they are the opportunity's presales lead, the solution
architect who writes the technical part, or the business specialist who writes the business part
(each bid counted once per person). Decided = a result was recorded in the period: won (中标),
lost (未中标) or invalid (废标, our bid rejected). A cancelled tender (流标) decides nothing about
us and is left out. Rate = won ÷ decided."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..base import MetricValue, SourceRecord, as_local_date
from ..period import Period
from ._count import count_subquery

DESCRIPTION = gettext_lazy(
    "The bids in which the person is the opportunity's presales lead, the solution architect (technical "
    "part) "
    "or the business specialist (business part) and whose result was recorded in the period: the share won. "
    "Won, lost and invalid bids are decided; a cancelled tender is left out. Formula: won ÷ decided × 100%."
)
REQUIRES: tuple = (("bids.Bid", ("opportunity", "technical_owner", "business_owner", "result", "result_at")),)


def _available() -> bool:
    from ..registry import is_available

    return is_available("bid_win_rate")


def _decided(period: Period) -> Q:
    from presales.bids.choices import Result

    return Q(result__in=[Result.WON, Result.LOST, Result.INVALID], **period.datetime_q("result_at"))


def _mine(user_ref) -> Q:
    return (
        Q(opportunity__presales_lead_id=user_ref)
        | Q(technical_owner_id=user_ref)
        | Q(business_owner_id=user_ref)
    )


def compute(user_ids: list[int], period: Period) -> dict[int, MetricValue]:
    from presales.bids.choices import Result
    from presales.bids.models import Bid

    mine = Bid.objects.filter(_decided(period)).filter(_mine(OuterRef("pk")))
    rows = (
        get_user_model()
        .objects.filter(pk__in=user_ids)
        .annotate(decided=count_subquery(mine), won=count_subquery(mine.filter(result=Result.WON)))
        .filter(decided__gt=0)
        .values("pk", "decided", "won")
    )
    return {row["pk"]: MetricValue.rate(row["won"], row["decided"]) for row in rows}


def records(user, period: Period) -> list[SourceRecord]:
    from presales.bids.choices import Result
    from presales.bids.models import Bid

    qs = Bid.objects.filter(_decided(period)).filter(_mine(user.pk)).select_related("opportunity")
    rows = []
    for b in qs:
        roles = []
        if b.opportunity.presales_lead_id == user.pk:
            roles.append(_("presales lead"))
        if b.technical_owner_id == user.pk:
            roles.append(_("technical part"))
        if b.business_owner_id == user.pk:
            roles.append(_("business part"))
        note = b.get_result_display()
        if b.our_rank:
            note = _("%(result)s, ranked %(rank)d") % {"result": note, "rank": b.our_rank}
        rows.append(
            SourceRecord(
                label=f"{b.number} {b.project_name}",
                date=as_local_date(b.result_at),
                url=b.get_absolute_url(),
                numerator=1 if b.result == Result.WON else 0,
                denominator=1,
                note=f"{note} · {', '.join(roles)}",
                kind=_("bid"),
            )
        )
    return rows


def compute_fn():
    return compute


def records_fn():
    return records


def won_bid_exists(outer: str):
    """Exists(a won bid of the opportunity OuterRef(outer)), or None while the bids app cannot
    tell (not installed, or without results)."""
    if not _available():
        return None
    from django.db.models import Exists

    from presales.bids.choices import Result
    from presales.bids.models import Bid

    return Exists(Bid.objects.filter(opportunity_id=OuterRef(outer), result=Result.WON))
