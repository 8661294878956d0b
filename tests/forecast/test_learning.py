"""The pure learning part: split, scoring from the exported parameters, factors, evaluation."""

import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from presales.forecast import learning
from presales.forecast.features import CATEGORICAL, NUMERIC, model_input


def synthetic(n, seed=3):
    rng = random.Random(seed)
    rows, y = [], []
    for _ in range(n):
        row = {
            "industry": rng.choice(["energy_storage", "robotics", "government"]),
            "amount_band": rng.choice(["under_0_5m", "2m_5m", "over_10m"]),
            "source": rng.choice(["partner", "inquiry", "event"]),
            "solution_review": rng.choice(["first_pass", "returned", "none"]),
            "poc_verdict": rng.choice(["passed", "failed", "none"]),
        }
        for name in NUMERIC:
            row[name] = (
                rng.choice([0, 1])
                if name in ("early_involvement", "research_done", "requirements_confirmed", "demo_summarised")
                else rng.uniform(0, 30)
            )
        logit = (
            -0.5
            + 1.5 * row["early_involvement"]
            + (1.2 if row["poc_verdict"] == "passed" else 0)
            - (1.0 if row["poc_verdict"] == "failed" else 0)
        )
        y.append(int(rng.random() < 1 / (1 + np.exp(-logit))))
        rows.append(row)
    return rows, y


def test_scoring_from_exported_parameters_equals_the_pipeline():
    rows, y = synthetic(300)
    inputs = [model_input(r) for r in rows]
    pipeline = learning.fit(inputs, y)
    params = learning.export_params(pipeline)
    ours, parts = learning.contributions(params, inputs)
    theirs = pipeline.predict_proba(learning.as_matrix(inputs))[:, 1]
    assert np.allclose(ours, theirs, atol=1e-9)
    # The intercept plus the factors' contributions is the logit of the estimate.
    for p, grouped in zip(ours, parts, strict=True):
        assert set(grouped) == set(CATEGORICAL) | set(NUMERIC)
        assert params["intercept"] + sum(grouped.values()) == pytest.approx(np.log(p / (1 - p)), abs=1e-9)


def test_unseen_category_scores_like_the_encoder_ignoring_it():
    rows, y = synthetic(200)
    inputs = [model_input(r) for r in rows]
    pipeline = learning.fit(inputs, y)
    params = learning.export_params(pipeline)
    odd = dict(rows[0], industry="aerospace")
    ours, _parts = learning.contributions(params, [model_input(odd)])
    theirs = pipeline.predict_proba(learning.as_matrix([model_input(odd)]))[:, 1]
    assert ours[0] == pytest.approx(theirs[0])


def test_top_factors_are_the_largest_in_absolute_value_with_their_sign():
    grouped = {"a": 0.2, "b": -1.5, "c": 0.9, "d": 0.0, "e": -0.3, "f": 0.05}
    raw = {k: i for i, k in enumerate(grouped)}
    top = learning.top_factors(grouped, raw, limit=4)
    assert [f["feature"] for f in top] == ["b", "c", "e", "a"]
    assert top[0] == {"feature": "b", "value": 1, "contribution": -1.5}


def test_time_split_keeps_the_most_recent_quarter_strictly_later():
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    times = [t0 + timedelta(days=i) for i in range(100)]
    k = learning.time_split(times)
    assert k == 75 and times[k - 1] < times[k]
    # Ties at the boundary go to the holdout, so training never shares a close time with it.
    tied = times[:70] + [times[70]] * 10 + times[80:]
    k = learning.time_split(tied)
    assert k == 70 and tied[k - 1] < tied[k]
    assert learning.time_split([t0] * 10) == 0  # nothing strictly earlier: no training set


def test_evaluation_figures():
    y = [0, 0, 1, 1]
    p = [0.1, 0.4, 0.35, 0.8]
    result = learning.evaluate(p, y, base_rate=0.5)
    assert result["auc"] == pytest.approx(0.75)
    assert result["brier"] == pytest.approx(np.mean([(0.1) ** 2, 0.4**2, 0.65**2, 0.2**2]))
    assert result["baseline_brier"] == pytest.approx(0.25)
    assert result["holdout_win_rate"] == 0.5
    bins = result["calibration"]
    assert sum(b["count"] for b in bins) == 4
    assert [(b["low"], b["count"]) for b in bins] == [(0.1, 1), (0.3, 1), (0.4, 1), (0.8, 1)]
    assert learning.evaluate([0.2, 0.3], [1, 1], base_rate=0.5)["auc"] is None  # one class only
