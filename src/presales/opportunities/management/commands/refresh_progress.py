from django.core.management.base import BaseCommand

from presales.opportunities import progress


class Command(BaseCommand):
    help = "Recompute every opportunity's progress status from its stage and artefacts (after an import or a restore)."

    def handle(self, *args, **options):
        changed = progress.refresh_all()
        self.stdout.write(self.style.SUCCESS(f"Progress recomputed: {changed} opportunities changed."))
