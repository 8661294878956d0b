import pytest

from presales.accounts.choices import RoleCode
from tests.factories import CustomerFactory, TeamFactory, make_user
from tests.factories.documents import make_document
from tests.factories.opportunities import OpportunityFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Real files in a throw-away media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def head(db):
    """The department head: decides the first step of any document, and the final one as leader."""
    return make_user(
        RoleCode.DEPARTMENT_HEAD, team=TeamFactory(name="售前管理部"), username="head", display_name="周总监"
    )


@pytest.fixture
def customer(cast):
    """Team A's customer: engineer_a is its presales owner, sales_a its sales owner."""
    return CustomerFactory(
        presales_owner=cast.engineer_a, sales_owner=cast.sales_a, name="苏州新能储能科技有限公司"
    )


@pytest.fixture
def opportunity(cast, customer):
    """Team A's project led by engineer_a (engineer_a2 is in team A but not on the project)."""
    return OpportunityFactory(customer=customer, name="储能BMS数据平台", presales_lead=cast.engineer_a)


@pytest.fixture
def document(cast, opportunity):
    """A project-team solution document, a draft by engineer_a."""
    return make_document(author=cast.engineer_a, opportunity=opportunity, title="储能BMS解决方案")
