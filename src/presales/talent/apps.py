from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "presales.talent"
    label = "talent"
    verbose_name = _("Talent")
    # Models whose change history is served by core.history (lower-case "app.model").
    history_models: tuple[str, ...] = ()
