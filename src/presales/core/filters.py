"""Filters shared by filtersets: a period of local calendar days over a time stamp.

`LocalDayFromFilter` keeps the rows whose time stamp is at or after the local midnight that
starts the day; `LocalDayToFilter` those before the local midnight that ends it (the day is
included). The same boundaries as the dashboards' periods, so a figure and its drill-down list
count the same rows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import django_filters
from django.conf import settings


def day_start(day: date) -> datetime:
    """The aware instant at which `day` begins in the local time zone."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


class LocalDayFromFilter(django_filters.DateFilter):
    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__gte": day_start(value)})


class LocalDayToFilter(django_filters.DateFilter):
    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__lt": day_start(value + timedelta(days=1))})
