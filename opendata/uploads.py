"""Files sent to the admin's imports: kept between preview and confirmation, unpacked safely.

An upload is an `ImportUpload` row (the file in the database: the confirmation may reach
another worker than the preview), at most IMPORT_UPLOAD_MAX_BYTES, reachable only by the
person who sent it, deleted once imported or after IMPORT_UPLOAD_MAX_AGE seconds. An HSDS
upload is a JSON file or a ZIP of an export folder (JSON files or the CSV package, as the
admin's export gives it): a ZIP is unpacked into a temporary folder, refusing paths, too
many members and more than IMPORT_UNPACKED_MAX_BYTES unpacked.
"""

import contextlib
import datetime
import io
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .hsds.importer import total_records
from .hsds.reader import read_source
from .models import ImportUpload

HSDS_SUFFIXES = (".json", ".zip")
SPREADSHEET_SUFFIXES = (".csv", ".xlsx")
MAX_MEMBERS = 100  # an export folder holds a handful of files; the CSV package about twenty


class Refused(Exception):
    """An upload we do not take; its message says why, to staff."""


def keep(user, kind, uploaded, language=""):
    """Store the uploaded file (Django's UploadedFile) for its preview; old ones are purged."""
    purge_expired()
    suffixes = HSDS_SUFFIXES if kind == ImportUpload.Kind.HSDS else SPREADSHEET_SUFFIXES
    name = Path(uploaded.name).name[:200]
    if not name.lower().endswith(suffixes):
        raise Refused(_("Types de fichiers acceptés : %(types)s.") % {"types": ", ".join(suffixes)})
    if uploaded.size > settings.IMPORT_UPLOAD_MAX_BYTES:
        raise Refused(too_big_message())
    content = b"".join(uploaded.chunks())
    return ImportUpload.objects.create(
        kind=kind, file_name=name, content=content, uploaded_by=user, language=language
    )


def too_big_message():
    megabytes = settings.IMPORT_UPLOAD_MAX_BYTES / 1_000_000
    return _("Le fichier dépasse %(size)s Mo.") % {"size": f"{megabytes:g}"}


def find(user, token):
    """The upload `token` of `user`, or None (another person's, expired or already imported)."""
    oldest = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_UPLOAD_MAX_AGE)
    return ImportUpload.objects.filter(token=token, uploaded_by=user, created__gte=oldest).first()


def purge_expired():
    oldest = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_UPLOAD_MAX_AGE)
    ImportUpload.objects.filter(created__lt=oldest).delete()


@contextlib.contextmanager
def unpacked(upload):
    """A temporary path holding an HSDS upload as import_path reads it (a JSON file, or the
    folder of a ZIP's files); removed on leaving."""
    with tempfile.TemporaryDirectory(prefix="import-") as folder:
        content = bytes(upload.content)
        if upload.file_name.lower().endswith(".json"):
            # Its name tells the reader what it holds (services.json, organizations.json).
            path = Path(folder) / Path(upload.file_name).name
            path.write_bytes(content)
            yield path
        else:
            unzip(content, Path(folder))
            yield Path(folder)


def unzip(content, folder):
    """The ZIP's JSON and CSV files into `folder`, flat (an export folder zipped with its
    own folder name reads the same)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise Refused(_("Archive ZIP illisible.")) from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_MEMBERS:
            raise Refused(
                _("L'archive contient plus de %(count)s fichiers.") % {"count": MAX_MEMBERS}
            )
        if sum(m.file_size for m in members) > settings.IMPORT_UNPACKED_MAX_BYTES:
            raise Refused(_("L'archive décompressée serait trop grande."))
        written = 0
        for member in members:
            name = PurePosixPath(member.filename).name
            if not name.lower().endswith((".json", ".csv")) or name.startswith("."):
                continue
            target = folder / name
            if target.exists():
                raise Refused(_("L'archive contient deux fichiers %(name)s.") % {"name": name})
            with archive.open(member) as source, open(target, "wb") as out:
                # The sizes an archive declares can lie: count what is really written.
                while chunk := source.read(1 << 20):
                    written += len(chunk)
                    if written > settings.IMPORT_UNPACKED_MAX_BYTES:
                        raise Refused(_("L'archive décompressée serait trop grande."))
                    out.write(chunk)


def hsds_records(path):
    """How many records an HSDS source holds (None when it cannot be read: the import's
    preview then lists why)."""
    source = read_source(path)
    return None if source.errors else total_records(source.tables)
