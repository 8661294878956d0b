"""People and organisation: users with several roles, teams with a lead, presales levels."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import authz
from .choices import MANAGER_ROLES, PRESALES_ROLES, CareerTrack, PresalesLevel, RoleCode


class Role(models.Model):
    """A role a user may hold; a user may hold several. The set is fixed (RoleCode), rows exist so
    that roles can be assigned in the admin and queried in SQL."""

    code = models.CharField(_("code"), max_length=32, choices=RoleCode.choices, unique=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(RoleCode(self.code).label)


class Team(models.Model):
    """A team or department. Its lead sees the team's work; teams may nest under a department."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    lead = models.ForeignKey(
        "accounts.User",
        verbose_name=_("lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
    )
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person using the system. `display_name` is the name shown everywhere (e.g. 张伟)."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    title = models.CharField(_("job title"), max_length=64, blank=True)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="users")
    presales_level = models.CharField(
        _("presales level"), max_length=16, choices=PresalesLevel.choices, blank=True
    )
    career_track = models.CharField(_("career track"), max_length=16, choices=CareerTrack.choices, blank=True)
    # Re-drawn whenever the user's roles or led teams change (accounts.authz): each process keeps
    # them per user as long as the stamp it read them with is the row's.
    authz_stamp = models.BigIntegerField(_("authorisation stamp"), default=authz.new_stamp, editable=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login", "authz_stamp"], m2m_fields=[roles])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    # The columns a user's name is made of (`label_of`): enough for a select of people.
    LABEL_FIELDS = ("display_name", "first_name", "last_name", "username")

    @staticmethod
    def label_of(display_name: str, first_name: str, last_name: str, username: str) -> str:
        """The name shown everywhere, from the LABEL_FIELDS columns (`get_full_name`, inlined)."""
        return display_name or f"{first_name} {last_name}".strip() or username

    def __str__(self) -> str:
        # Short-circuits like `label_of`'s expression: a user read with `only("display_name", ...)`
        # (lists print owners that way) must not load the other name columns one query per row.
        return self.display_name or f"{self.first_name} {self.last_name}".strip() or self.username

    def save(self, *args, **kwargs):
        # An instance read before a change of roles holds the old stamp: a full save of it must not
        # write that stamp back (other processes would take their old entries for current).
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "authz_stamp" and f.attname not in deferred
            ]
        super().save(*args, **kwargs)

    # Role checks read the roles once per process and user (accounts.authz), the stamp from this row.
    @cached_property
    def role_codes(self) -> frozenset[str]:
        if not self.pk:
            return frozenset()
        codes = authz.stored_role_codes(self)
        if self.is_superuser:
            codes = codes | {RoleCode.ADMIN}
        return codes

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))

    @property
    def is_manager(self) -> bool:
        """Sees and steers every team's presales work."""
        return bool(self.role_codes & MANAGER_ROLES)

    @property
    def is_presales(self) -> bool:
        return bool(self.role_codes & PRESALES_ROLES)

    @cached_property
    def led_team_ids(self) -> frozenset[int]:
        if not self.pk:
            return frozenset()
        return authz.led_team_ids(self)
