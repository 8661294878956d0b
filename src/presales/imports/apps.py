from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "presales.imports"
    label = "imports"
    verbose_name = _("CRM import")
    # Models whose change history is served by core.history (lower-case "app.model").
    history_models: tuple[str, ...] = ()

    def ready(self) -> None:
        # Rows written by an import carry its actor and reason in their history (see .audit).
        from . import audit

        audit.connect()
