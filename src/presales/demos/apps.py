from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemosConfig(AppConfig):
    name = "presales.demos"
    label = "demos"
    verbose_name = _("Demos")
    # Models whose change history is served by core.history (lower-case "app.model").
    history_models: tuple[str, ...] = ()
