"""Periodic jobs of the document archive (celery beat; see CELERY_BEAT_SCHEDULE in settings)."""

from __future__ import annotations

from celery import shared_task


@shared_task
def archive_documents() -> int:
    """Archive the documents of closed projects and those past their validity date (daily)."""
    from .services import archive_due_documents

    return archive_due_documents()
