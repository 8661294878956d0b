"""The history rows an import writes name who imported and from which file.

The services write history through django-simple-history, which takes the user from the web
request. An import also runs in a Celery worker (no request) and writes through services that
re-read and lock their rows, so the actor cannot be set on the instance beforehand. While
`recording(actor, reason)` is active, every history row created without a user or a reason gets
them (the signal only annotates the audit row; it changes no business data)."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[tuple | None] = ContextVar("presales_import_audit", default=None)


@contextmanager
def recording(*, actor, reason: str):
    token = _current.set((actor, reason[:100]))
    try:
        yield
    finally:
        _current.reset(token)


def _annotate(sender, history_instance, **kwargs) -> None:
    current = _current.get()
    if current is None:
        return
    actor, reason = current
    if getattr(history_instance, "history_user_id", None) is None and hasattr(
        history_instance, "history_user_id"
    ):
        history_instance.history_user_id = actor.pk
    if not getattr(history_instance, "history_change_reason", None):
        history_instance.history_change_reason = reason


def connect() -> None:
    from simple_history.signals import pre_create_historical_record

    pre_create_historical_record.connect(_annotate, dispatch_uid="imports-audit")
