"""The quick exit: the pages of the violence sectors offer a way out of the site at once.

A person reading about domestic violence on a shared phone may need to leave the page in a
second. The pages of the violence sector and its subsectors, of the services classed there and
of the searches for them show a "Quitter rapidement" button (templates/includes/quick_exit.html,
static/js/near-exit.js): it goes to `settings.QUICK_EXIT_URL`, a neutral page, replacing the
history entry, and the Escape key does the same when no field is being typed in. The page makes
no request to that site: it is only a link.

Those pages are never kept by the offline cache (templates/offline/sw.js): their responses carry
the `X-Offline-Cache: no-store` header (`not_kept_offline`), which the service worker reads
before storing a page, and it drops a copy it kept earlier under the same address.
"""

from django.conf import settings
from django.db.models import Q

# The sector whose family (itself and its subsectors) calls for the quick exit.
QUICK_EXIT_SECTOR = "violence"

# The response header the service worker reads: a page carrying it is never kept offline.
OFFLINE_CACHE_HEADER = "X-Offline-Cache"
NOT_KEPT = "no-store"


def quick_exit_sectors():
    """The condition on Sector of the family (one query where it is used)."""
    return Q(slug=QUICK_EXIT_SECTOR) | Q(parent__slug=QUICK_EXIT_SECTOR)


def in_quick_exit_family(sectors):
    """Whether one of `sectors`, read with their parents (select_related), is of the family:
    quick_exit_sectors's rule, without a query."""
    return any(
        sector.slug == QUICK_EXIT_SECTOR
        or (sector.parent_id is not None and sector.parent.slug == QUICK_EXIT_SECTOR)
        for sector in sectors
    )


def quick_exit(show):
    """The template context's `quick_exit`: the neutral page's address when `show`, else ""."""
    return settings.QUICK_EXIT_URL if show else ""


def not_kept_offline(response, hide=True):
    """`response`, marked so that the offline cache never keeps it when `hide`."""
    if hide:
        response[OFFLINE_CACHE_HEADER] = NOT_KEPT
    return response
