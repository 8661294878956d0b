from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "presales.appraisal"
    label = "appraisal"
    verbose_name = _("Appraisal")
    # Models whose change history is served by core.history (lower-case "app.model").
    history_models: tuple[str, ...] = (
        "appraisal.cycle",
        "appraisal.appraisal",
        "appraisal.sourceentry",
        "appraisal.appeal",
    )
