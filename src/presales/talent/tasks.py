"""Periodic jobs of the talent module (scheduled in conf.py BEAT_SCHEDULE)."""

from celery import shared_task


@shared_task
def remind_missing_daily_reports() -> int:
    """Working days, evening: remind presales people who have not written today's daily report."""
    from .services import remind_missing_reports

    return remind_missing_reports()


@shared_task
def warn_expiring_certifications() -> int:
    """Daily: certifications expiring within 60 days, to the holder and their team lead."""
    from .services import warn_expiring_certifications as warn

    return warn()
