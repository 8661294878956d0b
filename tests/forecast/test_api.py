"""The API: model versions (managers, leads, committee), estimates filterable by opportunity
within the caller's scope, the weighted pipeline, the traits; bad input gets field errors."""

from decimal import Decimal

import pytest
from django.urls import reverse

from presales.forecast.models import Prediction
from presales.forecast.selectors import weighted_pipeline
from presales.opportunities.models import Opportunity
from tests.kit import assert_constant_queries, check_access

pytestmark = pytest.mark.django_db

STEERING = ["manager", "lead_a", "committee"]
OTHERS = ["engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody"]
EVERYONE = [*STEERING, *OTHERS]


def test_model_endpoints(client, cast, trained_small):
    model = trained_small
    check_access(client, cast, reverse("forecast-model-list"), permitted=STEERING, forbidden=OTHERS, api=True)
    check_access(
        client,
        cast,
        reverse("forecast-model-detail", args=[model.pk]),
        permitted=STEERING,
        forbidden=OTHERS,
        api=True,
    )
    client.force_login(cast.committee)
    data = client.get(reverse("forecast-model-detail", args=[model.pk])).json()
    assert data["version"] == 1 and data["auc"] == pytest.approx(model.auc)
    assert data["brier"] < data["baseline_brier"] and data["calibration"] and data["params"]["coef"]


def test_predictions_are_scoped_and_filterable_by_opportunity(client, cast, trained_small):
    url = reverse("forecast-prediction-list")
    check_access(client, cast, url, permitted=EVERYONE, api=True)
    detail = reverse(
        "forecast-prediction-detail", args=[Prediction.objects.get(opportunity=cast.secret_a).pk]
    )
    check_access(
        client,
        cast,
        detail,
        permitted=["manager", "lead_a", "engineer_a2", "sales_a"],
        hidden=["engineer_a", "engineer_b", "nobody", "committee"],
        api=True,
    )
    client.force_login(cast.engineer_a)
    seen = {row["opportunity"] for row in client.get(url).json()["results"]}
    assert seen == {cast.open_a.pk}  # not the confidential one, not team B's
    one = client.get(url, {"opportunity": cast.open_a.pk}).json()["results"]
    assert len(one) == 1 and 0 < one[0]["win_probability"] < 1 and one[0]["model_version"] == 1
    assert 3 <= len(one[0]["factors"]) <= 5 and {"label", "value_label", "contribution"} <= set(
        one[0]["factors"][0]
    )
    assert client.get(url, {"opportunity": cast.open_b.pk}).json()["results"] == []
    bad = client.get(url, {"opportunity": "abc"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400 and "opportunity" in str(bad.json())


def test_predictions_query_count_is_flat(client, cast, trained_small):
    from presales.forecast import services
    from tests.factories.poc import make_opportunity

    client.force_login(cast.manager)

    def grow():
        for i in range(5):
            make_opportunity(cast, name=f"新增{i}")
        services.predictions_refresh(model=trained_small)

    assert_constant_queries(client, reverse("forecast-prediction-list"), grow, api=True)


def test_weighted_pipeline(client, cast, trained_small):
    Opportunity.objects.filter(pk__in=[cast.open_a.pk, cast.open_b.pk, cast.secret_a.pk]).update(
        estimated_amount=Decimal("1000000")
    )
    p = {x.opportunity_id: x.probability for x in Prediction.objects.current()}
    mine = weighted_pipeline(cast.manager)
    bid = next(s for s in mine["stages"] if s["stage"] == "bid")
    assert bid["count"] == 1 and bid["estimated"] == 1
    assert bid["weighted_amount"] == Decimal(1000000 * p[cast.open_a.pk]).quantize(Decimal("0.01"))
    assert mine["estimated"] == 3
    assert weighted_pipeline(cast.manager, team=cast.team_b)["count"] == 1
    assert weighted_pipeline(cast.engineer_a)["count"] == 1  # only what they see
    url = reverse("forecast-pipeline-list")
    check_access(client, cast, url, permitted=EVERYONE, api=True)
    client.force_login(cast.manager)
    data = client.get(url, {"team": cast.team_a.pk}).json()
    assert data["count"] == 2 and data["model_version"] == 1
    bad = client.get(url, {"team": "x"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400 and "team" in str(bad.json())


def test_traits_endpoint(client, cast, trained_small):
    url = reverse("forecast-traits-list")
    check_access(client, cast, url, permitted=STEERING, forbidden=OTHERS, api=True)
    client.force_login(cast.manager)
    data = client.get(url).json()
    assert data["overall"]["closed"] == 120
    assert [t["code"] for t in data["traits"]] == [
        "industry",
        "size",
        "source",
        "early_involvement",
        "research_done",
        "poc_held",
    ]
    early = {v["value"]: v for v in data["traits"][3]["values"]}
    assert early[True]["win_rate"] > early[False]["win_rate"]  # the generator favours early involvement
    assert early[True]["lift"] > 1 > early[False]["lift"]


def test_the_dashboard_pipeline_shows_the_weighted_amounts(cast, trained_small):
    """The manager dashboard's pipeline panel reads its counts, amounts and weighted amounts from
    `weighted_pipeline` (one source for both pages)."""
    from django.utils import timezone

    from presales.insights import dashboard
    from presales.opportunities import board_totals

    Opportunity.objects.filter(pk__in=[cast.open_a.pk, cast.open_b.pk]).update(estimated_amount=Decimal("1000000"))
    board_totals.rebuild()  # the bulk UPDATE bypasses the kept totals a manager's pipeline reads
    p = {x.opportunity_id: x.probability for x in Prediction.objects.current()}
    today = timezone.localdate()
    for team in (None, cast.team_a):
        scope = dashboard.Scope(user=cast.manager, start=today, end=today, team=team)
        panel = dashboard.pipeline(scope)
        expected = {s["stage"]: s for s in weighted_pipeline(cast.manager, team=team)["stages"]}
        assert panel["weighted"] is True
        for row in panel["rows"]:
            assert (row["count"], row["amount"], row["weighted"]) == (
                expected[row["stage"]]["count"], expected[row["stage"]]["amount"],
                expected[row["stage"]]["weighted_amount"])
    bid = next(r for r in dashboard.pipeline(dashboard.Scope(user=cast.manager, start=today, end=today, team=None))["rows"]
               if r["stage"] == "bid")
    assert bid["weighted"] == Decimal(1000000 * p[cast.open_a.pk]).quantize(Decimal("0.01"))
