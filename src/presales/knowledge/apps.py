from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "presales.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")
    # Models whose change history is served by core.history (lower-case "app.model").
    history_models: tuple[str, ...] = ("knowledge.article",)
