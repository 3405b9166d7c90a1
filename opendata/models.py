"""An upload waiting between its preview and its confirmation in the admin (admin_views.py).

The file itself is kept in the database, not on a server's disk: the confirmation may reach
another worker or another machine than the preview did. Its size is bounded
(IMPORT_UPLOAD_MAX_BYTES), only the person who sent it may confirm it, and it is deleted once
imported, or after IMPORT_UPLOAD_MAX_AGE seconds. The model also carries the two permissions
of the admin's imports and exports (staff without them get a 403).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportUpload(models.Model):
    class Kind(models.TextChoices):
        HSDS = "hsds", _("HSDS (JSON ou paquet CSV)")
        SPREADSHEET = "spreadsheet", _("tableur (CSV ou XLSX)")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=12, choices=Kind)
    file_name = models.CharField(_("fichier"), max_length=200)
    # An HSDS file's language of the standard fields ("": the file's x211_language, or fr).
    language = models.CharField(_("langue"), max_length=2, blank=True)
    content = models.BinaryField(_("contenu"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("envoyé par")
    )
    created = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        default_permissions = ()
        permissions = [
            ("export_directory", _("Peut télécharger l'export HSDS du répertoire")),
            ("import_directory", _("Peut importer des données (HSDS, tableur)")),
        ]
        verbose_name = _("fichier à importer")
        verbose_name_plural = _("fichiers à importer")

    def __str__(self):
        return self.file_name
