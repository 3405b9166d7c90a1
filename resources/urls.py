from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views, views_verification

app_name = "resources"

# The sector and municipality pages are named in this namespace too ("resources:sector-detail",
# "resources:municipality-detail") but served by the search app, which lists them
# (search.urls.BROWSING); directory211/urls.py puts both lists under the namespace.

urlpatterns = [
    path("", views.home, name="home"),
    path(_("organismes/<slug:slug>/"), views.organization_detail, name="organization-detail"),
    path(_("ma-liste/"), views.my_list, name="my-list"),
    path(_("services/<slug:slug>/"), views.service_detail, name="service-detail"),
    path(
        _("verification-organisme/<str:token>/"),
        views_verification.verification_page,
        name="verification",
    ),
]
