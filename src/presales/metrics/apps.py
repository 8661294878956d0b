from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "presales.metrics"
    label = "metrics"
    verbose_name = _("Computed metrics")
    # Models whose change history is served by core.history (lower-case "app.model").
    history_models: tuple[str, ...] = ()
