from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MetricUnit(models.TextChoices):
    PERCENT = "percent", pgettext_lazy("metric unit", "%")  # a rate, 0–100
    HOURS = "hours", pgettext_lazy("metric unit", "hours")  # a duration in calendar hours
    SCORE = (
        "score",
        pgettext_lazy("metric unit", "points"),
    )  # a score on the source's scale (0–100, or the rating scale)
    COUNT = "count", pgettext_lazy("metric unit", "count")  # how many


class MetricKind(models.TextChoices):
    RATE = "rate", _("Rate")  # part ÷ whole × 100; no value without a whole
    AVERAGE = "average", _("Average")  # total ÷ n; no value without records
    COUNT = "count", _("Count")  # how many; 0 when nothing happened
