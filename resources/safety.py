"""The quick exit: the pages of the violence sectors offer a way out of the site at once.

A person reading about domestic violence on a shared phone may need to leave the page in a
second. The pages of the violence sector and its subsectors, of the services classed there and
of the searches for them show a "Quitter rapidement" button (templates/includes/quick_exit.html,
static/js/near-exit.js): it goes to `settings.QUICK_EXIT_URL`, a neutral page, replacing the
history entry, and the Escape key does the same when no field is being typed in. The page makes
no request to that site: it is only a link.
"""

from django.conf import settings
from django.db.models import Q

# The sector whose family (itself and its subsectors) calls for the quick exit.
QUICK_EXIT_SECTOR = "violence"


def in_quick_exit_family(sector):
    """Whether `sector` is the violence sector or one of its subsectors (reads `parent` only
    for a subsector: select it with the sector)."""
    if sector.slug == QUICK_EXIT_SECTOR:
        return True
    return sector.parent_id is not None and sector.parent.slug == QUICK_EXIT_SECTOR


def quick_exit_sectors():
    """The condition on Sector of the family (one query where it is used)."""
    return Q(slug=QUICK_EXIT_SECTOR) | Q(parent__slug=QUICK_EXIT_SECTOR)


def quick_exit(show):
    """The template context's `quick_exit`: the neutral page's address when `show`, else ""."""
    return settings.QUICK_EXIT_URL if show else ""
