"""What a server process builds before its first request (directory211/wsgi.py): without it,
each new process paid for these during its first requests, queued behind them."""

from pathlib import Path

from django.conf import settings
from django.template import TemplateSyntaxError
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

# The public site's templates (not the admin's: staff are few and its pages are not cached).
PUBLIC_FOLDERS = ("", "includes", "pages", "resources", "search", "offline")


def public_templates():
    """Names of the public templates, relative to the project's templates folder."""
    root = Path(settings.BASE_DIR) / "templates"
    names = []
    for folder in PUBLIC_FOLDERS:
        names += sorted(
            str(path.relative_to(root)) for path in (root / folder).glob("*.html") if path.is_file()
        )
    return names


def warm_up():
    """Compile the public templates, load both languages' catalogues and URL patterns.
    Returns the number of templates compiled. Touches no database."""
    compiled = 0
    for name in public_templates():
        try:
            get_template(name)
        except TemplateSyntaxError:  # reported when a page uses it (and by the suite)
            continue
        compiled += 1
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            reverse("resources:home")
    return compiled
