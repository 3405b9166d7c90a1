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

The same aggregate holds the top-level sectors' counts per municipality (`place`: the services
serving it), from which a search with few results suggests sectors (search.suggestions).
"""

from collections import Counter

from django.db import transaction
from django.db.models import Count, F

from resources.models import Municipality, Sector

from .models import SearchEntry, ServiceCount, served_code

SECTOR, MUNICIPALITY = "s", "m"
WHOLE = 0  # `place` of the counts over the whole directory


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
        """(kind, key, place) of the counts a service with these keys goes to."""
        served = _ids(served_keys)
        tops = {self.top[pk] for pk in _ids(sector_keys) if pk in self.top}
        places = {pk for pk, covering in self.covers.items() if covering & served}
        return _triples(tops, places)

    def all_keys(self):
        """Every count's (kind, key, place), zeros included."""
        return _triples(self.tops, self.covers)

    def count(self, groups):
        """Counter of (kind, key, place) over [(sector_keys, served_keys, services)]."""
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


def _triples(tops, places):
    """(kind, key, place) of the counts of top-level sectors `tops` and municipalities `places`:
    each over the whole directory, and each sector among the services serving each place."""
    return (
        [(SECTOR, pk, WHOLE) for pk in tops]
        + [(MUNICIPALITY, pk, WHOLE) for pk in places]
        + [(SECTOR, pk, place) for pk in tops for place in places]
    )


def recompute():
    """Count the whole index again (one GROUP BY over the primary rows)."""
    rules = Rules()
    counts = rules.count(primary_rows())
    with transaction.atomic():
        ServiceCount.objects.all().delete()
        ServiceCount.objects.bulk_create(
            ServiceCount(kind=kind, key=key, place=place, services=counts[kind, key, place])
            for kind, key, place in rules.all_keys()
        )


def adjust(before, after):
    """Move the counts by the difference between two `primary_rows()` of the same services."""
    if not ServiceCount.objects.exists():
        return  # never counted (before the first rebuild): the reader counts live
    rules = Rules()
    delta = rules.count(after)
    delta.subtract(rules.count(before))
    changed = {triple: change for triple, change in delta.items() if change}
    if not changed:
        return
    # A fixed number of statements whatever the counts moved (a service serving a province in
    # two sectors moves thousands): the rows read once, moved in one UPDATE (each by an F()
    # increment, so that concurrent refreshes add up), the missing ones created.
    kinds, keys, places = (set(part) for part in zip(*changed, strict=True))
    existing = ServiceCount.objects.filter(kind__in=kinds, key__in=keys, place__in=places)
    moved = []
    for row in existing.only("pk", "kind", "key", "place"):
        change = changed.pop((row.kind, row.key, row.place), None)
        if change is not None:
            row.services = F("services") + change
            moved.append(row)
    ServiceCount.objects.bulk_update(moved, ["services"])
    ServiceCount.objects.bulk_create(
        ServiceCount(kind=kind, key=key, place=place, services=max(change, 0))
        for (kind, key, place), change in changed.items()
    )


def home_counts():
    """{"sectors": {pk: count}, "municipalities": {pk: count}}, or None before the first
    count (a fresh migration: the reader then counts live)."""
    counts = {SECTOR: {}, MUNICIPALITY: {}}
    rows = ServiceCount.objects.filter(place=WHOLE).values_list("kind", "key", "services")
    for kind, key, services in rows:
        counts[kind][key] = services
    if not counts[SECTOR] and not counts[MUNICIPALITY]:
        return None
    return {"sectors": counts[SECTOR], "municipalities": counts[MUNICIPALITY]}


def sectors_serving(municipality):
    """Top-level sector pks, those with the most listed services serving `municipality` (the
    whole directory without one) first, ties by pk; None when the aggregate has no counts for
    it (before the first rebuild, or a municipality added since: the reader counts live)."""
    place = municipality.pk if municipality is not None else WHOLE
    rows = ServiceCount.objects.filter(kind=SECTOR, place=place).order_by("-services", "key")
    counted = list(rows.values_list("key", "services"))
    return [key for key, services in counted if services] if counted else None
