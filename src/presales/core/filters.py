"""Filters shared by filtersets: a period of local calendar days over a time stamp.

`LocalDayFromFilter` keeps the rows whose time stamp is at or after the local midnight that
starts the day; `LocalDayToFilter` those before the local midnight that ends it (the day is
included). The same boundaries as the dashboards' periods, so a figure and its drill-down list
count the same rows."""

from __future__ import annotations

import copy
import hashlib
import uuid
from datetime import date, datetime, time, timedelta
from time import time as epoch_seconds
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import QueryDict
from django_filters.fields import ModelChoiceField, ModelChoiceIterator
from django_filters.filters import FilterMethod

from .forms import FixedOptions, fast_widget, option_html


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


# --- selects of people and teams ------------------------------------------------------------------
# Read with one plain query (no server-side cursor: DECLARE, FETCH, CLOSE on PostgreSQL) and, with a
# shared cache (Redis), kept there between requests: a version stamp, replaced on every change of a
# user, a team or a role (assignment) (`bump_choices_version`, connected in CoreConfig.ready), names
# the current lists; a short time-out covers the bulk updates that send no signal. Without a shared
# cache (locmem) the lists are read each time: a per-process stamp would not reach the other workers.
CHOICES_VERSION_KEY = "presales:choices:version"


def choices_cache_enabled() -> bool:
    return settings.PRESALES_CHOICES_CACHE_SECONDS > 0


def choices_key(queryset, kind: str) -> str | None:
    """The list's name in the cache: its SQL and the database, hashed (computed once per field).
    None for a queryset that is empty whatever the rows (`none()`): nothing to keep."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    db = connections[queryset.db].settings_dict
    text = f"{kind}|{queryset.db}|{db.get('HOST')}|{db.get('PORT')}|{db.get('NAME')}|{sql}|{params!r}"
    return hashlib.sha1(text.encode()).hexdigest()


def _choices_version() -> str:
    version = cache.get(CHOICES_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(CHOICES_VERSION_KEY, version, None):
            version = cache.get(CHOICES_VERSION_KEY) or version
    return version


def bump_choices_version(*, using=None, **kwargs):
    """A user, team or role changed: the cached lists are forgotten now and again when the
    transaction commits (a request that read the list in between kept it under the version of
    before). A random stamp rather than a counter: an evicted stamp never brings old lists back."""
    cache.set(CHOICES_VERSION_KEY, uuid.uuid4().hex, None)
    connection = connections[using or DEFAULT_DB_ALIAS]
    if connection.in_atomic_block:
        transaction.on_commit(lambda: cache.set(CHOICES_VERSION_KEY, uuid.uuid4().hex, None), using=using)


_LOCAL_CHOICES: dict[str, tuple[float, list]] = {}  # data key -> (expires at, rows)


def cached_choices(field, read) -> list:
    """`read()` (a list of (value, label) pairs), through the cache when it is on and the field has
    a key. The stamp is read once per form (the fields of one form share `choices_box`); a list
    read from the cache is kept in the process too, under the same name (stamp included) and for
    no longer. Never stored from inside a transaction: it may see rows that are rolled back."""
    if not choices_cache_enabled():
        return read()
    key = getattr(field, "choices_key", None)
    if key is None:
        return read()
    box = getattr(field, "choices_box", None)
    version = box.get("version") if box is not None else None
    if version is None:
        version = _choices_version()
        if box is not None:
            box["version"] = version
    data_key = f"presales:choices:1:{key}:{version}"
    now = epoch_seconds()
    entry = _LOCAL_CHOICES.get(data_key)
    if entry is None or entry[0] <= now:
        entry = cache.get(data_key)
        if not isinstance(entry, tuple) or entry[0] <= now:
            rows = read()
            if connections[field.queryset.db].in_atomic_block:
                return rows
            ttl = settings.PRESALES_CHOICES_CACHE_SECONDS
            entry = (now + ttl, rows)
            cache.set(data_key, entry, ttl)
        if len(_LOCAL_CHOICES) > 64:
            _LOCAL_CHOICES.clear()
        # No longer than the shared copy: it carries the instant it expires.
        _LOCAL_CHOICES[data_key] = entry
    return entry[1]


_ROWS_HTML: dict[int, tuple] = {}  # id(rows) -> (rows, their FixedOptions)


def cached_options(iterator):
    """For `core.forms.select_options_html`: the options of a cached list as `FixedOptions`
    segments (the empty/null choice; the list's rows, escaped once per list read); None when the
    list is not cached."""
    field = iterator.field
    if not choices_cache_enabled() or getattr(field, "choices_key", None) is None:
        return None
    rows = cached_choices(field, iterator.rows)
    memo = _ROWS_HTML.get(id(rows))
    if memo is None or memo[0] is not rows:
        if len(_ROWS_HTML) > 64:
            _ROWS_HTML.clear()
        options = FixedOptions([option_html(value, label) for value, label in rows])
        memo = _ROWS_HTML[id(rows)] = (rows, options)
    head = []
    if field.empty_label is not None:
        head.append(option_html("", field.empty_label))
    if field.null_label is not None:
        head.append(option_html(field.null_value, field.null_label))
    return [FixedOptions(head), memo[1]]


class CachedChoicesMixin:
    """A model choice field whose options (not its validation, which asks the database) may come
    from the cache (`cached_choices`), under a key computed from its queryset when first needed
    (`LeanFilterSet` computes it once per filter set class) and forgotten when the queryset is
    replaced."""

    choices_kind = ""

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.__dict__.pop("_choices_key", None)

    queryset = property(ModelChoiceField._get_queryset, _set_queryset)

    @property
    def choices_key(self):
        try:
            return self.__dict__["_choices_key"]
        except KeyError:
            key = None if self._queryset is None else choices_key(self._queryset, self.choices_kind)
            self.__dict__["_choices_key"] = key
            return key


class _OptionsIterator(ModelChoiceIterator):
    """The empty and null choices as Django's iterator gives them, then `options()`: by default
    the (value, label) rows of `rows()`, through the cache (`cached_choices`)."""

    fixed_options = cached_options

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from self.options()

    def options(self):
        return cached_choices(self.field, self.rows)


class UserChoiceIterator(_OptionsIterator):
    """A select of people from one `values_list` query: no User object per option and no
    server-side cursor (PostgreSQL: DECLARE, FETCH, CLOSE) for a list of a few hundred names.
    The options are the same (pk, name) pairs as the model iterator's."""

    def rows(self) -> list:
        from presales.accounts.models import User

        label_of = User.label_of
        return [(pk, label_of(*names)) for pk, *names in self.queryset.values_list("pk", *User.LABEL_FIELDS)]


class UserChoiceField(CachedChoicesMixin, ModelChoiceField):
    iterator = UserChoiceIterator
    choices_kind = "users"


class UserChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter by one person (a queryset of users), listed cheaply (`UserChoiceIterator`)."""

    field_class = UserChoiceField


class ListedModelChoiceIterator(_OptionsIterator):
    """A select of a small table (teams) from one plain query. Django's iterator reads the rows
    through `QuerySet.iterator()`, which on PostgreSQL is a server-side cursor (DECLARE, FETCH,
    CLOSE: three round trips) meant for large results. The options are the same; read from the
    cache (`cached_choices`), an option's value is the primary key rather than Django's
    ModelChoiceIteratorValue (which also carries the row): the same text in the page."""

    def options(self):
        if not choices_cache_enabled() or getattr(self.field, "choices_key", None) is None:
            return (self.choice(obj) for obj in self.queryset.all())
        return cached_choices(self.field, self.rows)

    def rows(self) -> list:
        label = self.field.label_from_instance
        return [(self.field.prepare_value(obj), label(obj)) for obj in self.queryset.all()]


class ListedModelChoiceField(CachedChoicesMixin, ModelChoiceField):
    iterator = ListedModelChoiceIterator
    choices_kind = "rows"


class ListedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter by one row of a small table (a team), listed with one plain query."""

    field_class = ListedModelChoiceField


# --- a lean FilterSet ------------------------------------------------------------------------------
# django-filter deep-copies every filter per FilterSet instance, builds a new Form class per
# instance (`get_form_class`), and Django's `Form.__init__` deep-copies every field again, choice
# lists included (`ChoiceField.__deepcopy__`: each lazy label of each choice): about 1 ms of a
# filter bar. `LeanFilterSet` does the same work with copies as shallow as the objects allow.


def _shallow(obj):
    """`copy.copy(obj)` for a plain object (no __slots__, __copy__ or pickling hooks of its own):
    a new instance with the same `__dict__`, without `copy`'s `__reduce_ex__` round trip."""
    cls = type(obj)
    plain = _PLAIN_CLASSES.get(cls)
    if plain is None:
        plain = _PLAIN_CLASSES[cls] = _plain_class(cls)
    if plain:
        new = cls.__new__(cls)
        new.__dict__.update(obj.__dict__)
        return new
    return copy.copy(obj)


_PLAIN_CLASSES: dict[type, bool] = {}


def _plain_class(cls) -> bool:
    return (
        getattr(cls, "__copy__", None) is None
        and cls.__reduce_ex__ is object.__reduce_ex__
        and cls.__reduce__ is object.__reduce__
        and cls.__getstate__ is object.__getstate__
        and cls.__new__ is object.__new__
        and not any("__slots__" in vars(base) for base in cls.__mro__[:-1])
    )


def _lean_field_copy(field, memo):
    """What `copy.deepcopy(field)` gives for the field kinds of our filter bars, without copying the
    choice list (never changed in place: a form that needs other choices assigns new ones) nor
    cloning a queryset twice. Any other kind of field or widget is deep-copied as Django does."""
    if (type(field).__deepcopy__ not in _PLAIN_FIELD_COPIES
            or type(field.widget).__deepcopy__ not in _PLAIN_WIDGET_COPIES):
        return copy.deepcopy(field, memo)
    result = _shallow(field)
    widget = result.widget = _shallow(field.widget)
    widget.attrs = field.widget.attrs.copy()
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
        # As ModelChoiceField.__deepcopy__ (Django #11183): a queryset and an iterator of its own.
        result._queryset = field._queryset.all()
        widget.choices = result.choices
    return result


_PLAIN_FIELD_COPIES = (forms.Field.__deepcopy__, forms.ChoiceField.__deepcopy__,
                       forms.ModelChoiceField.__deepcopy__)
_PLAIN_WIDGET_COPIES = (forms.Widget.__deepcopy__, forms.widgets.ChoiceWidget.__deepcopy__)


class LeanFields(dict):
    """A form class's `base_fields` whose deep copy (`BaseForm.__init__`) is `_lean_field_copy`."""

    def __deepcopy__(self, memo):
        fields = {name: _lean_field_copy(field, memo) for name, field in self.items()}
        box = {}  # the cache stamp of the cached selects, read once per form (cached_choices)
        for field in fields.values():
            if isinstance(field, CachedChoicesMixin):
                field.choices_box = box
        return fields


def _filter_copy(filter_, parent, model):
    """A filter of one FilterSet instance: what django-filter's deep copy gives, sharing what no
    filter changes (its field once built, choices, querysets). `extra` (which `field` may write the
    queryset to) is its own, and a `method` filter resolves against the new filter's parent."""
    new = _shallow(filter_)
    new.extra = filter_.extra.copy()
    if isinstance(filter_.__dict__.get("filter"), FilterMethod):
        new.filter = FilterMethod(new)
    new.model = model
    new.parent = parent
    return new


class LeanFilterSet(django_filters.FilterSet):
    """A FilterSet with the same filters, form, errors and querysets as django-filter's, built
    without deep copies per request and with its form class built once per FilterSet class.

    The form class is shared (`_class_form`) when the filters cannot depend on the request: no
    filter takes a callable queryset, the subclass keeps this `__init__` (one that changes its
    filters after `super().__init__()` gets its own form class per instance, as in django-filter)
    and the queryset is of the model of `Meta`. Its selects render their options directly
    (`core.forms.FastSelectMixin`)."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        model = queryset.model
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: _filter_copy(f, self, model) for name, f in self.base_filters.items()}
        form_class = self._class_form() if model is self._meta.model else None
        if form_class is not None:
            fields = form_class.base_fields
            for name, filter_ in self.filters.items():
                filter_._field = fields[name]
            self._form_class = form_class

    @classmethod
    def _class_form(cls):
        if "_lean_form" not in cls.__dict__:
            cls._lean_form = cls._build_class_form() if cls._shareable() else None
        return cls._lean_form

    @classmethod
    def _shareable(cls) -> bool:
        return (
            cls.__init__ is LeanFilterSet.__init__
            and cls.get_form_class is LeanFilterSet.get_form_class
            and not any(callable(getattr(f, "queryset", None)) for f in cls.base_filters.values())
        )

    @classmethod
    def _build_class_form(cls):
        model = cls._meta.model
        fields = {}
        for name, f in cls.base_filters.items():
            field = fields[name] = _filter_copy(f, None, model).field
            if isinstance(field, CachedChoicesMixin):
                field.choices_key  # noqa: B018 (computed once here, shared by every copy)
        return lean_form_class(f"{cls.__name__}Form", cls._meta.form, fields)

    def get_form_class(self):
        form_class = getattr(self, "_form_class", None)
        if form_class is not None:
            return form_class
        fields = {name: filter_.field for name, filter_ in self.filters.items()}
        return lean_form_class(f"{type(self).__name__}Form", self._meta.form, fields)


def lean_form_class(name, base, fields):
    """A form class of these fields whose instances copy them leanly (`LeanFields`) and whose plain
    selects render their options directly (`fast_widget`)."""
    for field in fields.values():
        field.widget = fast_widget(field.widget)
    form_class = type(name, (base,), dict(fields))
    form_class.base_fields = LeanFields(form_class.base_fields)
    return form_class
