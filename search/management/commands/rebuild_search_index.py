"""Rebuild the whole search index (after a bulk load, an import, or a restore)."""

import time

from django.core.management.base import BaseCommand

from search.indexing import refresh


class Command(BaseCommand):
    help = "Rebuild the search index from the directory."

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = refresh()
        self.stdout.write(f"{count} services indexed in {time.perf_counter() - started:.1f} s.")
