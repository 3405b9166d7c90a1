"""What each list endpoint selects: filters, the site's search engine, postcode and proximity.

Every function returns an ordered list of primary keys (or a queryset) so that the page is
loaded afterwards with a fixed number of queries whatever `per_page` is.
"""

import math

from django.db.models import Q

from resources.models import (
    Attribute,
    Organization,
    PostalPrefix,
    Sector,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from resources.querysets import in_sector_condition
from search.finder import find_ids
from search.places import arc_km, normalize_postal_code
from search.ranking import COUNT_CAP

from . import params

METRES_PER_DEGREE = 111_320


def searched_service_ids(raw):
    """Ids of the services the site's search finds for `raw`, best first (the same engine,
    synonyms and ranking as the results page; at most its first COUNT_CAP matches)."""
    return find_ids({"q": raw}, size=COUNT_CAP)[0]


def service_filters(request):
    """Q for taxonomy_term_id, organization_id and modified_after (on services)."""
    condition = Q()
    term = params.identifier(request, "taxonomy_term_id")
    if term:
        # One of our sectors (and its subsectors), or a feed's term its attributes name.
        tagged = Attribute.objects.filter(link_entity="service", taxonomy_term__uuid=term)
        condition &= in_sector_condition(term, "__uuid") | Q(uuid__in=tagged.values("link_id"))
    org = params.identifier(request, "organization_id")
    if org:
        condition &= Q(organization__uuid=org)
    since = params.moment(request, "modified_after")
    if since:
        condition &= Q(modified__gte=since)
    return condition


def ordered(queryset, search_ids):
    """`queryset` by id, or its primary keys in search order when there was a search."""
    if search_ids is None:
        model = queryset.model
        return model.objects.filter(pk__in=queryset.values("pk")).order_by("uuid")
    wanted = set(queryset.filter(pk__in=search_ids).values_list("pk", flat=True))
    return [pk for pk in search_ids if pk in wanted]


class SearchPages:
    """A search alone: the engine pages it itself and gives the page's ids only."""

    def __init__(self, raw):
        self.raw = raw

    def page(self, number, size):
        ids, total, shown = find_ids({"q": self.raw, "page": str(number)}, size=size)
        # The engine shows its last page for a page beyond it; an API page there is empty.
        return (ids if shown == number else []), total


def service_ids(request):
    raw = params.text(request, "search")
    condition = service_filters(request)
    if raw and not condition:
        return SearchPages(raw)
    search_ids = searched_service_ids(raw) if raw else None
    return ordered(Service.objects.filter(condition), search_ids)


def organization_ids(request):
    raw = params.text(request, "search")
    queryset = Organization.objects.all()
    if raw:
        queryset = queryset.filter(
            Q(name_fr__icontains=raw)
            | Q(name_en__icontains=raw)
            | Q(alternate_name_fr__icontains=raw)
            | Q(alternate_name_en__icontains=raw)
        )
    return queryset.order_by("uuid")


def term_keys(request, taxonomy_id):
    """[("sector" | "term", primary key)] by id: our sectors (taxonomy `taxonomy_id`) and the
    terms of the feeds' taxonomies, filtered by taxonomy_id, parent_id, top_only and search."""
    sectors = Sector.objects.all()
    terms = TaxonomyTerm.objects.all()
    taxonomy = params.identifier(request, "taxonomy_id")
    if taxonomy:
        ours = str(taxonomy) == taxonomy_id
        sectors = sectors if ours else sectors.none()
        terms = terms.none() if ours else terms.filter(taxonomy__uuid=taxonomy)
    parent = params.identifier(request, "parent_id")
    if parent:
        sectors, terms = sectors.filter(parent__uuid=parent), terms.filter(parent__uuid=parent)
    if params.boolean(request, "top_only"):
        sectors, terms = sectors.filter(parent__isnull=True), terms.filter(parent__isnull=True)
    raw = params.text(request, "search")
    if raw:
        sectors = sectors.filter(Q(name_fr__icontains=raw) | Q(name_en__icontains=raw))
        terms = terms.filter(Q(name__icontains=raw) | Q(code__icontains=raw))
    found = [(uuid, "sector", pk) for uuid, pk in sectors.values_list("uuid", "pk")]
    found.extend((uuid, "term", pk) for uuid, pk in terms.values_list("uuid", "pk"))
    return [(kind, pk) for _, kind, pk in sorted(found)]


def postcode_place(request):
    """The postal prefix (FSA) of `postcode`, None when absent; 400 when malformed."""
    raw = params.text(request, "postcode", 20)
    if not raw:
        return None, False
    normalized = normalize_postal_code(raw)
    if normalized is None:
        raise params.BadParameter("postcode", "not a Canadian postal code (A1A 1A1 or A1A)")
    prefix = PostalPrefix.objects.filter(code=normalized[0]).first()
    return prefix, True


def service_at_location_ids(request):
    raw = params.text(request, "search")
    queryset = ServiceAtLocation.objects.all()
    condition = service_filters(request)
    queryset = queryset.filter(service__in=Service.objects.filter(condition))
    distance = params.number(request, "proximity")
    prefix, given = postcode_place(request)
    if distance is not None and not given:
        raise params.BadParameter("proximity", "needs a postcode (the distance is from it)")
    if given and prefix is None:
        return []  # a well-formed postcode we do not know: no service area covers it
    if prefix is not None:
        served = Q()
        for municipality in prefix.municipalities.all():
            served |= Q(service__in=Service.objects.serving(municipality))
        queryset = queryset.filter(served) if served else queryset.none()
    search_ids = searched_service_ids(raw) if raw else None
    if search_ids is not None:
        rank = {pk: n for n, pk in enumerate(search_ids)}
        pairs = queryset.filter(service_id__in=search_ids).values_list("pk", "service_id")
        ids = [pk for pk, service in sorted(pairs, key=lambda p: (rank[p[1]], p[0]))]
    elif distance is None:
        return queryset.order_by("uuid")
    else:
        ids = list(queryset.values_list("pk", flat=True))
    if distance is not None:
        ids = within(ids, (prefix.latitude, prefix.longitude), distance)
    return ids


def within(ids, centre, metres):
    """`ids` whose location's public point lies within `metres` of `centre`, nearest first
    (a bounding box in SQL, then the exact distance). Confidential locations have no point."""
    lat, lon = centre
    dlat = metres / METRES_PER_DEGREE
    dlon = metres / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    rows = ServiceAtLocation.objects.filter(
        pk__in=ids,
        location__is_confidential=False,
        location__latitude__range=(lat - dlat, lat + dlat),
        location__longitude__range=(lon - dlon, lon + dlon),
    ).values_list("pk", "location__latitude", "location__longitude")
    near = []
    for pk, latitude, longitude in rows:
        metres_away = arc_km(centre, (latitude, longitude)) * 1000
        if metres_away <= metres:
            near.append((metres_away, pk))
    return [pk for _, pk in sorted(near)]
