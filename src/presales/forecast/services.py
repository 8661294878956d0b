"""Training the win-probability model and estimating the open opportunities. Training is a
service called by `presales train_win_model` and by the daily Celery job, never by a request."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from presales.core.errors import DomainError
from presales.opportunities.choices import Stage
from presales.opportunities.models import Opportunity

from . import conf, learning
from .features import FEATURES, is_won, model_input, opportunity_features
from .models import Prediction, WinModel

PREDICTION_BATCH = 2000


def min_closed() -> int:
    return int(getattr(settings, "PRESALES_FORECAST_MIN_CLOSED", conf.MIN_CLOSED))


def closed_queryset():
    """The training population: won or lost with a close time (abandoned is left out)."""
    return Opportunity.objects.filter(stage__in=[Stage.WON, Stage.LOST], closed_at__isnull=False)


def training_status() -> dict:
    """How many closed (won + lost) opportunities exist, how many are needed, how many more."""
    have = closed_queryset().count()
    needed = min_closed()
    return {"have": have, "needed": needed, "missing": max(needed - have, 0), "ready": have >= needed}


def not_enough_message(status: dict) -> str:
    return (
        ngettext(
            "Not enough history to train the win model: %(have)s closed opportunities (won or lost), "
            "%(needed)s needed — %(missing)s more.",
            "Not enough history to train the win model: %(have)s closed opportunities (won or lost), "
            "%(needed)s needed — %(missing)s more.",
            status["missing"],
        )
        % status
    )


def win_model_train(*, actor=None, now: datetime | None = None) -> WinModel:
    """Fit on the older 75 % of the closed opportunities (by close time), evaluate on the most
    recent 25 % (never seen by the fit), store the model with its evaluation as the next version
    and estimate every open opportunity with it. Refused (DomainError "not_enough_history") below
    the threshold, and when the training part or the holdout lacks a won or a lost opportunity."""
    now = now or timezone.now()
    status = training_status()
    if not status["ready"]:
        raise DomainError(not_enough_message(status), code="not_enough_history")

    rows = opportunity_features(closed_queryset(), now=now)
    rows.sort(key=lambda r: (r["closed_at"], r["id"]))
    k = learning.time_split([r["closed_at"] for r in rows])
    train, holdout = rows[:k], rows[k:]
    train_y = [is_won(r) for r in train]
    holdout_y = [is_won(r) for r in holdout]
    if len(set(train_y)) < 2 or not holdout:
        raise DomainError(
            _(
                "The win model needs both won and lost opportunities among the older closed ones, and a more "
                "recent holdout to evaluate on: record more closed opportunities."
            ),
            code="one_sided_history",
        )

    pipeline = learning.fit([model_input(r) for r in train], train_y)
    params = learning.export_params(pipeline)
    holdout_p, _parts = learning.contributions(params, [model_input(r) for r in holdout])
    base_rate = sum(train_y) / len(train_y)
    evaluation = learning.evaluate(holdout_p, holdout_y, base_rate)

    with transaction.atomic():
        last = WinModel.objects.select_for_update().order_by("-version").first()
        model = WinModel.objects.create(
            version=(last.version + 1) if last else 1,
            trained_at=now,
            trained_by=actor,
            sample_size=len(rows),
            train_size=len(train),
            holdout_size=len(holdout),
            won_count=sum(train_y) + sum(holdout_y),
            train_closed_until=train[-1]["closed_at"],
            holdout_closed_from=holdout[0]["closed_at"],
            holdout_closed_until=holdout[-1]["closed_at"],
            features=list(FEATURES),
            params=params,
            base_rate=base_rate,
            **evaluation,
        )
        model.predictions_count = predictions_refresh(model=model, now=now)
        model.save(update_fields=["predictions_count"])
    return model


def predictions_refresh(*, model: WinModel, now: datetime | None = None) -> int:
    """Estimate every open opportunity with `model` (replacing that model's earlier estimates).
    Returns the number of estimates written."""
    now = now or timezone.now()
    rows = opportunity_features(Opportunity.objects.open(), now=now)
    probabilities, parts = learning.contributions(model.params, [model_input(r) for r in rows])
    with transaction.atomic():
        Prediction.objects.filter(model=model).delete()
        Prediction.objects.bulk_create(
            [
                Prediction(
                    model=model,
                    opportunity_id=row["id"],
                    probability=round(float(p), 6),
                    factors=learning.top_factors(grouped, row),
                )
                for row, p, grouped in zip(rows, probabilities, parts, strict=True)
            ],
            batch_size=PREDICTION_BATCH,
        )
    return len(rows)
