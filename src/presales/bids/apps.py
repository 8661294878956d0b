from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BidsConfig(AppConfig):
    name = "presales.bids"
    label = "bids"
    verbose_name = _("Bids")
    # Models whose change history is served by core.history (lower-case "app.model").
    history_models: tuple[str, ...] = ("bids.bid", "bids.section", "bids.milestone", "bids.meeting",
                                       "bids.deviationrow", "bids.reviewitem")

    def ready(self) -> None:
        # The opportunity may not move into negotiation while a bid is being prepared, nor into
        # won while a submitted bid has no result (see presales.bids.gates).
        from . import gates

        gates.register()
