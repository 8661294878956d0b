"""The demo builder: POCs in every state, in the seed's four industries, through the services."""

import random

import pytest

from presales.poc import demo
from presales.poc.models import Measurement, Poc, PostMortem
from tests.factories.poc import make_opportunity

pytestmark = pytest.mark.django_db


def test_build_makes_pocs_in_every_state_and_industry(cast):
    opportunities = [make_opportunity(cast, name=f"项目{i}") for i in range(8)]
    counts = demo.build(random.Random(7), opportunities, list(cast.users().values()))
    assert counts["pocs"] == 8 and counts["measurements"] == Measurement.objects.count() > 0
    assert set(Poc.objects.values_list("status", flat=True)) == {
        "draft", "ready", "running", "evaluating", "passed", "failed", "abandoned"}
    assert set(Poc.objects.values_list("industry", flat=True)) == {
        "energy_storage", "robotics", "new_materials", "low_altitude"}
    assert set(Poc.objects.filter(status="passed").values_list("verdict", flat=True)) == {"passed", "excellent"}
    assert PostMortem.objects.count() == 2  # the failed and the abandoned one


def test_build_skips_closed_and_leaderless_opportunities(cast):
    usable = make_opportunity(cast)
    closed = make_opportunity(cast, stage="won")
    leaderless = make_opportunity(cast)
    leaderless.presales_lead = None
    leaderless.save()
    assert demo.build(random.Random(1), [closed, leaderless, usable], [])["pocs"] == 1
    assert Poc.objects.get().opportunity == usable
