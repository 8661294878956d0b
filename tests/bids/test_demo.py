"""The demo builder: bids in every state, through the services."""

import random

import pytest

from presales.bids import demo
from presales.bids.models import Bid, DeviationRow
from tests.factories.bids import make_opportunity

pytestmark = pytest.mark.django_db


def test_build_makes_bids_in_every_state(cast):
    opportunities = [make_opportunity(cast, name=f"项目{i}", members=[cast.engineer_a2]) for i in range(len(demo.PLAN))]
    counts = demo.build(random.Random(3), opportunities, list(cast.users().values()))
    assert counts["bids"] == len(demo.PLAN) and counts["deviation_rows"] == DeviationRow.objects.count() > 0
    assert set(Bid.objects.values_list("status", flat=True)) == {"preparing", "submitted", "withdrawn"}
    assert set(Bid.objects.values_list("result", flat=True)) == {"", "won", "lost", "invalid", "cancelled"}
    assert Bid.objects.exclude(receipt_number="").count() == 4
    assert any(r.disqualification_risk for r in DeviationRow.objects.all())
    assert Bid.objects.filter(time_zone="America/New_York").exists()


def test_build_skips_closed_and_leaderless_opportunities(cast):
    usable = make_opportunity(cast)
    closed = make_opportunity(cast, stage="won")
    leaderless = make_opportunity(cast)
    leaderless.presales_lead = None
    leaderless.save()
    assert demo.build(random.Random(1), [closed, leaderless, usable], [])["bids"] == 1
    assert Bid.objects.get().opportunity == usable
