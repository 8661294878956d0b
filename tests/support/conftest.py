import pytest

from tests.factories import CustomerFactory
from tests.factories.support import OpportunityFactory, submit


@pytest.fixture
def customer(cast):
    """Team A's customer: engineer_a is its presales owner, sales_a its sales owner."""
    return CustomerFactory(
        presales_owner=cast.engineer_a, sales_owner=cast.sales_a, name="苏州新能储能科技有限公司"
    )


@pytest.fixture
def opportunity(customer):
    return OpportunityFactory(customer=customer, name="储能BMS平台")


@pytest.fixture
def new_request(cast, customer, opportunity):
    return submit(actor=cast.sales_a, customer=customer, opportunity=opportunity)


@pytest.fixture
def assigned_request(cast, new_request):
    from presales.support.services import support_request_assign

    return support_request_assign(actor=cast.lead_a, support_request=new_request, assignee=cast.engineer_a)


@pytest.fixture
def in_progress_request(cast, assigned_request):
    from presales.support.services import support_request_respond

    return support_request_respond(
        actor=cast.engineer_a, support_request=assigned_request, note="已与销售沟通，明天上门"
    )
