"""The dry run and the import of a job, in a Celery worker (eagerly in-process without a broker).
Sent through the outbox by the services (`import_job_map`, `import_job_confirm`)."""

from __future__ import annotations

from celery import shared_task


@shared_task
def run_import_job(job_id: int) -> str:
    """Run the job's pending phase (dry run or import). Delivered at least once: a job that is no
    longer waiting for a run (already done, cancelled) is left alone."""
    from .services import run_job

    return run_job(job_id)
