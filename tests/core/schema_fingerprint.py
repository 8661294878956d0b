"""Run as a script (the test starts it in a new process, on a new database given by DATABASE_URL):
`migrate` the empty database (the fast path, or `--from-migrations` for the slow one), then print
a JSON fingerprint of what is in it — tables, columns, constraints and indexes, the recorded
migrations, and every model's rows by value — for tests/core/test_fresh_schema.py to compare."""

import datetime
import decimal
import json
import os
import sys
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "presales.settings")
os.environ.setdefault("PRESALES_ALLOW_INSECURE_KEY", "1")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402

FTS_PREFIX = "knowledge_article_fts"


def _columns(cursor, table):
    if connection.vendor == "sqlite":
        # PRAGMA, not Django's introspection (it trips over a CHECK with "IN (-1, 0, 1)")
        cursor.execute(f'PRAGMA table_info("{table}")')
        return sorted([name, kind, not notnull, default, pk] for _cid, name, kind, notnull, default, pk in cursor.fetchall())
    return sorted(
        [column.name, str(column.type_code), bool(column.null_ok)]
        for column in connection.introspection.get_table_description(cursor, table)
    )


def _sqlite_constraints(cursor, table):
    """Named constraints as written in CREATE TABLE, indexes and foreign keys, read with PRAGMA."""
    cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
    create = cursor.fetchone()[0] or ""
    body = create[create.index("(") + 1 : create.rindex(")")] if "(" in create else ""
    parts, depth, current = [], 0, ""
    for char in body:  # the column and constraint definitions: split at the top-level commas
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    named = sorted(parts)  # in any order: a column added later by a migration comes last in SQLite
    cursor.execute(f'PRAGMA index_list("{table}")')
    indexes = []
    for _seq, name, unique, origin, partial in cursor.fetchall():
        cursor.execute(f'PRAGMA index_xinfo("{name}")')
        columns = [[column, desc] for _n, _cid, column, desc, *_rest in cursor.fetchall() if column is not None]
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
        row = cursor.fetchone()
        indexes.append([name if origin == "c" else origin, bool(unique), bool(partial), columns, (row or [None])[0]])
    cursor.execute(f'PRAGMA foreign_key_list("{table}")')
    keys = sorted([ref, src, dst, on_update, on_delete] for _id, _seq, ref, src, dst, on_update, on_delete, _m in cursor.fetchall())
    return {"named": named, "indexes": sorted(indexes, key=json.dumps), "foreign_keys": keys}


def _constraints(cursor, table):
    if connection.vendor == "sqlite":
        return _sqlite_constraints(cursor, table)
    found = []
    for name, info in connection.introspection.get_constraints(cursor, table).items():
        found.append(
            [
                name,
                list(info.get("columns") or []),
                bool(info.get("primary_key")),
                bool(info.get("unique")),
                list(info.get("foreign_key") or []),
                bool(info.get("check")),
                bool(info.get("index")),
                str(info.get("type") or ""),
                list(info.get("orders") or []),
            ]
        )
    return sorted(found)


def _value(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return "<time>"  # created/updated stamps differ between two builds by seconds
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _rows(model):
    fields = [
        field.attname
        for field in model._meta.concrete_fields
        if not field.primary_key and not field.is_relation and not isinstance(field, models.DateTimeField)
    ]
    rows = [[_value(v) for v in row] for row in model._default_manager.values_list(*fields)] if fields else []
    return sorted(json.dumps(row, sort_keys=True, default=str, ensure_ascii=False) for row in rows)


def main():
    call_command("migrate", *sys.argv[1:], interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        schema = {
            table: {"columns": _columns(cursor, table), "constraints": _constraints(cursor, table)}
            if not table.startswith(FTS_PREFIX)
            else {"columns": "fts5", "constraints": "fts5"}  # SQLite's full-text table: introspection can't read it
            for table in tables
        }
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        applied = [list(row) for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    data = {model._meta.label: _rows(model) for model in apps.get_models() if model._meta.managed}
    json.dump({"schema": schema, "applied": applied, "counts": counts, "data": data}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
