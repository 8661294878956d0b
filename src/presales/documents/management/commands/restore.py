"""`presales restore PATH`: restore a backup made by `presales backup` into an empty, migrated
database (same release) and the default storage; every row count and file is verified."""

from django.core.management.base import BaseCommand, CommandError

from presales.documents.backup import BackupError, describe, restore_backup


class Command(BaseCommand):
    help = "Restore a backup (database and stored files) into an empty database migrated by the same release."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup ZIP file written by `presales backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the contents of a database that is not empty (everything in it is lost).",
        )

    def handle(self, *args, path, force=False, verbosity=1, **options):
        try:
            summary = restore_backup(path, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Restored: {describe(summary)}"))
