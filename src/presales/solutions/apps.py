from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SolutionsConfig(AppConfig):
    name = "presales.solutions"
    label = "solutions"
    verbose_name = _("Solutions")
    # Models whose change history is served by core.history (lower-case "app.model").
    history_models: tuple[str, ...] = (
        "solutions.solution",
        "solutions.solutionsection",
        "solutions.sectiontemplate",
    )

    def ready(self) -> None:
        # No customer presentation (demo/POC, bid, negotiation) before a solution passed its review.
        from . import gates

        gates.register()
