import pytest

# the browser journey uses the same Chromium setup as tests/browser
from tests.browser.conftest import browser_context_args, browser_type_launch_args, roles  # noqa: F401
from tests.factories.appraisal import make_committee, make_scheme, running_cycle


@pytest.fixture
def committee(cast):
    return make_committee(team=cast.team_b, username="committee", display_name="考核组")


@pytest.fixture
def scheme(db):
    return make_scheme()


@pytest.fixture
def cycle(cast, committee, scheme):
    return running_cycle(cast, committee=committee, scheme=scheme)


@pytest.fixture
def appraisal(cycle, cast):
    return cycle.appraisals.get(employee=cast.engineer_a)
