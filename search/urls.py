from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "search"

urlpatterns = [
    path("", views.results, name="results"),
]

# The sector and municipality pages: results listings with their sector or place set. Their
# names stay in the public pages' namespace, `resources` (Sector.get_absolute_url, sitemaps,
# templates), as do their translated paths: directory211/urls.py includes these with
# resources.urls.urlpatterns under that namespace.
BROWSING = [
    path(_("secteurs/<slug:slug>/"), views.sector_detail, name="sector-detail"),
    path(_("municipalites/<slug:slug>/"), views.municipality_detail, name="municipality-detail"),
]
