"""Appraisal periods as the metrics read them.

A period is two calendar dates, both inclusive (a quarter is 2026-01-01 … 2026-03-31). Date
fields are compared with the dates themselves; time stamps are compared with the period's
local-day boundaries in `TIME_ZONE` (Asia/Shanghai by default): from `start` 00:00 (inclusive)
to the day after `end` 00:00 (exclusive). A record at 23:59 local time on the last day is in the
period, one at 00:00 the next day is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_start(day: date) -> datetime:
    """The aware instant at which `day` begins in the local time zone."""
    return datetime.combine(day, time.min, tzinfo=local_tz())


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("The period ends before it starts.")

    @property
    def since(self) -> datetime:
        """First instant of the period (inclusive)."""
        return day_start(self.start)

    @property
    def until(self) -> datetime:
        """First instant after the period (exclusive)."""
        return day_start(self.end + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def datetime_q(self, field: str) -> dict:
        """Filter kwargs: a time stamp within the period."""
        return {f"{field}__gte": self.since, f"{field}__lt": self.until}

    def date_q(self, field: str) -> dict:
        """Filter kwargs: a date within the period."""
        return {f"{field}__gte": self.start, f"{field}__lte": self.end}


def quarter_of(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    next_start = date(day.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)
    return start, next_start - timedelta(days=1)


def current_quarter() -> tuple[date, date]:
    return quarter_of(timezone.localdate())
