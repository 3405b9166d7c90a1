"""Write the search counters kept in the cache to the unmet-needs table (search/unmet_needs.py).

Meant for cron, e.g. every 15 minutes: `manage.py flush_search_stats`. Needs the shared cache
(Redis) the site's workers count in; counters not flushed within 8 days expire.
"""

from django.core.management.base import BaseCommand

from search.unmet_needs import flush


class Command(BaseCommand):
    help = "Write the search counters kept in the cache to the unmet-needs table."

    def handle(self, *args, **options):
        written = flush()
        if written is None:
            self.stdout.write("Another flush is running; nothing done.")
        else:
            self.stdout.write(f"{written} searches written.")
