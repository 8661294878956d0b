"""`presales backup [PATH]`: one consistent backup (database and stored files) in one ZIP file.
See presales.documents.backup for the format and why it is consistent."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from presales.documents.backup import BackupError, create_backup, default_backup_path, describe


class Command(BaseCommand):
    help = "Write a consistent backup of the database and the stored files into one ZIP file."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="Where to write it (default: <data dir>/backups/presales-<time>.zip)."
        )

    def handle(self, *args, path=None, verbosity=1, **options):
        target = path or default_backup_path(settings.DATA_DIR)
        try:
            summary = create_backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Backup written: {describe(summary)}"))
