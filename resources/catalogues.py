"""Compile the gettext catalogues of locale/ (GNU msgfmt when installed, polib otherwise, so a
machine with only Python can run the site and the tests). Not to be confused with
`translation.py`, which registers the translated model fields."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import polib
from django.conf import settings


def compile_catalogues(folders=None, use_msgfmt=None):
    """Compile every `*/LC_MESSAGES/*.po` of `folders` (default: LOCALE_PATHS) beside itself.
    `use_msgfmt`: None for msgfmt when installed, False for polib."""
    msgfmt = shutil.which("msgfmt") if use_msgfmt is not False else None
    for folder in folders or settings.LOCALE_PATHS:
        for po_path in sorted(Path(folder).glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            # Written aside, then moved in place: processes compiling at once (parallel test
            # workers) never read a half-written catalogue.
            with tempfile.NamedTemporaryFile(dir=po_path.parent, suffix=".mo", delete=False) as f:
                part = Path(f.name)
            if msgfmt:
                subprocess.run([msgfmt, "--check-format", "-o", part, po_path], check=True)
            else:
                polib.pofile(str(po_path)).save_as_mofile(str(part))
            # Readable by all, as a file written in place would be: the temporary file is
            # private, and a server running as another user (the container's) must read it.
            os.chmod(part, 0o644)
            os.replace(part, mo_path)
