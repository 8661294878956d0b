"""The demo builder: demos in every state through the services, gate-holding ones only on
opportunities before the bid stage."""

import random

import pytest

from presales.customers.models import FeedbackItem
from presales.demos import demo
from presales.demos.models import Demo, DemoQuestion
from tests.factories.demos import make_opportunity

pytestmark = pytest.mark.django_db


def test_build_makes_demos_in_every_state(cast):
    opportunities = [make_opportunity(cast, name=f"项目{i}", stage="demo_poc" if i < 4 else "bid") for i in range(8)]
    counts = demo.build(random.Random(7), opportunities, list(cast.users().values()))
    assert counts["demos"] == 8 and counts["questions"] == DemoQuestion.objects.count() > 0
    assert set(Demo.objects.values_list("status", flat=True)) == {
        "planned", "prepared", "delivered", "summarised", "cancelled"}
    for held in Demo.objects.filter(status="delivered"):
        assert held.opportunity.stage == "demo_poc"
    open_questions = DemoQuestion.objects.filter(status="open")
    assert FeedbackItem.objects.filter(source="demo").count() == open_questions.count() > 0
    assert all(d.summary_document_id for d in Demo.objects.filter(status="summarised"))


def test_build_skips_closed_and_leaderless_opportunities(cast):
    usable = make_opportunity(cast)
    closed = make_opportunity(cast, stage="won")
    leaderless = make_opportunity(cast)
    leaderless.presales_lead = None
    leaderless.save()
    assert demo.build(random.Random(1), [closed, leaderless, usable], [])["demos"] == 1
    assert Demo.objects.get().opportunity == usable
