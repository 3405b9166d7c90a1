from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import corrections, views, views_verification

app_name = "resources"

# The sector and municipality pages are named in this namespace too ("resources:sector-detail",
# "resources:municipality-detail") but served by the search app, which lists them
# (search.urls.BROWSING); directory211/urls.py puts both lists under the namespace.

urlpatterns = [
    path("", views.home, name="home"),
    path(_("organismes/<slug:slug>/"), views.organization_detail, name="organization-detail"),
    path(_("ma-liste/"), views.my_list, name="my-list"),
    path(_("services/<slug:slug>/"), views.service_detail, name="service-detail"),
    # "Signaler une erreur" (resources/corrections.py): never kept in the page cache.
    path(
        _("organismes/<slug:slug>/signaler/"),
        corrections.report,
        {"kind": "organization"},
        name="organization-correction",
    ),
    path(
        _("organismes/<slug:slug>/signaler/merci/"),
        corrections.thanks,
        {"kind": "organization"},
        name="organization-correction-thanks",
    ),
    path(
        _("services/<slug:slug>/signaler/"),
        corrections.report,
        {"kind": "service"},
        name="service-correction",
    ),
    path(
        _("services/<slug:slug>/signaler/merci/"),
        corrections.thanks,
        {"kind": "service"},
        name="service-correction-thanks",
    ),
    path(
        _("verification-organisme/<str:token>/"),
        views_verification.verification_page,
        name="verification",
    ),
]
