"""Rebuild the whole search index (after a bulk load, an import, or a restore)."""

from django.core.management.base import BaseCommand

from search.signals import rebuild_after_a_bulk_load


class Command(BaseCommand):
    help = "Rebuild the search index from the directory."

    def handle(self, *args, **options):
        rebuild_after_a_bulk_load(sender=None, stdout=self.stdout)
