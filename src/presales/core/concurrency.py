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


# The largest version a client may name: a row's version is a PositiveIntegerField.
MAX_VERSION = 2**31 - 1


def whole_version(raw) -> int:
    """The version a client sent, as an int: a whole number (an int, or a string of digits; not a
    bool, float, list or object). Anything else is refused with a field error on `version`, never
    turned into a 500 or silently truncated (1.9 is not version 1)."""
    from .errors import DomainError

    value = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        value = int(raw.strip())
    if value is None or not 0 <= value <= MAX_VERSION:
        message = _("A whole number is required.")
        raise DomainError(message, code="invalid_version", field="version")
    return value


def check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and whole_version(expected_version) != obj.version:
        raise StaleObjectError(
            _(
                "This record was changed by someone else (now version %(current)s, you edited "
                "version %(yours)s). Reload it to see their changes, then apply yours again."
            )
            % {"current": obj.version, "yours": expected_version},
            current_version=obj.version,
        )


def apply_changes(obj, changes: dict) -> list[str]:
    """Set `changes` (field -> value) on the object; return the names of fields that really changed."""
    changed = []
    for field, value in changes.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed.append(field)
    return changed


def save_fields(obj, changed: list[str]) -> None:
    """Save only the changed fields of a locked row and bump its version (nothing if unchanged)."""
    if not changed:
        return
    obj.version = obj.version + 1
    update_fields = [*changed, "version"]
    if hasattr(obj, "updated_at"):
        update_fields.append("updated_at")
    obj.save(update_fields=update_fields)


def save_changes(obj, changes: dict) -> list[str]:
    """apply_changes + save_fields, for changes that need no validation beyond the caller's."""
    changed = apply_changes(obj, changes)
    save_fields(obj, changed)
    return changed
