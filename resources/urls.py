from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "resources"

urlpatterns = [
    path("", views.home, name="home"),
    path(_("secteurs/<slug:slug>/"), views.sector_detail, name="sector-detail"),
    path(_("municipalites/<slug:slug>/"), views.municipality_detail, name="municipality-detail"),
    path(_("organismes/<slug:slug>/"), views.organization_detail, name="organization-detail"),
    path(_("ma-liste/"), views.my_list, name="my-list"),
    path(_("services/<slug:slug>/"), views.service_detail, name="service-detail"),
]
