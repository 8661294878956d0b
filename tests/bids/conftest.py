import pytest

from tests.factories.bids import make_bid, make_opportunity, ready_bid


@pytest.fixture
def opportunity(cast):
    return make_opportunity(cast, members=[cast.engineer_a2])


@pytest.fixture
def bid(cast, opportunity):
    return make_bid(cast, opportunity=opportunity)


@pytest.fixture
def ready(cast, opportunity):
    return ready_bid(cast, opportunity=opportunity)


# A bid of team A whose opportunity is led by engineer_a (also the solution architect), with
# sales_a as the sales owner and engineer_a2 as a presales member and business specialist.
WORKERS = ["manager", "lead_a", "engineer_a", "engineer_a2"]
STEERS = ["manager", "lead_a", "engineer_a"]
VISIBLE = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a"]
HIDDEN = ["engineer_b", "nobody"]


def others(*groups):
    allowed = set().union(*groups)
    return [n for n in VISIBLE if n not in allowed]


@pytest.fixture(autouse=True)
def _english():
    """The service messages are asserted in English (the UI default is Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield
