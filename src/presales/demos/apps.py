from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemosConfig(AppConfig):
    name = "presales.demos"
    label = "demos"
    verbose_name = _("Demos")
    # Models whose change history is served by core.history (lower-case "app.model").
    history_models: tuple[str, ...] = (
        "demos.demo",
        "demos.demomaterial",
        "demos.demoattendee",
        "demos.demoquestion",
    )

    def ready(self) -> None:
        # The opportunity may not move to bid or negotiation while a delivered demo has no summary
        # or a demo is left planned/prepared past its date (see presales.demos.gates).
        from . import gates

        gates.register()
