import pytest

from tests.factories.discovery import make_opportunity, make_plan


@pytest.fixture
def opportunity(cast):
    return make_opportunity(cast)


@pytest.fixture
def plan(cast, opportunity):
    return make_plan(cast, opportunity)


# Who may do what on the research of a team-A opportunity led by engineer_a, with sales_a as the
# sales owner and engineer_a2 as a presales member (see presales.discovery.permissions).
RESEARCHERS = ["manager", "lead_a", "engineer_a", "engineer_a2"]
CONFIRMERS = [*RESEARCHERS, "sales_a"]
VISIBLE = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a"]
HIDDEN = ["engineer_b", "nobody"]
