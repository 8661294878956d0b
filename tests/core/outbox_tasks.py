"""Celery tasks used only by the outbox and worker tests: each run is recorded in RUNS (this
process) and, for a worker in another thread on the real database, as a notification row."""

from celery import shared_task

RUNS: list[str] = []


@shared_task
def record(*, label: str) -> str:
    RUNS.append(label)
    return label


@shared_task
def fail(*, label: str) -> None:
    raise RuntimeError(f"task failed: {label}")
