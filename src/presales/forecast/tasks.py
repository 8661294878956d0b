"""The daily job: retrain the win model and refresh the open opportunities' estimates."""

from __future__ import annotations

import logging

from celery import shared_task

from presales.core.errors import DomainError

logger = logging.getLogger(__name__)


@shared_task(name="presales.forecast.tasks.train_win_model")
def train_win_model() -> dict:
    """Train a new version; below the threshold, log the refusal and change nothing."""
    from .services import win_model_train

    try:
        model = win_model_train()
    except DomainError as refused:
        logger.info("win model not trained: %s", refused.message)
        return {"trained": False, "code": refused.code, "message": str(refused.message)}
    return {
        "trained": True,
        "version": model.version,
        "auc": model.auc,
        "brier": model.brier,
        "predictions": model.predictions_count,
    }
