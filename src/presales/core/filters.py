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
from django_filters.fields import ModelChoiceField, ModelChoiceIterator


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


class UserChoiceIterator(ModelChoiceIterator):
    """A select of people from one `values_list` query: no User object per option and no
    server-side cursor (PostgreSQL: DECLARE, FETCH, CLOSE) for a list of a few hundred names.
    The options are the same (pk, name) pairs as the model iterator's."""

    def __iter__(self):
        from presales.accounts.models import User

        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for pk, *names in self.queryset.values_list("pk", *User.LABEL_FIELDS):
            yield (pk, User.label_of(*names))


class UserChoiceField(ModelChoiceField):
    iterator = UserChoiceIterator


class UserChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter by one person (a queryset of users), listed cheaply (`UserChoiceIterator`)."""

    field_class = UserChoiceField


class ListedModelChoiceIterator(ModelChoiceIterator):
    """A select of a small table (teams) from one plain query. Django's iterator reads the rows
    through `QuerySet.iterator()`, which on PostgreSQL is a server-side cursor (DECLARE, FETCH,
    CLOSE: three round trips) meant for large results. The options are the same."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ListedModelChoiceField(ModelChoiceField):
    iterator = ListedModelChoiceIterator


class ListedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter by one row of a small table (a team), listed with one plain query."""

    field_class = ListedModelChoiceField
