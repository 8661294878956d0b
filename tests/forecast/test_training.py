"""Training: refused below the threshold; on a history whose outcomes depend on the features the
model beats the constant baseline on a holdout that is strictly later and never used in the fit;
every open opportunity is estimated; the command and the periodic job call the same service."""

import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from presales.core.errors import DomainError
from presales.forecast import learning, services
from presales.forecast.conf import BEAT_SCHEDULE
from presales.forecast.features import FEATURES
from presales.forecast.models import Prediction, WinModel
from presales.forecast.tasks import train_win_model
from presales.opportunities.models import Opportunity
from tests.factories.poc import make_opportunity

pytestmark = pytest.mark.django_db


def test_below_the_threshold_training_is_refused_with_how_many_more(cast, history, settings):
    settings.PRESALES_FORECAST_MIN_CLOSED = 40
    counts = history(30)
    have = counts["won"] + counts["lost"]
    assert have < 40
    with pytest.raises(DomainError) as refused:
        services.win_model_train()
    assert refused.value.code == "not_enough_history"
    assert f"{40 - have}" in str(refused.value.message) and f"{have}" in str(refused.value.message)
    assert not WinModel.objects.exists() and not Prediction.objects.exists()
    with pytest.raises(CommandError, match=str(40 - have)):
        call_command("train_win_model", stdout=StringIO())
    assert train_win_model.delay().get() == {
        "trained": False,
        "code": "not_enough_history",
        "message": str(refused.value.message),
    }
    assert not WinModel.objects.exists()


def test_abandoned_opportunities_are_left_out(cast, history, settings):
    settings.PRESALES_FORECAST_MIN_CLOSED = 10
    counts = history(40)
    assert services.training_status()["have"] == counts["won"] + counts["lost"] < Opportunity.objects.count()


@pytest.fixture
def trained(cast, history, settings):
    settings.PRESALES_FORECAST_MIN_CLOSED = 40
    counts = history(400)
    open_ones = [
        make_opportunity(cast, name=f"在谈项目{i}", stage=stage)
        for i, stage in enumerate(["lead", "solution", "bid", "negotiation"])
    ]
    model = services.win_model_train(actor=cast.manager)
    return model, counts, open_ones


def test_model_beats_the_constant_baseline_on_a_later_holdout(trained):
    model, counts, _open = trained
    assert model.version == 1 and model.sample_size == counts["won"] + counts["lost"]
    assert model.train_size + model.holdout_size == model.sample_size
    assert model.holdout_size == pytest.approx(model.sample_size * 0.25, abs=2)
    assert model.train_closed_until < model.holdout_closed_from <= model.holdout_closed_until
    assert model.auc > 0.7  # the constant baseline ranks at 0.5
    assert model.brier < model.baseline_brier
    assert model.features == list(FEATURES)
    assert sum(b["count"] for b in model.calibration) == model.holdout_size
    assert 0 < model.base_rate < 1 and model.won_count == counts["won"]


def test_evaluation_is_computed_on_the_holdout_with_the_stored_parameters(trained):
    """Recompute the figures from the holdout rows and the stored parameters."""
    from presales.forecast.features import is_won, model_input, opportunity_features

    model, _counts, _open = trained
    rows = opportunity_features(
        services.closed_queryset().filter(closed_at__gte=model.holdout_closed_from), now=timezone.now()
    )
    assert len(rows) == model.holdout_size
    probabilities, _parts = learning.contributions(model.params, [model_input(r) for r in rows])
    again = learning.evaluate(probabilities, [is_won(r) for r in rows], model.base_rate)
    assert again["auc"] == pytest.approx(model.auc) and again["brier"] == pytest.approx(model.brier)
    assert again["baseline_brier"] == pytest.approx(model.baseline_brier)


def test_the_holdout_never_reaches_the_fit(trained):
    """Flip every holdout outcome and retrain: the fitted parameters are identical, while the
    holdout figures change — so the holdout was used for evaluation only."""
    from presales.opportunities.choices import Stage

    model, _counts, _open = trained
    holdout = services.closed_queryset().filter(closed_at__gte=model.holdout_closed_from)
    won = list(holdout.filter(stage=Stage.WON).values_list("pk", flat=True))
    lost = list(holdout.filter(stage=Stage.LOST).values_list("pk", flat=True))
    Opportunity.objects.filter(pk__in=won).update(stage=Stage.LOST)
    Opportunity.objects.filter(pk__in=lost).update(stage=Stage.WON)
    again = services.win_model_train()
    assert again.version == 2
    assert again.params["coef"] == pytest.approx(model.params["coef"])
    assert again.params["intercept"] == pytest.approx(model.params["intercept"])
    assert again.auc == pytest.approx(1 - model.auc)


def test_every_open_opportunity_is_estimated_with_its_factors(trained):
    model, _counts, open_ones = trained
    assert model.predictions_count == Opportunity.objects.open().count() == len(open_ones)
    predictions = list(Prediction.objects.filter(model=model))
    assert {p.opportunity_id for p in predictions} == {o.pk for o in open_ones}
    for p in predictions:
        assert 0 < p.probability < 1
        assert 3 <= len(p.factors) <= 5
        assert {f["feature"] for f in p.factors} <= set(FEATURES)
        sizes = [abs(f["contribution"]) for f in p.factors]
        assert sizes == sorted(sizes, reverse=True)


def test_command_and_periodic_job_train_new_versions(trained):
    out = StringIO()
    call_command("train_win_model", stdout=out)
    assert "v2" in out.getvalue() and "AUC" in out.getvalue()
    result = train_win_model.delay().get()
    assert result["trained"] and result["version"] == 3
    assert WinModel.objects.current().version == 3
    # Earlier versions keep their own estimates; the newest model's are the current ones.
    assert Prediction.objects.current().count() == Opportunity.objects.open().count()
    assert Prediction.objects.count() == 3 * Opportunity.objects.open().count()
    assert BEAT_SCHEDULE["forecast-train-win-model"]["task"] == "presales.forecast.tasks.train_win_model"


def test_one_sided_history_is_refused(cast, settings):
    from datetime import timedelta

    from presales.opportunities.choices import Stage

    settings.PRESALES_FORECAST_MIN_CLOSED = 5
    for i in range(8):
        opp = make_opportunity(cast, name=f"历史{i}", stage=Stage.WON)
        Opportunity.objects.filter(pk=opp.pk).update(closed_at=timezone.now() - timedelta(days=i + 1))
    with pytest.raises(DomainError) as refused:
        services.win_model_train()
    assert refused.value.code == "one_sided_history"
    assert not WinModel.objects.exists()


def test_demo_builder_trains_on_the_history(cast, settings):
    from presales.forecast import demo
    from tests.forecast.conftest import customers_of

    settings.PRESALES_FORECAST_MIN_CLOSED = 40
    customers = customers_of(cast)
    open_opp = make_opportunity(cast, customer=customers[0])
    counts = demo.build(random.Random(3), [open_opp], list(cast.users().values()))
    assert counts["historical opportunities"] == demo.history_size([open_opp])
    model = WinModel.objects.current()
    assert counts["win model version"] == model.version == 1
    assert model.auc > 0.5 and model.brier < model.baseline_brier
    assert Prediction.objects.get(model=model).opportunity == open_opp


def test_benchmark_trains_and_leaves_the_data_as_it_was(cast, history):
    from presales.forecast.bench import training_benchmark

    history(10)
    before = Opportunity.objects.count()
    lines = []
    result = training_benchmark(closed=300, seed=2, log=lines.append)
    assert result["closed"] == 300 and result["sample_size"] >= 200
    assert result["training_seconds"] > 0 and result["queries"] < 40
    assert result["brier"] < result["baseline_brier"] and "win model" in lines[0]
    assert Opportunity.objects.count() == before and not WinModel.objects.exists()
