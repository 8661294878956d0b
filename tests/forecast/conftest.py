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
            made.append(
                CustomerFactory(
                    presales_owner=cast.engineer_a,
                    sales_owner=cast.sales_a,
                    team=cast.team_a,
                    industry="energy_storage" if i % 4 == 0 else "robotics",
                )
            )
        else:
            made.append(
                CustomerFactory(
                    presales_owner=cast.engineer_b,
                    sales_owner=sales_b,
                    team=cast.team_b,
                    industry="government",
                )
            )
    return made


@pytest.fixture
def history(cast):
    """A generated closed history whose outcomes depend on the recorded features (the demo
    generator), over customers of both teams."""
    customers = customers_of(cast)
    return lambda count, seed=11: add_history(
        random.Random(seed), customers=customers, count=count, now=timezone.now() - timedelta(hours=1)
    )


@pytest.fixture
def committee(cast):
    from tests.factories.accounts import make_user

    cast.committee = make_user("committee", team=cast.team_b, username="committee", display_name="考核组")
    return cast.committee


@pytest.fixture
def trained_small(cast, history, settings, committee):
    """A model trained on 120 generated closed opportunities, and open opportunities of team A
    (one confidential, led by engineer_a2) and of team B, all estimated."""
    from presales.forecast import services
    from tests.factories.poc import make_opportunity

    settings.PRESALES_FORECAST_MIN_CLOSED = 40
    history(120)
    cast.open_a = make_opportunity(cast, name="华东储能项目", stage="bid")
    cast.secret_a = make_opportunity(
        cast, name="保密项目", stage="solution", confidential=True, lead=cast.engineer_a2
    )
    cast.open_b = make_opportunity(
        cast, name="华南项目", stage="demo_poc", team=cast.team_b, lead=cast.engineer_b
    )
    return services.win_model_train(actor=cast.manager)
