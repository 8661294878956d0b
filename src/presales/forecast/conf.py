"""Settings fragments of this app, merged by presales.settings. Plain data only (dotted
paths and numbers): this module is imported while settings load, before Django's apps."""

import os

# drf-spectacular enum names for this app's choice classes: {"NameEnum": "presales.forecast.choices.Class"}
ENUM_NAME_OVERRIDES: dict[str, str] = {}
# Celery beat entries: {"name": {"task": "presales.forecast.tasks.fn", "minutes": 15}} (every N minutes)
# or {"name": {"task": ..., "hour": 2, "minute": 30}} (daily).
BEAT_SCHEDULE: dict[str, dict] = {
    # Retrain the win-probability model on the day's closed opportunities and refresh the
    # estimates of the open ones (daily, at night).
    "forecast-train-win-model": {
        "task": "presales.forecast.tasks.train_win_model",
        "hour": int(os.environ.get("PRESALES_FORECAST_TRAIN_HOUR", "3")),
        "minute": 15,
    },
}
# Fewer closed (won + lost) opportunities than this and training is refused: the estimates would
# mean nothing. A setting PRESALES_FORECAST_MIN_CLOSED overrides it (tests use the `settings` fixture).
MIN_CLOSED = int(os.environ.get("PRESALES_FORECAST_MIN_CLOSED", "40"))
