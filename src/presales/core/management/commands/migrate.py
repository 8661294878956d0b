"""`presales migrate`: Django's command, with a fast path for an empty database.

On a database without any table (the first `make run`, a new test database, a new deployment)
the schema is built from the models in seconds instead of applying every migration operation by
operation (minutes): see `presales.core.fresh`. Any other database, or a call naming an app, a
target, `--fake`, `--plan`, `--check` or `--prune`, goes through Django's command unchanged;
`--from-migrations` forces it."""

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from presales.core import fresh


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " An empty database is built from the models directly (see presales.core.fresh)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--from-migrations",
            action="store_true",
            help="Apply the migrations one by one even on an empty database (slow; the path the fast one is checked against).",
        )

    def handle(self, *args, **options):
        special = (
            options.get("from_migrations")
            or options.get("app_label")
            or options.get("migration_name")
            or options.get("fake")
            or options.get("fake_initial")
            or options.get("plan")
            or options.get("check_unapplied")
            or options.get("prune")
        )
        database = options["database"]
        if not special and fresh.is_empty(connections[database]):
            fresh.create_schema(database, verbosity=options["verbosity"], stdout=self.stdout)
            return
        return super().handle(*args, **options)
