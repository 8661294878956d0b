"""The learning part, with no database: a scikit-learn pipeline (one-hot encoding of the
categories, standard scaling, L2-regularised logistic regression), its parameters exported as
plain JSON, scoring and signed factor contributions computed from those parameters, the
time-ordered split and the holdout evaluation (AUC, Brier score, calibration bins).

A factor's contribution is coefficient × standardised value, summed over the one-hot columns of
a category: the shift in log-odds that the opportunity's value causes against the average
opportunity of the training set. The intercept plus all contributions is the estimate's logit."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .features import CATEGORICAL, NUMERIC

# scikit-learn is imported where a model is trained or evaluated, not here: this module is imported
# by the pages (scoring needs numpy only), and importing scikit-learn takes seconds of CPU, which
# every web worker would pay on its first request.
if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

HOLDOUT_SHARE = 0.25
CALIBRATION_BINS = 10
TOP_FACTORS = 5


def make_pipeline() -> Pipeline:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    n_cat = len(CATEGORICAL)
    encode = ColumnTransformer(
        [
            ("categories", OneHotEncoder(handle_unknown="ignore", sparse_output=False), list(range(n_cat))),
            ("numbers", "passthrough", list(range(n_cat, n_cat + len(NUMERIC)))),
        ]
    )
    return Pipeline(
        [
            ("encode", encode),
            ("scale", StandardScaler()),
            ("model", LogisticRegression(C=1.0, max_iter=2000)),
        ]
    )


def as_matrix(inputs: list[list]) -> np.ndarray:
    return np.array(inputs, dtype=object).reshape(len(inputs), len(CATEGORICAL) + len(NUMERIC))


def fit(inputs: list[list], outcomes: list[int]) -> Pipeline:
    pipeline = make_pipeline()
    pipeline.fit(as_matrix(inputs), np.asarray(outcomes, dtype=int))
    return pipeline


def export_params(pipeline: Pipeline) -> dict:
    """Everything needed to score without the pipeline object: JSON only (no pickle)."""
    encoder = pipeline.named_steps["encode"].named_transformers_["categories"]
    scaler = pipeline.named_steps["scale"]
    model = pipeline.named_steps["model"]
    columns = []  # (feature, category or None) per encoded column, in order
    for name, categories in zip(CATEGORICAL, encoder.categories_, strict=True):
        columns.extend([name, str(c)] for c in categories)
    columns.extend([name, None] for name in NUMERIC)
    return {
        "categorical": list(CATEGORICAL),
        "numeric": list(NUMERIC),
        "columns": columns,
        "mean": [float(v) for v in scaler.mean_],
        "scale": [float(v) for v in scaler.scale_],
        "coef": [float(v) for v in model.coef_[0]],
        "intercept": float(model.intercept_[0]),
    }


def _encode(params: dict, inputs: list[list]) -> np.ndarray:
    n_cat = len(params["categorical"])
    index = {}
    for j, (name, category) in enumerate(params["columns"]):
        index[(name, category)] = j
    numeric_at = {name: n_cat + i for i, name in enumerate(params["numeric"])}
    matrix = np.zeros((len(inputs), len(params["columns"])), dtype=float)
    for i, values in enumerate(inputs):
        for k, name in enumerate(params["categorical"]):
            j = index.get((name, str(values[k])))
            if j is not None:  # an unseen category encodes as all zeros, as handle_unknown="ignore"
                matrix[i, j] = 1.0
        for name, position in numeric_at.items():
            matrix[i, index[(name, None)]] = float(values[position])
    return matrix


def contributions(params: dict, inputs: list[list]) -> tuple[np.ndarray, list[dict[str, float]]]:
    """(probabilities, per row {feature: signed log-odds contribution})."""
    if not inputs:
        return np.zeros(0), []
    z = (_encode(params, inputs) - np.asarray(params["mean"])) / np.asarray(params["scale"])
    parts = z * np.asarray(params["coef"])
    logits = params["intercept"] + parts.sum(axis=1)
    probabilities = 1.0 / (1.0 + np.exp(-logits))
    features = [name for name, _category in params["columns"]]
    per_row = []
    for row in parts:
        grouped: dict[str, float] = {}
        for name, value in zip(features, row, strict=True):
            grouped[name] = grouped.get(name, 0.0) + float(value)
        per_row.append(grouped)
    return probabilities, per_row


def top_factors(grouped: dict[str, float], raw: dict, limit: int = TOP_FACTORS) -> list[dict]:
    """The factors that moved the estimate most (largest |contribution|), with the row's value."""
    ranked = sorted(grouped.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:limit]
    return [{"feature": name, "value": raw[name], "contribution": round(value, 4)} for name, value in ranked]


def time_split(closed_at: list, share: float = HOLDOUT_SHARE) -> int:
    """Index k of the time-ordered rows (sorted by close time) where the holdout begins: the most
    recent `share`, moved earlier so that no training row closed at the same moment as a holdout
    row (the holdout is strictly later than everything the fit sees)."""
    n = len(closed_at)
    k = n - max(1, round(n * share))
    while 0 < k < n and closed_at[k - 1] >= closed_at[k]:
        k -= 1
    return k


def calibration_bins(probabilities, outcomes, bins: int = CALIBRATION_BINS) -> list[dict]:
    """Equal-width bins of the predicted probability: count, mean predicted, observed win rate."""
    p = np.asarray(probabilities, dtype=float)
    y = np.asarray(outcomes, dtype=float)
    result = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        mask = (p >= low) & ((p < high) if b < bins - 1 else (p <= high))
        if mask.any():
            result.append(
                {
                    "low": round(low, 2),
                    "high": round(high, 2),
                    "count": int(mask.sum()),
                    "predicted": round(float(p[mask].mean()), 4),
                    "observed": round(float(y[mask].mean()), 4),
                }
            )
    return result


def evaluate(probabilities, outcomes, base_rate: float) -> dict:
    """AUC (None when the holdout holds one class only), Brier score of the model and of the
    constant baseline (the training win rate for everybody), calibration bins."""
    from sklearn.metrics import brier_score_loss, roc_auc_score

    y = np.asarray(outcomes, dtype=int)
    p = np.asarray(probabilities, dtype=float)
    auc = float(roc_auc_score(y, p)) if len(set(y.tolist())) == 2 else None
    return {
        "auc": auc,
        "brier": float(brier_score_loss(y, p)),
        "baseline_brier": float(np.mean((base_rate - y) ** 2)),
        "holdout_win_rate": float(y.mean()),
        "calibration": calibration_bins(p, y),
    }
