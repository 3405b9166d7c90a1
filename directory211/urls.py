"""Public pages live under /fr/ and /en/ with translated path words; the admin and API do not."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("opendata.api.urls")),
]

urlpatterns += i18n_patterns(
    path(_("recherche/"), include("search.urls")),
    path("", include("resources.urls")),
)

# Error pages that render without the database (directory211/errors.py).
handler404 = "directory211.errors.page_not_found"
handler500 = "directory211.errors.server_error"
