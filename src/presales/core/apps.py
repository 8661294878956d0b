from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "presales.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from presales.core import display

        display.install()
