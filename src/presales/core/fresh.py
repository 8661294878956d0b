"""A new, empty database built in seconds instead of minutes.

Applying the ~40 migrations one operation at a time costs Django about 70 s of CPU here: after
each operation it re-renders every model related to the one changed, and with simple-history's
shadow models nearly all ~200 models are related to the user model. On an *empty* database the
result is known in advance: the schema of the current models, the migrations recorded as applied,
and whatever the migrations' data operations write (roles, document categories, the KPI library,
the POC guide, the solution section catalogue, the full-text index objects).

So, for an empty database only, `create_schema` builds exactly that directly:

1. the tables of the current models, as `migrate --run-syncdb` creates them for apps without
   migrations (every app's migrations switched off for that one call);
2. every migration's data operation (`RunPython`, `RunSQL`), in the order of the migration plan,
   run against the final models (with simple-history's recording off, as on historical models);
3. every migration recorded as applied, so the next `migrate` continues from there as usual.

`tests/core/test_fresh_schema.py` builds one database each way (this path, and the migrations
applied one by one) and requires the same tables, columns, constraints, indexes and rows. A
database that has any table goes through Django's own `migrate` unchanged.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.core.management import call_command
from django.db import connections, router
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations.special import RunPython, RunSQL, SeparateDatabaseAndState
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings


class _NoMigrations(dict):
    """MIGRATION_MODULES value that switches every app's migrations off."""

    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


def is_empty(connection) -> bool:
    """True when the database has no table at all (a new SQLite file, a new PostgreSQL database)."""
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _data_operations(operations):
    for operation in operations:
        if isinstance(operation, RunPython | RunSQL):
            yield operation
        elif isinstance(operation, SeparateDatabaseAndState):
            yield from _data_operations(operation.database_operations)


def _through_keys_as_migrations_make_them(connection, schema_editor) -> None:
    """An automatic many-to-many table's `id` gets its type from its app's `default_auto_field`
    when built from the models, but from `settings.DEFAULT_AUTO_FIELD` when built by migrations
    (their app stubs carry no such attribute): `auth_group_permissions.id` is `integer` one way and
    `bigint` the other on PostgreSQL. Make it what the migrations make."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    default = import_string(settings.DEFAULT_AUTO_FIELD)
    for model in global_apps.get_models(include_auto_created=True):
        if not model._meta.auto_created:
            continue
        old = model._meta.pk
        new = default(verbose_name="ID", primary_key=True, serialize=False, auto_created=True)
        new.set_attributes_from_name(old.name)
        new.model = model
        if old.db_type(connection) != new.db_type(connection):
            schema_editor.alter_field(model, old, new)


def _plan(connection):
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)


def replay_data_operations(database: str = "default", *, plan=None, fresh: bool = False) -> int:
    """Run every migration's data operation, in plan order, against the current models. They are
    idempotent (get_or_create, update_or_create, IF NOT EXISTS), so this also restores the
    reference data after a flush (the test suite does, see tests/conftest.py)."""
    connection = connections[database]
    plan = _plan(connection) if plan is None else plan
    replayed = 0
    # The data operations run on the real models here, not on the migrations' historical ones:
    # keep simple-history from writing history rows that the migrations path does not write.
    with override_settings(SIMPLE_HISTORY_ENABLED=False), connection.schema_editor() as schema_editor:
        if fresh:
            _through_keys_as_migrations_make_them(connection, schema_editor)
        for migration, _backwards in plan:
            for operation in _data_operations(migration.operations):
                hints = getattr(operation, "hints", {}) or {}
                if not router.allow_migrate(database, migration.app_label, **hints):
                    continue
                if isinstance(operation, RunPython):
                    operation.code(global_apps, schema_editor)
                else:
                    operation._run_sql(schema_editor, operation.sql)
                replayed += 1
    return replayed


def create_schema(database: str = "default", *, verbosity: int = 1, stdout=None) -> int:
    """Build the schema of an empty database from the models, replay the migrations' data
    operations and record the migrations as applied. Returns how many migrations were recorded."""
    from django.core.management.commands.migrate import Command as DjangoMigrate

    connection = connections[database]
    with override_settings(MIGRATION_MODULES=_NoMigrations()):
        # Django's own command (not ours, which would come back here), in syncdb mode: it creates
        # every table, then sends post_migrate (content types, permissions).
        call_command(DjangoMigrate(), database=database, run_syncdb=True, interactive=False, verbosity=0)

    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    plan = _plan(connection)
    replayed = replay_data_operations(database, plan=plan, fresh=True)
    for migration, _backwards in plan:
        recorder.record_applied(migration.app_label, migration.name)
    if verbosity and stdout is not None:
        stdout.write(
            f"New database: schema created from the models, {replayed} data operations replayed, "
            f"{len(plan)} migrations recorded as applied."
        )
    return len(plan)
