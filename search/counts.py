"""The home page's counts of listed services per top-level sector and per municipality, as an
aggregate the indexer keeps (`ServiceCount`), read in one query.

Counted live over the directory (resources.counts.live_home_counts) they took 1.6 s at 100,000
services. A service counts for a top-level sector when one of its sectors is that sector or one
of its subsectors (the rule of resources.querysets.in_sector_condition), for a municipality
when its served keys hold the municipality or a scope covering it
(Municipality.covering_scopes, the rule of ServiceQuerySet.serving); both read from its primary
index row, which exists only for listed services. `recompute()` counts the whole index with two
GROUP BYs (after a full rebuild, or an edit of a sector or municipality, which changes the
rules); `adjust(before, after)` moves the counts of a partial refresh by the difference of the
services' rows before and after it.
"""

from collections import Counter

from django.db import transaction
from django.db.models import Count, F

from resources.models import Municipality, Sector

from .models import SearchEntry, ServiceCount, served_code

SECTOR, MUNICIPALITY = "s", "m"


def _ids(keys):
    return {int(k) for k in keys.split("|") if k}


class Rules:
    """Which counts one service's (sector_keys, served_keys) go to."""

    def __init__(self):
        sectors = dict(Sector.objects.values_list("pk", "parent_id"))
        self.top = {pk: parent or pk for pk, parent in sectors.items()}
        self.tops = sorted({pk for pk, parent in sectors.items() if parent is None})
        self.covers = {
            municipality.pk: {municipality.pk}
            | {served_code(key) for key in municipality.covering_scopes()}
            for municipality in Municipality.objects.all()
        }

    def keys(self, sector_keys, served_keys):
        served = _ids(served_keys)
        tops = {self.top[pk] for pk in _ids(sector_keys) if pk in self.top}
        places = {pk for pk, covering in self.covers.items() if covering & served}
        return [(SECTOR, pk) for pk in tops] + [(MUNICIPALITY, pk) for pk in places]

    def count(self, groups):
        """Counter of (kind, key) over [(sector_keys, served_keys, services)]."""
        counts = Counter()
        for sector_keys, served_keys, services in groups:
            for key in self.keys(sector_keys, served_keys):
                counts[key] += services
        return counts


def primary_rows(service_ids=None):
    """[(sector_keys, served_keys, services)] of the listed services (of `service_ids`)."""
    rows = SearchEntry.objects.filter(is_primary=True)
    if service_ids is not None:
        rows = rows.filter(service_id__in=service_ids)
    return list(
        rows.values("sector_keys", "served_keys")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("sector_keys", "served_keys", "n")
    )


def recompute():
    """Count the whole index again (one GROUP BY over the primary rows)."""
    rules = Rules()
    counts = rules.count(primary_rows())
    keys = [(SECTOR, pk) for pk in rules.tops] + [(MUNICIPALITY, pk) for pk in rules.covers]
    with transaction.atomic():
        ServiceCount.objects.all().delete()
        ServiceCount.objects.bulk_create(
            ServiceCount(kind=kind, key=key, services=counts[kind, key]) for kind, key in keys
        )


def adjust(before, after):
    """Move the counts by the difference between two `primary_rows()` of the same services."""
    if not ServiceCount.objects.exists():
        return  # never counted (before the first rebuild): the reader counts live
    rules = Rules()
    delta = rules.count(after)
    delta.subtract(rules.count(before))
    for (kind, key), change in delta.items():
        if change and not ServiceCount.objects.filter(kind=kind, key=key).update(
            services=F("services") + change
        ):
            ServiceCount.objects.create(kind=kind, key=key, services=max(change, 0))


def home_counts():
    """{"sectors": {pk: count}, "municipalities": {pk: count}}, or None before the first
    count (a fresh migration: the reader then counts live)."""
    counts = {SECTOR: {}, MUNICIPALITY: {}}
    for kind, key, services in ServiceCount.objects.values_list("kind", "key", "services"):
        counts[kind][key] = services
    if not counts[SECTOR] and not counts[MUNICIPALITY]:
        return None
    return {"sectors": counts[SECTOR], "municipalities": counts[MUNICIPALITY]}
