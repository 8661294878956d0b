from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PocConfig(AppConfig):
    name = "presales.poc"
    label = "poc"
    verbose_name = _("POCs")

    def ready(self) -> None:
        # The opportunity may not leave demo/POC for bid or negotiation while one of its POCs is
        # unsettled (see presales.poc.gates).
        from . import gates

        gates.register()
