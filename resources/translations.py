"""Compile the gettext catalogues of locale/ (GNU msgfmt when installed, polib otherwise, so a
machine with only Python can run the site and the tests)."""

import shutil

import polib
from django.conf import settings
from django.core.management import call_command


def compile_catalogues():
    if shutil.which("msgfmt"):
        call_command("compilemessages", verbosity=0)
        return
    for locale_dir in settings.LOCALE_PATHS:
        for po_path in locale_dir.glob("*/LC_MESSAGES/*.po"):
            polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
