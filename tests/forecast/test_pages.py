"""Pages: the model page and the traits page (managers, team leads, the committee), the
probability panel on the opportunity page, the badge on the board and the sortable list."""

import pytest
from django.urls import reverse

from presales.forecast import services
from presales.forecast.models import Prediction
from tests.factories.poc import make_opportunity
from tests.kit import assert_constant_queries, check_access, with_lazy_parts

pytestmark = pytest.mark.django_db

STEERING = ["manager", "lead_a", "committee"]
OTHERS = ["engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody"]


@pytest.mark.parametrize("name", ["forecast:model", "forecast:traits"])
def test_only_managers_leads_and_committee_see_the_pages(client, cast, committee, name):
    check_access(client, cast, reverse(name), permitted=STEERING, forbidden=OTHERS)


def test_without_enough_history_the_pages_say_how_many_more(client, cast, history, settings):
    settings.PRESALES_FORECAST_MIN_CLOSED = 40
    counts = history(20)
    missing = 40 - counts["won"] - counts["lost"]
    opp = make_opportunity(cast)
    client.force_login(cast.manager)
    page = client.get(reverse("forecast:model")).content.decode()
    assert 'data-testid="not-enough"' in page and f"{missing}" in page and 'data-testid="auc"' not in page
    panel = client.get(opp.get_absolute_url()).content.decode()
    assert 'data-testid="not-enough"' in panel and f"{missing}" in panel
    assert 'data-testid="probability"' not in panel


def test_model_page_shows_the_evaluation_and_the_estimates(client, cast, trained_small):
    model = trained_small
    client.force_login(cast.manager)
    page = client.get(reverse("forecast:model")).content.decode()
    assert (
        f"{model.auc:.3f}" in page and f"{model.brier:.4f}" in page and f"{model.baseline_brier:.4f}" in page
    )
    assert 'data-testid="calibration-chart"' in page and "vendor/echarts/echarts.min.js" in page
    assert 'id="calibration-data"' in page and str(model.sample_size) in page
    for opp in (cast.open_a, cast.secret_a, cast.open_b):
        assert opp.number in page


def test_a_team_lead_sees_only_the_estimates_of_the_opportunities_they_see(client, cast, trained_small):
    client.force_login(cast.lead_a)
    page = client.get(reverse("forecast:model")).content.decode()
    assert cast.open_a.number in page and cast.secret_a.number in page and cast.open_b.number not in page


def test_model_page_query_count_is_flat(client, cast, trained_small):
    client.force_login(cast.manager)

    def grow():
        for i in range(6):
            make_opportunity(cast, name=f"新增{i}", stage="discovery")
        services.predictions_refresh(model=trained_small)

    assert_constant_queries(client, reverse("forecast:model"), grow)


def test_traits_page_lists_trait_values_with_counts(client, cast, trained_small):
    client.force_login(cast.manager)
    response = client.get(reverse("forecast:traits"))
    page = response.content.decode()
    for code in ("industry", "size", "source", "early_involvement", "research_done", "poc_held"):
        assert f'data-trait="{code}"' in page
    assert 'id="traits-data"' in page and "chart-traits" in page
    overall = response.context["overall"]
    assert overall["closed"] == 120  # won, lost and abandoned
    for trait in response.context["traits"]:
        assert sum(v["closed"] for v in trait["values"]) == overall["closed"]
        assert sum(v["won"] for v in trait["values"]) == overall["won"]


def test_traits_page_query_count_is_flat(client, cast, trained_small, history):
    client.force_login(cast.manager)
    assert_constant_queries(client, reverse("forecast:traits"), lambda: history(30, seed=99))


def test_opportunity_page_shows_the_probability_and_its_factors(client, cast, trained_small):
    prediction = Prediction.objects.current().get(opportunity=cast.open_a)
    client.force_login(cast.engineer_a)  # an engineer who sees the opportunity
    page = client.get(cast.open_a.get_absolute_url()).content.decode()
    assert 'data-testid="win-probability"' in page
    assert f"{prediction.probability * 100:.0f}%" in page
    assert page.count("bi-arrow-up-circle") + page.count("bi-arrow-down-circle") == len(prediction.factors)
    assert reverse("forecast:model") not in page  # engineers do not see the model page link
    client.force_login(cast.engineer_b)
    assert client.get(cast.open_a.get_absolute_url()).status_code == 404


def test_a_new_opportunity_waits_for_the_nightly_estimate(client, cast, trained_small):
    fresh = make_opportunity(cast, name="刚建的商机")
    client.force_login(cast.engineer_a)
    page = client.get(fresh.get_absolute_url()).content.decode()
    assert 'data-testid="win-probability"' in page and 'data-testid="probability"' not in page


def test_list_sorts_by_probability_and_board_shows_it(client, cast, trained_small):
    client.force_login(cast.manager)
    response = client.get(reverse("opportunities:list"), {"sort": "probability"})
    rows = list(response.context["object_list"])
    estimated = [o.win_probability for o in rows if o.win_probability is not None]
    assert len(estimated) == 3 and estimated == sorted(estimated, reverse=True)
    assert rows[0].win_probability == max(estimated)
    assert 'data-testid="win-probability-badge"' in response.content.decode()
    board = with_lazy_parts(client, client.get(reverse("opportunities:board")).content.decode())
    assert board.count('data-testid="win-probability-badge"') == 3
