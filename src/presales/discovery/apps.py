from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscoveryConfig(AppConfig):
    name = "presales.discovery"
    label = "discovery"
    verbose_name = _("Requirement research")
    # Models whose change history is served by core.history (lower-case "app.model").
    history_models: tuple[str, ...] = (
        "discovery.researchplan",
        "discovery.researchactivity",
        "discovery.researchreport",
        "discovery.requirementitem",
        "discovery.requirementconfirmation",
    )

    def ready(self) -> None:
        # The opportunity may not enter solution design without a confirmed requirement set
        # (see presales.discovery.gates).
        from . import gates

        gates.register()
