"""The admin's imports and exports (registered by opendata/admin.py): HSDS export as a download;
HSDS and spreadsheet imports as upload → preview (a dry run: the problems, what would be
created and updated) → confirmation (the same import, for real, in one transaction).

Staff need `opendata.export_directory` or `opendata.import_directory` (a 403 otherwise). A
file over IMPORT_ADMIN_MAX_ROWS rows (spreadsheet) or IMPORT_ADMIN_MAX_RECORDS records (HSDS) is
not imported within a request: the page says which command to run instead
(docs/spreadsheet-import.md, "Large files").
"""

import datetime
import io
import tempfile
import zipfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from resources.models import Location, Organization, Service

from . import uploads
from .hsds.export import export_directory
from .hsds.importer import ImportFailed, import_path
from .models import ImportUpload
from .spreadsheet.loader import KINDS, Outcome, import_sheet
from .spreadsheet.reader import Unreadable

EXPORT_PERMISSION = "opendata.export_directory"
IMPORT_PERMISSION = "opendata.import_directory"
LANGUAGE_CHOICES = [("fr", gettext_lazy("français")), ("en", gettext_lazy("anglais"))]


def requires(permission):
    def decorator(view):
        def checked(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return admin.site.admin_view(checked)

    return decorator


def page(request, template, title, **context):
    return TemplateResponse(
        request, template, {**admin.site.each_context(request), "title": title, **context}
    )


@admin.site.admin_view
@require_safe
def index(request):
    user = request.user
    if not (user.has_perm(EXPORT_PERMISSION) or user.has_perm(IMPORT_PERMISSION)):
        raise PermissionDenied
    return page(request, "admin/opendata/index.html", _("Importer et exporter"))


# Export -------------------------------------------------------------------------------------


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("format"),
        choices=[
            ("json", gettext_lazy("JSON (fichiers HSDS)")),
            ("csv", gettext_lazy("paquet CSV (tableaux HSDS)")),
        ],
    )
    language = forms.ChoiceField(
        label=gettext_lazy("langue des champs standard"),
        choices=LANGUAGE_CHOICES,
        help_text=gettext_lazy("L'autre langue va dans les propriétés x211_."),
    )


@requires(EXPORT_PERMISSION)
@require_safe
def export(request):
    form = ExportForm(request.GET if "format" in request.GET else None)
    if not form.is_valid():
        return page(request, "admin/opendata/export.html", _("Exporter en HSDS"), form=form)
    file_format, language = form.cleaned_data["format"], form.cleaned_data["language"]
    archive = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="export-") as folder:
        written = export_directory(folder, file_format, language)
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as package:
            for path in written:
                package.write(path, Path(path).name)
    day = datetime.date.today().isoformat()
    response = HttpResponse(archive.getvalue(), content_type="application/zip")
    name = f"hsds-{file_format}-{language}-{day}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Imports ------------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("fichier"))


class HSDSUploadForm(UploadForm):
    language = forms.ChoiceField(
        label=gettext_lazy("langue des champs standard"),
        choices=[
            ("", gettext_lazy("celle du fichier (x211_language), sinon le français")),
            *LANGUAGE_CHOICES,
        ],
        required=False,
    )


UPLOADS = {
    ImportUpload.Kind.HSDS: (HSDSUploadForm, gettext_lazy("Importer des données HSDS")),
    ImportUpload.Kind.SPREADSHEET: (UploadForm, gettext_lazy("Importer un tableur")),
}


@requires(IMPORT_PERMISSION)
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request, kind):
    form_class, title = UPLOADS[kind]
    form = form_class(request.POST or None, request.FILES or None)
    if form.is_valid():
        try:
            kept = uploads.keep(
                request.user, kind, form.cleaned_data["file"], form.cleaned_data.get("language", "")
            )
        except uploads.Refused as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("admin:opendata-import-preview", token=kept.token)
    context = {
        "form": form,
        "kind": kind,
        "max_size": settings.IMPORT_UPLOAD_MAX_BYTES / 1_000_000,
    }
    return page(request, "admin/opendata/upload.html", title, **context)


@requires(IMPORT_PERMISSION)
@require_http_methods(["GET", "HEAD", "POST"])
def preview(request, token):
    """GET: the dry run of the upload; POST: the import itself (then the upload is deleted)."""
    kept = uploads.find(request.user, token)
    if kept is None:
        raise Http404(_("Ce fichier n'est plus là : envoyez-le de nouveau."))
    confirm = request.method == "POST"
    try:
        outcome = run(kept, dry_run=not confirm)
    except (Unreadable, uploads.Refused) as exc:
        outcome = Outcome(problems=[str(exc)])
    if confirm and outcome.ok:
        kept.delete()
        messages.success(request, _("Import terminé : %(file)s.") % {"file": kept.file_name})
        return redirect("admin:opendata-index")
    context = {
        "upload": kept,
        "outcome": outcome,
        "confirmed": confirm,
        "command": command_line(kept),
        "upload_url": reverse(f"admin:opendata-import-{kept.kind}"),
        "max_rows": limit_of(kept),
    }
    title = _("Aperçu de l'import : %(file)s") % {"file": kept.file_name}
    return page(request, "admin/opendata/preview.html", title, **context)


def limit_of(kept):
    if kept.kind == ImportUpload.Kind.SPREADSHEET:
        return settings.IMPORT_ADMIN_MAX_ROWS
    return settings.IMPORT_ADMIN_MAX_RECORDS


def command_line(kept):
    if kept.kind == ImportUpload.Kind.SPREADSHEET:
        return f"python manage.py import_spreadsheet {kept.file_name}"
    language = f" --language {kept.language}" if kept.language else ""
    return f"python manage.py import_hsds {kept.file_name}{language}"


def run(kept, dry_run):
    if kept.kind == ImportUpload.Kind.SPREADSHEET:
        return import_sheet(
            kept.file_name, bytes(kept.content), dry_run, settings.IMPORT_ADMIN_MAX_ROWS
        )
    return run_hsds(kept, dry_run)


def run_hsds(kept, dry_run):
    """The HSDS import of an upload, as an Outcome (its problems: the import's own messages)."""
    with uploads.unpacked(kept) as path:
        records = uploads.hsds_records(path)
        if records is not None and records > settings.IMPORT_ADMIN_MAX_RECORDS:
            return Outcome(rows=records, truncated=True)
        try:
            loader = import_path(path, dry_run=dry_run, language=kept.language or None)
        except ImportFailed as exc:
            return Outcome(problems=exc.errors)
    return Outcome(
        rows=records or 0,
        summary=hsds_summary(loader),
        warnings=loader.warnings,
        cleared=loader.cleared,
    )


def hsds_summary(loader):
    """What the HSDS import did to organizations, services and locations, by name."""
    rows = []
    for model in (Organization, Service, Location):
        created, updated, unchanged = [], [], 0
        for obj in loader.objects.values():
            if type(obj) is not model:
                continue
            state = loader.written.get((model, obj.pk))
            if state is None:
                unchanged += 1
            else:
                (created if state[0] else updated).append(str(obj))
        if created or updated or unchanged:
            rows.append((KINDS[model], sorted(created), sorted(updated), unchanged))
    return rows
