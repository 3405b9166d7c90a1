"""The home page's counts of listed services per top-level sector and per municipality.

Read from a layer above when one provides them: the search app registers its aggregate kept by
the indexer (search/counts.py, one small query), since `resources` never imports `search`.
Without a provider, or before the provider has counted anything (a database just migrated,
its index not yet rebuilt), they are counted live over the directory and kept for the content
generation (resources/generation.py): that costs 1.6 s at 100,000 services.
"""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from . import generation
from .models import Municipality, Sector, Service
from .querysets import in_sector_condition

_providers = []


def provide(function):
    """Register `function()` -> {"sectors": {pk: n}, "municipalities": {pk: n}} or None."""
    _providers[:] = [function]


def home_counts():
    for provider in _providers:
        counts = provider()
        if counts is not None:
            return counts
    return generation.cached("home-counts", live_home_counts)


def _count(queryset):
    """A correlated COUNT(DISTINCT pk) subquery (0 when nothing matches)."""
    counted = (
        queryset.order_by()
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def live_home_counts():
    """The same counts over the whole directory (the reference the aggregate is tested
    against)."""
    active = Service.objects.active()
    sectors = Sector.objects.top_level().annotate(
        service_count=_count(active.filter(in_sector_condition(OuterRef("pk"))))
    )
    return {
        "sectors": dict(sectors.values_list("pk", "service_count")),
        "municipalities": {
            municipality.pk: active.serving(municipality).count()
            for municipality in Municipality.objects.in_mrc()
        },
    }
