from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BidsConfig(AppConfig):
    name = "presales.bids"
    label = "bids"
    verbose_name = _("Bids")
    # Models whose change history is served by core.history (lower-case "app.model").
    history_models: tuple[str, ...] = ()
