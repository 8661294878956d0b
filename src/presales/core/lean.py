"""A lean read path for hot API endpoints (issue 15): print exactly what a read serializer prints,
without DRF's per-object, per-field work.

DRF shows a record by asking every field for its attribute (a generic `get_attribute` with its
checks), then for its representation; for a list of 100 POCs of 37 fields that is 3,700 such
rounds plus a model object (and two related ones) per row: most of the request. `LeanReader`
keeps the serializer as the single description of the output — field names, order, sources and
formats come from its (shared, `ReadFieldsOnce`) read fields — and turns it once per class into a
list of (name, source, converter). Rows come from `values()` (no model objects), or from objects
when a field needs a model property.

The converters reproduce DRF's `to_representation` of each field class (ISO dates and times in
the current time zone, `Z` for UTC, choices as their values, related records as their keys); a
field class without a fast converter uses its own `to_representation`, so the output cannot
differ, only the speed. `tests/core/test_lean.py` compares both paths on records that fill every
field.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, ImproperlyConfigured
from django.db import connections, models
from django.db.models.query import ValuesListIterable
from django.utils import timezone
from rest_framework import ISO_8601, fields, relations, serializers
from rest_framework.settings import api_settings

_lock = threading.Lock()


def _c_timestamptz_loader():
    """psycopg's own loader of `timestamptz` text (its C implementation with psycopg[binary] or
    [c]), or None. Django registers a Python subclass of psycopg's Python loader on every cursor
    (it re-labels the result with the connection's time zone): it parses each value with a
    regular expression, 2–3 µs a value, most of the time it takes to read 100 POCs."""
    try:
        from psycopg import adapters
        from psycopg.postgres import types
        from psycopg.pq import Format
    except ImportError:  # pragma: no cover - psycopg 2, or no PostgreSQL driver
        return None
    loader = adapters.get_loader(types["timestamptz"].oid, Format.TEXT)
    compiled = loader is not None and loader.__module__.startswith(("psycopg_binary", "psycopg_c"))
    return loader if compiled else None


_TIMESTAMPTZ_LOADER = _c_timestamptz_loader()


def fetch_tuples(queryset) -> list[tuple]:
    """`list(queryset)` of a `values_list()` queryset (not flat, not named). On PostgreSQL with
    psycopg's C loaders and USE_TZ, its time stamps are read by psycopg's C loader on this one
    cursor: the same instants (aware, in the connection's time zone, UTC), which the lean
    converters then print in the current time zone as before; the rows are otherwise Django's own
    (its converters, e.g. JSON columns, apply). Elsewhere: `list(queryset)`."""
    connection = connections[queryset.db]
    if (_TIMESTAMPTZ_LOADER is None or not settings.USE_TZ or connection.vendor != "postgresql"
            or queryset._result_cache is not None or queryset._iterable_class is not ValuesListIterable):
        return list(queryset)
    compiler = queryset.query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
        if not sql:
            raise EmptyResultSet
    except EmptyResultSet:
        return []
    with connection.cursor() as cursor:
        cursor.cursor.adapters.register_loader("timestamptz", _TIMESTAMPTZ_LOADER)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if compiler.has_extra_select:
        rows = [row[:compiler.col_count] for row in rows]
    return list(compiler.results_iter(results=[rows], tuple_expected=True))


def _datetime_converter(field) -> Callable | None:
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if output_format is None or output_format.lower() != ISO_8601 or hasattr(field, "timezone"):
        return None

    def convert(value, tz):
        if isinstance(value, str):
            return value
        if tz is not None:
            # timezone.is_aware(value), without the call
            value = value.astimezone(tz) if value.utcoffset() is not None else field.enforce_timezone(value)
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


def _converter(field) -> Callable:
    """convert(value, tz) of a non-None value, as `field.to_representation(value)` would."""
    cls = type(field)
    if isinstance(field, relations.PrimaryKeyRelatedField) and field.pk_field is None:
        return (lambda value, tz: value.pk if hasattr(value, "pk") else value)
    if cls is fields.DateTimeField:
        convert = _datetime_converter(field)
        if convert is not None:
            return convert
    if cls is fields.DateField:
        output_format = getattr(field, "format", api_settings.DATE_FORMAT)
        if output_format is not None and output_format.lower() == ISO_8601:
            return (lambda value, tz: value if isinstance(value, str) else value.isoformat())
    if cls in (fields.CharField, fields.EmailField, fields.URLField, fields.SlugField):
        return (lambda value, tz: value if type(value) is str else str(value))
    if cls is fields.IntegerField:
        return (lambda value, tz: value if type(value) is int else int(value))
    if cls is fields.BooleanField:
        return (lambda value, tz: value if type(value) is bool else field.to_representation(value))
    if cls is fields.ChoiceField:
        lookup = field.choice_strings_to_values

        def choice(value, tz):
            if value == "":
                return value
            return lookup.get(str(value), value)

        return choice
    to_representation = field.to_representation
    if cls is fields.ListField and type(field.child) is fields.CharField:
        # A list of texts (e.g. a JSON column's list) is printed as it is: str() of a str is itself.
        return (lambda value, tz: value if type(value) is list and all(type(item) is str for item in value)
                else to_representation(value))
    return (lambda value, tz: to_representation(value))


class _Step(NamedTuple):
    name: str
    path: str | None  # values() path; None: computed (attr is then the function of the row)
    attr: str | Callable  # attribute path on an object
    convert: Callable | None  # None: the column's value is already what DRF prints


_STR_COLUMNS = (models.CharField, models.TextField)


def _identity(field, model_field) -> bool:
    """DRF prints the column's value unchanged: text of a text column (str(), or a choice whose
    string is itself), a whole number of an integer column, a boolean of a boolean column, the key
    of a related record (values() and the attname give the key itself)."""
    if isinstance(field, relations.PrimaryKeyRelatedField):
        return field.pk_field is None
    cls = type(field)
    if cls in (fields.CharField, fields.ChoiceField):
        return isinstance(model_field, _STR_COLUMNS)
    if cls is fields.IntegerField:
        return isinstance(model_field, models.IntegerField)
    if cls is fields.BooleanField:
        return isinstance(model_field, models.BooleanField)
    return False


class LeanReader:
    """The read representation of `serializer_class` (a `ReadFieldsOnce` serializer), built once.

    `computed` maps a field name to a function of the row (dict or object) that gives the field's
    attribute when its source is not a column (a model property); the field's conversion still
    applies. `columns` names the columns such functions read when rows come from `values()`.
    Nested serializers are not handled: add them to the dict the reader returns (see the POC
    detail)."""

    def __init__(self, serializer_class, *, computed: dict[str, Callable] | None = None,
                 columns: Iterable[str] = (), skip: Iterable[str] = ()):
        self.serializer_class = serializer_class
        self.computed = computed or {}
        self.extra_columns = tuple(columns)
        self.skip = frozenset(skip)
        self._plan = None

    # --- the plan: built once per reader (the serializer's read fields are shared per class) ---
    def _build(self):
        model = self.serializer_class.Meta.model
        read_fields = self.serializer_class._shared_read_fields()
        plan, paths = [], []
        for name, field in read_fields.items():
            if field.write_only or name in self.skip:
                continue
            if name in self.computed:
                plan.append(_Step(name, None, self.computed[name], _converter(field)))
                continue
            if isinstance(field, serializers.BaseSerializer | relations.ManyRelatedField) or (
                    isinstance(field, relations.RelatedField)
                    and not isinstance(field, relations.PrimaryKeyRelatedField)):
                raise ImproperlyConfigured(f"{self.serializer_class.__name__}.{name}: not handled (nested, "
                                           "to-many or not a key); give it in `computed` or `skip` it")
            attrs = list(field.source_attrs)
            path, attr, model_field = self._path(model, attrs, field)
            plan.append(_Step(name, path, attr, None if _identity(field, model_field) else _converter(field)))
            paths.append(path)
        return plan, tuple(dict.fromkeys([*paths, *self.extra_columns]))

    @staticmethod
    def _path(model, attrs, field):
        """The values() path, the attribute path and the model field of a field's source; refuses
        a source that is not a column (it belongs in `computed`)."""
        current = model
        for i, attr in enumerate(attrs):
            try:
                model_field = current._meta.get_field(attr)
            except FieldDoesNotExist:
                where = f"{field.parent.__class__.__name__}.{field.field_name}"
                raise ImproperlyConfigured(f"{where}: source {'.'.join(attrs)} is not a column; give it in "
                                           "`computed`") from None
            last = i == len(attrs) - 1
            if model_field.is_relation and not last:
                current = model_field.related_model
                continue
            if model_field.is_relation and (model_field.many_to_many or model_field.one_to_many):
                raise ImproperlyConfigured(f"{field.field_name}: a to-many relation, not handled")
            if not last:
                raise ImproperlyConfigured(f"{field.field_name}: {attr} is not a relation")
            if model_field.is_relation:
                # The key: values("opportunity") gives the id, an object its attname.
                return "__".join(attrs), ".".join([*attrs[:-1], model_field.attname]), model_field
            return "__".join(attrs), ".".join(attrs), model_field
        raise ImproperlyConfigured(f"{field.field_name}: empty source")

    @property
    def plan(self):
        if self._plan is None:
            with _lock:
                if self._plan is None:
                    self._plan = self._build()
        return self._plan[0]

    @property
    def columns(self) -> tuple[str, ...]:
        """What to pass to `values()`."""
        self.plan  # noqa: B018 - builds it
        return self._plan[1]

    # --- output --------------------------------------------------------------------------------------
    def _compiled(self, kind: str) -> Callable:
        """represent(rows, tz) for rows of `kind` ("dicts" of values(), "tuples" of values_list()
        in the order of `columns`): one generated comprehension that builds each item in the
        serializer's order, copies the columns DRF prints unchanged and converts the others (not
        None), without a loop over the plan per row. Built once per reader and kind."""
        cache = self.__dict__.setdefault("_compiled_fns", {})
        fn = cache.get(kind)
        if fn is not None:
            return fn
        plan, columns = self.plan, self.columns
        index = {column: i for i, column in enumerate(columns)}
        namespace, items = {}, []
        for n, step in enumerate(plan):
            if step.path is None:
                namespace[f"f{n}"] = step.attr
                if kind == "tuples":
                    # A computed field's function reads the columns declared in `columns`.
                    arg = "{" + ", ".join(f"{c!r}: r[{index[c]}]" for c in self.extra_columns) + "}"
                else:
                    arg = "r"
                expr = f"f{n}({arg})"
            else:
                expr = f"r[{index[step.path]}]" if kind == "tuples" else f"r[{step.path!r}]"
            if step.convert is not None:
                namespace[f"c{n}"] = step.convert
                expr = f"(None if (v{n} := {expr}) is None else c{n}(v{n}, tz))"
            items.append(f"{step.name!r}: {expr}")
        source = "def represent(rows, tz):\n    return [{" + ", ".join(items) + "} for r in rows]\n"
        exec(compile(source, f"<LeanReader {self.serializer_class.__name__} {kind}>", "exec"), namespace)
        fn = cache[kind] = namespace["represent"]
        return fn

    def represent(self, rows: Iterable, *, objects: bool = False, tuples: bool = False) -> list[dict]:
        """The representations of `rows`: dicts from `values(*self.columns)`, tuples from
        `values_list(*self.columns)` (`tuples`), or model objects (`objects`)."""
        tz = timezone.get_current_timezone() if settings.USE_TZ else None
        if not objects:
            return self._compiled("tuples" if tuples else "dicts")(rows, tz)
        plan = self.plan
        converted = self.__dict__.get("_converted")
        if converted is None:
            converted = [(step.name, step.convert) for step in plan if step.convert]
            self.__dict__["_converted"] = converted
        getters = self.__dict__.get("_object_getters")
        if getters is None:
            getters = self.__dict__["_object_getters"] = [
                (step.name, attrgetter(step.attr) if step.path else step.attr) for step in plan]
        out = []
        for row in rows:
            item = {name: get(row) for name, get in getters}
            for name, convert in converted:
                value = item[name]
                if value is not None:
                    item[name] = convert(value, tz)
            out.append(item)
        return out

    def one(self, row, *, objects: bool = False, tuples: bool = False) -> dict:
        return self.represent([row], objects=objects, tuples=tuples)[0]


# --- the JSON of each row written by PostgreSQL ------------------------------------------------------
# For the longest lists (a page of 100 POCs of 35 fields) even the lean path spends most of the
# request reading 3,500 typed values into Python and converting dates and times. On PostgreSQL the
# database can write each row's JSON itself, as text, from the same page query: Python then only
# joins the texts (orjson.Fragment). Each field is written as DRF writes it — the cases below are
# the only ones handled; a serializer with any other field keeps the Python path — and a value the
# SQL cannot prove the same (a JSON list that is not all text) makes the row NULL, which sends the
# whole page back to the Python path. tests/core/test_lean.py compares both, byte for byte.

def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _json_key(name: str) -> str:
    import json

    return json.dumps(name, ensure_ascii=False)


class _SqlValue(NamedTuple):
    value: str  # SQL text of the JSON of the value (never NULL)
    guard: str | None = None  # SQL: true when the value is the one DRF prints (else the Python path)
    lateral: tuple[str, ...] = ()  # expressions computed once per row, named by the value


def _sql_value(field, model_field, ref: str, name: str) -> _SqlValue | None:
    """How PostgreSQL writes the JSON of column `ref` as DRF's `field` prints it, or None."""
    cls = type(field)
    if isinstance(field, relations.PrimaryKeyRelatedField):
        if field.pk_field is not None or not isinstance(model_field.target_field, models.IntegerField):
            return None
        return _SqlValue(f"COALESCE(({ref})::text, 'null')")
    if cls in (fields.CharField, fields.ChoiceField) and _identity(field, model_field):
        return _SqlValue(f"COALESCE(to_json({ref})::text, 'null')")
    big_as_number = cls is fields.BigIntegerField and not getattr(
        field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
    if (cls is fields.IntegerField or big_as_number) and isinstance(model_field, models.IntegerField):
        return _SqlValue(f"COALESCE(({ref})::text, 'null')")
    if cls is fields.BooleanField and isinstance(model_field, models.BooleanField):
        return _SqlValue(f"CASE WHEN {ref} IS NULL THEN 'null' WHEN {ref} THEN 'true' ELSE 'false' END")
    if cls is fields.DateField and isinstance(model_field, models.DateField) and not isinstance(
            model_field, models.DateTimeField):
        output_format = getattr(field, "format", api_settings.DATE_FORMAT)
        if output_format is None or output_format.lower() != ISO_8601:
            return None
        return _SqlValue(f"""CASE WHEN {ref} IS NULL THEN 'null' """
                         f"""ELSE '"' || to_char({ref}, 'YYYY-MM-DD') || '"' END""")
    if cls is fields.DateTimeField and isinstance(model_field, models.DateTimeField):
        if _datetime_converter(field) is None:
            return None
        # value.astimezone(tz).isoformat(), "+00:00" written "Z": the local wall time with its
        # microseconds when not 0 (".000000" can only be the fraction), then the offset, the local
        # time less UTC's. An offset with seconds (local mean times before 1900) is left to Python.
        local, utc = f"t.{name}_l", f"t.{name}_u"
        value = (f"""CASE WHEN {ref} IS NULL THEN 'null' ELSE concat('"', """
                 f"""replace(to_char({local}, 'YYYY-MM-DD"T"HH24:MI:SS.US'), '.000000', ''), """
                 f"CASE WHEN {local} = {utc} THEN 'Z' "
                 f"WHEN {local} > {utc} THEN '+' || to_char({local} - {utc}, 'HH24:MI') "
                 f"""ELSE '-' || to_char({utc} - {local}, 'HH24:MI') END, '"') END""")
        guard = f"({ref} IS NULL OR date_part('second', {local} - {utc}) = 0)"
        lateral = (f"{ref} AT TIME ZONE %s AS {name}_l", f"{ref} AT TIME ZONE 'UTC' AS {name}_u")
        return _SqlValue(value, guard, lateral)
    if (cls is fields.ListField and type(field.child) is fields.CharField
            and isinstance(model_field, models.JSONField)
            and model_field.encoder is None and model_field.decoder is None):
        # A list of texts, printed as it is; anything else in the column goes through Python. jsonb
        # writes such a list as ["a", "b"], its texts escaped as to_json escapes them: only the
        # separators differ, and `", "` cannot occur inside a text (its quotes are escaped).
        value = f"""CASE WHEN {ref} IS NULL THEN 'null' ELSE replace(({ref})::text, '", "', '","') END"""
        texts = '^\\[("([^"\\\\]|\\\\.)*"(, "([^"\\\\]|\\\\.)*")*)?\\]$'  # ["…", "…"], escapes kept
        guard = f"({ref} IS NULL OR ({ref})::text ~ '{texts}')"
        return _SqlValue(value, guard)
    return None


def _concat(parts: list[str]) -> str:
    """concat() of the parts (one text built once, not a chain of ||), nested past its 100 arguments."""
    if len(parts) <= 90:
        return f"concat({', '.join(parts)})"
    return _concat([_concat(parts[i:i + 90]) for i in range(0, len(parts), 90)])


class JsonRows:
    """The JSON text of each row of a LeanReader, written by PostgreSQL.

    `fetch(sliced)` takes the values_list() queryset the Python path would read (its columns in
    `reader.columns` order, possibly one annotation more at the end, e.g. a total) and returns
    `[(orjson.Fragment(json), *extra)]`, or None where this path does not apply (another
    database, a time zone without a name, a serializer field it does not write, a row it cannot
    prove): the caller then reads the rows the usual way."""

    def __init__(self, reader: LeanReader, *, computed_sql: dict[str, str] | None = None):
        self.reader = reader
        self.computed_sql = computed_sql or {}
        self._template = None  # (object SQL, LATERAL SQL or "", time-zone parameter count) or False

    def _build(self):
        reader = self.reader
        model = reader.serializer_class.Meta.model
        read_fields = reader.serializer_class._shared_read_fields()
        index = {column: i for i, column in enumerate(reader.columns)}
        parts, guards, laterals = [], [], []
        for n, step in enumerate(reader.plan):
            field = read_fields[step.name]
            if step.path is None:
                sql = self.computed_sql.get(step.name)
                if sql is None or type(field) is not fields.BooleanField:
                    return False
                sql = sql.format(**{c: f"sub.c{index[c]}" for c in reader.extra_columns})
                got = _SqlValue(f"CASE WHEN ({sql}) IS NULL THEN 'null' WHEN ({sql}) THEN 'true' "
                                "ELSE 'false' END")
            else:
                _path, _attr, model_field = reader._path(model, list(field.source_attrs), field)
                got = _sql_value(field, model_field, f"sub.c{index[step.path]}", f"v{n}")
                if got is None:
                    return False
            parts.append(_sql_literal(("{" if n == 0 else ",") + _json_key(step.name) + ":"))
            parts.append(got.value)
            if got.guard:
                guards.append(got.guard)
            laterals.extend(got.lateral)
        parts.append("'}'")
        obj = _concat(parts)
        if guards:
            obj = f"CASE WHEN {' AND '.join(guards)} THEN {obj} END"
        lateral = f" CROSS JOIN LATERAL (SELECT {', '.join(laterals)}) AS t" if laterals else ""
        return obj, lateral, lateral.count("%s")

    def fetch(self, sliced):
        connection = connections[sliced.db]
        if connection.vendor != "postgresql" or sliced._iterable_class is not ValuesListIterable:
            return None
        tz = timezone.get_current_timezone() if settings.USE_TZ else None
        tz_name = getattr(tz, "key", None)
        if tz_name is None:
            return None
        if self._template is None:
            with _lock:
                if self._template is None:
                    self._template = self._build()
        if self._template is False:
            return None
        template, lateral, tz_count = self._template
        compiler = sliced.query.get_compiler(sliced.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return []
        width = len(self.reader.columns)
        extra = compiler.col_count - width
        if extra < 0 or compiler.has_extra_select:
            return None
        names = [f"c{i}" for i in range(compiler.col_count)]
        outer = (f"SELECT {template}{''.join(f', sub.{name}' for name in names[width:])} "
                 f"FROM ({sql}) AS sub({', '.join(names)}){lateral}")
        with connection.cursor() as cursor:
            # The page query's parameters come first in the text, then the time zone's (LATERAL).
            cursor.execute(outer, (*params, *([tz_name] * tz_count)))
            rows = cursor.fetchall()
        if any(row[0] is None for row in rows):
            return None
        import orjson

        return [(orjson.Fragment(row[0]), *row[1:]) for row in rows]
