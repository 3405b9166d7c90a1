from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Recherche")

    def ready(self):
        from resources import generation

        from . import (  # noqa: F401  (they connect their signal receivers)
            lookups,
            signals,
        )

        # Lexicon edits change the results pages: their cached copies are dropped at once.
        generation.watch(self.label)
