"""The open-data app's pages in the staff admin: HSDS export, HSDS and spreadsheet imports
(opendata/admin_views.py). Their URLs are added to the admin site's, under its namespace
(`admin:opendata-...`), and the admin's index lists them as an application, "Données
ouvertes", for staff holding either permission (opendata.models.ImportUpload)."""

from django.contrib import admin
from django.urls import path, reverse
from django.utils.translation import gettext as _

from . import admin_views
from .models import ImportUpload

SPREADSHEET, HSDS = ImportUpload.Kind.SPREADSHEET, ImportUpload.Kind.HSDS


def opendata_urls():
    return [
        path("opendata/", admin_views.index, name="opendata-index"),
        path("opendata/export/", admin_views.export, name="opendata-export"),
        path(
            "opendata/import/hsds/",
            admin_views.upload,
            {"kind": HSDS},
            name="opendata-import-hsds",
        ),
        path(
            "opendata/import/spreadsheet/",
            admin_views.upload,
            {"kind": SPREADSHEET},
            name="opendata-import-spreadsheet",
        ),
        path(
            "opendata/import/<uuid:token>/",
            admin_views.preview,
            name="opendata-import-preview",
        ),
    ]


def links(user):
    """The pages `user` may open: [(name, url)]."""
    found = []
    if user.has_perm(admin_views.EXPORT_PERMISSION):
        found.append((_("Exporter en HSDS"), reverse("admin:opendata-export")))
    if user.has_perm(admin_views.IMPORT_PERMISSION):
        found.append((_("Importer des données HSDS"), reverse("admin:opendata-import-hsds")))
        found.append((_("Importer un tableur"), reverse("admin:opendata-import-spreadsheet")))
    return found


def app_entry(user):
    pages = links(user)
    if not pages:
        return None
    return {
        "name": _("Données ouvertes"),
        "app_label": "opendata",
        "app_url": reverse("admin:opendata-index"),
        "has_module_perms": True,
        "models": [
            {
                "name": name,
                "object_name": f"opendata-page-{number}",
                "admin_url": url,
                "add_url": None,
                "view_only": True,
                "perms": {"view": True},
            }
            for number, (name, url) in enumerate(pages)
        ],
    }


site = admin.site
site_urls, site_app_list = site.get_urls, site.get_app_list


def get_urls():
    return opendata_urls() + site_urls()


def get_app_list(request, app_label=None):
    apps = site_app_list(request, app_label)
    entry = app_entry(request.user) if app_label in (None, "opendata") else None
    if entry:
        apps = sorted([*apps, entry], key=lambda app: str(app["name"]).lower())
    return apps


site.get_urls = get_urls
site.get_app_list = get_app_list
