import pytest

from tests.factories.poc import make_opportunity, make_poc, running_poc


@pytest.fixture
def opportunity(cast):
    return make_opportunity(cast, members=[cast.engineer_a2])


@pytest.fixture
def poc(cast, opportunity):
    return make_poc(cast, opportunity=opportunity)


@pytest.fixture
def running(cast, opportunity):
    return running_poc(cast, opportunity=opportunity)


# Who may do what on a POC of team A whose opportunity is led by engineer_a, with sales_a as the
# sales owner and engineer_a2 as a presales member (see presales.poc.permissions).
WORKERS = ["manager", "lead_a", "engineer_a", "engineer_a2"]
STEERS = ["manager", "lead_a", "engineer_a"]
REPORTERS = [*WORKERS, "sales_a"]
VISIBLE = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a"]
HIDDEN = ["engineer_b", "nobody"]


def others(*groups):
    allowed = set().union(*groups)
    return [n for n in VISIBLE if n not in allowed]
