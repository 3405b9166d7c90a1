"""The committed English catalogue follows the code: a French string added to a template or a
module without its English translation fails here, not in front of an English-speaking visitor."""

import shutil

import polib
import pytest
from django.core.management import call_command


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")
def test_every_string_in_the_code_has_an_english_translation(tmp_path, settings, monkeypatch):
    # makemessages as the README says to run it, on a copy: it writes the catalogue of the tree
    # it walks, and the real one must stay untouched.
    copy = tmp_path / "repository"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".*", "staticfiles", "*.sqlite3", "__pycache__", "node_modules"
        ),
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], no_location=True, verbosity=0)
    catalogue = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = [
        entry.msgid for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries()
    ]
    assert missing == []
