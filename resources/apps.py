from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Répertoire")

    def ready(self):
        from . import context_processors  # noqa: F401  (connects the 2-1-1 line's refresh)
