"""Writes to people and organisation."""

from presales.accounts.choices import RoleCode
from presales.accounts.models import Role


def ensure_roles() -> None:
    """Make sure every role row exists (the data migration creates them; a database flushed by a
    test or restored from a partial backup may have lost them). One query when they exist."""
    if Role.objects.count() < len(RoleCode.values):
        Role.objects.bulk_create([Role(code=code) for code in RoleCode.values], ignore_conflicts=True)
