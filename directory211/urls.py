"""Public pages live under /fr/ and /en/ with translated path words; the admin and API do not."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from resources import invitations
from resources import urls as resources_urls
from resources.sitemaps import SITEMAPS, robots_txt
from search import urls as search_urls

from . import health, offline

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Staff invitations: the link that sets a password (resources/invitations.py).
    path(settings.ADMIN_URL, include(invitations.urlpatterns)),
    path(settings.ADMIN_URL, admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("opendata.api.urls")),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # At the root, so that its scope is the whole site (directory211/offline.py).
    path("sw.js", offline.service_worker, name="service-worker"),
]

# `/` redirects to /fr/ or /en/ by the visitor's Accept-Language (LocaleMiddleware, as the
# default language is prefixed too); French when neither is asked for.
urlpatterns += i18n_patterns(
    path(_("recherche/"), include("search.urls")),
    path(_("a-propos/"), TemplateView.as_view(template_name="pages/about.html"), name="about"),
    path(
        _("confidentialite/"),
        TemplateView.as_view(template_name="pages/privacy.html"),
        name="privacy",
    ),
    path(
        _("accessibilite/"),
        TemplateView.as_view(template_name="pages/accessibility.html"),
        name="accessibility",
    ),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path(_("hors-ligne/"), offline.offline_page, name="offline"),
    # The public pages' namespace: resources' pages and the search app's sector and
    # municipality listings (search/urls.py, BROWSING), which keep their names there.
    path("", include((resources_urls.urlpatterns + search_urls.BROWSING, "resources"))),
)

# Error pages that render without the database (directory211/errors.py).
handler400 = "directory211.errors.bad_request"
handler404 = "directory211.errors.page_not_found"
handler500 = "directory211.errors.server_error"
