"""Domain errors raised by services. Views turn them into form errors, the API into 4xx answers."""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    """A business rule refused the action. `code` is stable (API clients switch on it);
    `message` is translated; `field` names the form/API field at fault, if any."""

    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        field: str | None = None,
        errors: dict[str, list[str]] | None = None,
    ):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field
        # Several field errors at once (e.g. a whole form validated in a service).
        self.errors = errors or ({field: [message]} if field else {})


class PermissionDenied(DomainError):
    status_code = 403

    def __init__(self, message: str, *, code: str = "permission_denied"):
        super().__init__(message, code=code)


class StaleObjectError(DomainError):
    """Somebody else saved the record since it was read: the write is refused, nothing is lost."""

    status_code = 412

    def __init__(self, message: str, *, code: str = "stale_object", current_version: int | None = None):
        super().__init__(message, code=code)
        self.current_version = current_version


class TransitionRefused(DomainError):
    """A workflow move was refused; `reasons` lists every unmet condition, in order."""

    status_code = 409

    def __init__(self, message: str, *, reasons: Sequence[str], code: str = "transition_refused"):
        super().__init__(message, code=code)
        self.reasons = list(reasons)
