"""Rebuild the knowledge base's search index (after the segmentation dictionary changed)."""

from django.core.management.base import BaseCommand

from presales.knowledge import index, segment


class Command(BaseCommand):
    help = "Re-segment every knowledge article and rewrite its full-text index (tsvector / FTS5)."

    def handle(self, *args, **options):
        segment.reload_terms()
        n = index.reindex_all()
        self.stdout.write(self.style.SUCCESS(f"{n} articles re-indexed."))
