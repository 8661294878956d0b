from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    name = "presales.kpi"
    label = "kpi"
    verbose_name = _("KPI library")
    # Models whose change history is served by core.history (lower-case "app.model").
    history_models: tuple[str, ...] = ("kpi.indicator", "kpi.indicatorreview", "kpi.scheme", "kpi.schemeitem")
