"""presales rebuild_board_totals: recount the boards' column totals from the opportunities."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from presales.opportunities import board_totals


class Command(BaseCommand):
    help = "Recount the opportunity boards' per-column counts and amounts (after a bulk import or a restore)."

    def handle(self, *args, **options):
        rows = board_totals.rebuild()
        self.stdout.write(_("Board totals rebuilt: %(rows)d rows.") % {"rows": rows})
