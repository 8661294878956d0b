import pytest

from tests.factories.demos import make_demo, make_opportunity


@pytest.fixture
def opportunity(cast):
    return make_opportunity(cast, members=[cast.engineer_a2])


@pytest.fixture
def demo(cast, opportunity):
    return make_demo(cast, opportunity=opportunity)


# Who may do what on a demo of team A whose opportunity is led by engineer_a, with sales_a as the
# sales owner and engineer_a2 as a presales member (see presales.demos.permissions).
WORKERS = ["manager", "lead_a", "engineer_a", "engineer_a2"]
STEERS = ["manager", "lead_a", "engineer_a"]
QUESTIONERS = [*WORKERS, "sales_a"]
VISIBLE = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a"]
HIDDEN = ["engineer_b", "nobody"]


def others(*groups):
    allowed = set().union(*groups)
    return [n for n in VISIBLE if n not in allowed]
