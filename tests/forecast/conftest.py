import random
from datetime import timedelta

import pytest
from django.utils import timezone

from presales.forecast.demo import add_history
from tests.factories.customers import CustomerFactory


def customers_of(cast, n=4):
    """Customers of team A (engineer_a / sales_a) and team B, in two industries."""
    from tests.factories.accounts import make_user

    sales_b = make_user("sales", team=cast.team_b, username="sales_b")
    made = []
    for i in range(n):
        if i % 2 == 0:
            made.append(CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a, team=cast.team_a,
                                        industry="energy_storage" if i % 4 == 0 else "robotics"))
        else:
            made.append(CustomerFactory(presales_owner=cast.engineer_b, sales_owner=sales_b, team=cast.team_b,
                                        industry="government"))
    return made


@pytest.fixture
def history(cast):
    """A generated closed history whose outcomes depend on the recorded features (the demo
    generator), over customers of both teams."""
    customers = customers_of(cast)
    return lambda count, seed=11: add_history(
        random.Random(seed), customers=customers, count=count, now=timezone.now() - timedelta(hours=1)
    )
