from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "presales.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from presales.core import display

        display.install()
        self.connect_choices_version()

    @staticmethod
    def connect_choices_version():
        """The cached selects of people and teams (core.filters.cached_choices) are forgotten on
        every change of a user, a team, a role or a user's roles."""
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from presales.accounts.models import Role, Team, User
        from presales.core.filters import bump_choices_version

        uid = "presales.core.choices_version"
        for model in (User, Team, Role):
            post_save.connect(bump_choices_version, sender=model, dispatch_uid=f"{uid}.save.{model.__name__}")
            post_delete.connect(
                bump_choices_version, sender=model, dispatch_uid=f"{uid}.delete.{model.__name__}"
            )
        m2m_changed.connect(bump_choices_version, sender=User.roles.through, dispatch_uid=f"{uid}.roles")
