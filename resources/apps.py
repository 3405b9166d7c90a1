from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Répertoire")

    def ready(self):
        # They connect their signal receivers: the 2-1-1 line's refresh, the content generation.
        from . import context_processors, generation  # noqa: F401
        from .roles import ensure_roles

        # The staff groups, once every permission exists (resources/roles.py).
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="resources.roles")
