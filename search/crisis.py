"""The crisis block: when a query shows immediate danger or crisis (a lexicon expression marked
as crisis, search.needs), the results page first gives 9-1-1, 9-8-8 and the directory's own
crisis or violence lines for the sectors that expression names.
"""

from resources.models import Service

from . import lookups
from .needs import Understanding
from .ranking import Criteria, search

LINES = 3  # the directory's lines shown
CANDIDATES = 40  # services read to choose them (one page of cards: one query)


def lines(understanding, criteria):
    """Up to LINES Hits: services of the crisis expressions' sectors serving the visitor's
    place that can be phoned now: lines without an address (they answer wherever one is) and
    services open now; those classed in more of the expressions' sectors first (a suicide
    crisis line before a general listening line), then lines, then those open now; failing
    those, the first that can be phoned."""
    groups = Understanding(needs=understanding.crisis).groups(lookups.family_of)
    sector_ids = sorted({pk for group in groups for pk in group.sector_ids})
    if not sector_ids:
        return []
    found = search(
        Criteria(sector_ids=sector_ids, municipality=criteria.municipality, now=criteria.now),
        size=CANDIDATES,
    )
    callable_ = [hit for hit in found.hits if hit.phone]
    now = [
        hit for hit in callable_ if hit.open_now or (not hit.is_located and not hit.card.has_hours)
    ]
    named = set(sector_ids)
    classed = {}
    for service_id, sector_id in Service.sectors.through.objects.filter(
        service_id__in=[hit.service.pk for hit in now]
    ).values_list("service_id", "sector_id"):
        classed[service_id] = classed.get(service_id, 0) + (sector_id in named)
    now.sort(
        key=lambda hit: (-classed.get(hit.service.pk, 0), hit.is_located, hit.open_now is not True)
    )
    return now[:LINES] or callable_[:1]
