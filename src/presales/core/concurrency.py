"""Optimistic locking: a write names the version it was prepared against; if the row moved on
since, the write is refused with StaleObjectError and nothing is saved."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.utils.translation import gettext as _

from .errors import StaleObjectError

M = TypeVar("M", bound=models.Model)


def lock(model: type[M], pk, *, expected_version: int | None = None) -> M:
    """Fetch the row for update (call inside transaction.atomic) and check its version."""
    obj = model._default_manager.select_for_update().get(pk=pk)
    check_version(obj, expected_version)
    return obj


def check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != obj.version:
        raise StaleObjectError(
            _(
                "This record was changed by someone else (now version %(current)s, you edited "
                "version %(yours)s). Reload it to see their changes, then apply yours again."
            )
            % {"current": obj.version, "yours": expected_version},
            current_version=obj.version,
        )


def save_changes(obj, changes: dict, *, extra_fields: tuple[str, ...] = ()) -> list[str]:
    """Apply `changes` (field -> value) to a locked row, bump its version, save only what changed.
    Returns the names of the fields that really changed."""
    changed = []
    for field, value in changes.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed.append(field)
    if changed or extra_fields:
        obj.version = obj.version + 1
        update_fields = [*changed, *extra_fields, "version"]
        if hasattr(obj, "updated_at"):
            update_fields.append("updated_at")
        obj.save(update_fields=update_fields)
    return changed
