from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Recherche")

    def ready(self):
        from resources import counts as service_counts
        from resources import generation

        from . import (  # noqa: F401  (they connect their signal receivers)
            lookups,
            signals,
        )
        from .counts import home_counts

        # The home page reads its counts from the aggregate the indexer keeps.
        service_counts.provide(home_counts)

        # Lexicon edits change the results pages: their cached copies are dropped at once.
        generation.watch(self.label)
