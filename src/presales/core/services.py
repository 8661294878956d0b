"""Helpers every app's services use."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from .errors import DomainError


def validate_or_raise(obj, *, exclude: list[str] | None = None) -> None:
    """Run the model's field validation, clean() and database constraints (with their translated
    violation messages) and raise one DomainError carrying every field error."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=True, validate_constraints=True)
    except ValidationError as exc:
        # A constraint over an expression reports as a non-field error; a model may name the field
        # it belongs to with `constraint_fields = {violation_error_code: field}`.
        constraint_fields = getattr(obj, "constraint_fields", {})
        errors: dict[str, list[str]] = {}
        for field, error_list in exc.error_dict.items():
            for error in error_list:
                target = field
                if field == NON_FIELD_ERRORS:
                    target = constraint_fields.get(error.code, "__all__")
                errors.setdefault(target, []).extend(error.messages)
        first = next(iter(errors.values()))[0]
        raise DomainError(first, code="invalid", errors=errors) from None


def require_text(value: str | None, *, field: str, message: str | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message or _("This field is required."), code="required", field=field)
    return value
