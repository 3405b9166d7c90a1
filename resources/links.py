"""Addresses of the listings' links, reversed once per language instead of once per link.

A results page links each of its twenty services, their organizations and "Ma liste": through
`reverse` these were about a tenth of the page's time. The address of a URL name (with one slug
at most) depends only on the active language (the path's prefix and words) and the script
prefix, so it is reversed once for each and kept; a slug (ASCII letters, digits, hyphens and
underscores, which `reverse` leaves as they are) is put in its place.
"""

import functools

from django.core.signals import setting_changed
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

# A slug in a URL pattern's place, to find the rest of the address around it.
_SLUG = "slug-0"


@functools.lru_cache(maxsize=128)
def _around_slug(name, with_slug, language, prefix):
    if not with_slug:
        return reverse(name), ""
    before, _, after = reverse(name, args=[_SLUG]).partition(_SLUG)
    return before, after


def url(name, slug=None):
    """`reverse(name)`, or `reverse(name, args=[slug])`, in the active language."""
    before, after = _around_slug(name, slug is not None, get_language(), get_script_prefix())
    return before if slug is None else f"{before}{slug}{after}"


def _forget(setting, **_kwargs):
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE"):
        _around_slug.cache_clear()


setting_changed.connect(_forget)
