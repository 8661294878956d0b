from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForecastConfig(AppConfig):
    name = "presales.forecast"
    label = "forecast"
    verbose_name = _("Win forecast")
    # Models whose change history is served by core.history (lower-case "app.model").
    history_models: tuple[str, ...] = ()
