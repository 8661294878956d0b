"""Bid test data, built through the services (numbers, default sections and checklist)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from presales.bids import services
from presales.bids.models import Bid

from .poc import make_opportunity

__all__ = ["make_opportunity", "make_bid", "ready_bid", "submitted_bid"]


def make_bid(cast, *, opportunity=None, actor=None, now=None, **fields) -> Bid:
    opportunity = opportunity or make_opportunity(cast, members=[cast.engineer_a2])
    actor = actor or cast.engineer_a
    data = {"issuer": "华东电网物资公司", "project_name": "储能电站BMS采购项目", "tender_number": "ZB-2026-0088",
            "deadline": (now or timezone.now()) + timedelta(days=10), "time_zone": "Asia/Shanghai",
            "business_owner": cast.engineer_a2, "technical_owner": cast.engineer_a}
    data.update(fields)
    return services.bid_create(actor=actor, opportunity=opportunity, now=now, **data)


def ready_bid(cast, **kwargs) -> Bid:
    """A bid whose review checklist is all ticked and whose deviation table is explained."""
    bid = make_bid(cast, **kwargs)
    services.deviation_create(actor=cast.engineer_a, bid=bid, item_no=1, requirement="★支持-20°C低温运行",
                              mandatory=True, response="支持-30°C", deviation="positive", explanation="优于要求")
    for item in bid.review_items.all():
        services.review_item_update(actor=cast.engineer_a, item=item, checked=True)
    bid.refresh_from_db()
    return bid


def submitted_bid(cast, **kwargs) -> Bid:
    bid = ready_bid(cast, **kwargs)
    return services.bid_submit(actor=cast.engineer_a, bid=bid, method="in_person")
