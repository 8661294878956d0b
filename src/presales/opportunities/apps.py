from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "presales.opportunities"
    label = "opportunities"
    verbose_name = _("Opportunities")

    def ready(self) -> None:
        # Keep the derived progress status current (see presales.opportunities.progress).
        from . import board_totals, progress

        progress.connect()
        board_totals.connect()  # the boards' column totals (presales.opportunities.board_totals)
