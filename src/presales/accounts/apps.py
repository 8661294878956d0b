from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "presales.accounts"
    label = "accounts"
    verbose_name = _("People and organisation")

    def ready(self):
        from . import authz

        authz.connect()
