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


class FieldErrors:
    """Collects rule violations as (field, code, message), so that one DomainError reports every
    field at fault together with the model's own validation (fields, constraints). The first code
    added is the error's code."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}
        self.code: str | None = None

    def add(self, field: str, code: str, message: str) -> None:
        self.errors.setdefault(field, []).append(str(message))
        self.code = self.code or code

    def merge(self, exc: DomainError) -> None:
        """Take over another DomainError's messages (each once per field)."""
        for field, messages in (exc.errors or {"__all__": [exc.message]}).items():
            for m in messages:
                if str(m) not in self.errors.get(field, []):
                    self.errors.setdefault(field, []).append(str(m))
        self.code = self.code or exc.code

    def raise_if_any(self) -> None:
        if self.errors:
            raise DomainError(next(iter(self.errors.values()))[0], code=self.code or "invalid", errors=self.errors)

    def raise_with(self, obj, *, exclude=None) -> None:
        """Validate `obj` too, then raise everything collected (if anything)."""
        try:
            validate_or_raise(obj, exclude=exclude)
        except DomainError as exc:
            self.merge(exc)
        self.raise_if_any()
