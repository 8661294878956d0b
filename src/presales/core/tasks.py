"""Periodic jobs of the core: the outbox sweep."""

from celery import shared_task

from . import outbox


@shared_task
def drain_outbox() -> dict[str, int]:
    """Send the outbox messages that could not be sent right after their commit (broker down)."""
    return outbox.drain()
