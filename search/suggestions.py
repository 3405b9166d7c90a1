"""What a page with few or no results offers instead: sectors that fit the question.

In order: the sectors of the needs the lexicon read in the query, those of the words the
typo correction found, the sectors whose names share a word with the query, the chosen
sector's neighbours, then the sectors with the most services serving the visitor's place
(or the whole directory). Never a fixed list; the 2-1-1 line stays the last resort, on the
page.
"""

from django.db.models import Count

from resources import generation
from resources.models import Sector, Service

from . import counts, lookups
from .needs import word_keys
from .text import is_ignored, words

LIMIT = 8
PLACE_CACHE_SECONDS = 600


def _named(text):
    """Sectors whose names hold a meaningful word of `text` (stems compared)."""
    index = lookups.snapshot().sector_words
    found = []
    for word in words(text or ""):
        if not is_ignored(word):
            for key in word_keys(word):
                found += index.get(key, [])
    return found


def _serving_most(municipality):
    """Top-level sector pks, those with the most listed services serving `municipality` (all
    services without one) first: read from the counts the indexer keeps (search.counts) or,
    before the first rebuild, counted live over the directory; kept once per place and content
    generation (an edit reads them again: resources/generation.py), so that a page with few
    results costs no more queries than one with many."""

    def count():
        kept = counts.sectors_serving(municipality)
        if kept is not None:
            return kept
        services = Service.objects.active()
        if municipality is not None:
            services = services.serving(municipality)
        totals = {}
        rows = (
            Sector.objects.filter(services__in=services)
            .values("pk", "parent_id")
            .annotate(n=Count("services", distinct=True))
        )
        for row in rows:
            top = row["parent_id"] or row["pk"]
            totals[top] = totals.get(top, 0) + row["n"]
        return sorted(totals, key=lambda pk: -totals[pk])

    key = f"search-suggestions-{municipality.pk if municipality else 'all'}"
    return generation.cached(key, count, PLACE_CACHE_SECONDS)


def sectors(found, limit=LIMIT):
    """The Sectors to suggest for a search (`found`: search.finder.Found)."""
    understanding = found.form.understanding
    chosen = found.form.cleaned_data.get("sector")
    pks = list(understanding.sector_ids()) if understanding else []
    for others in found.outcome.corrections.values():
        pks += lookups.understand(" ".join(others)).sector_ids()
        pks += _named(" ".join(others))
    pks += _named(found.form.cleaned_data.get("q"))
    if chosen is not None:
        parent = chosen.parent_id or chosen.pk
        pks += [s.pk for s in lookups.snapshot().sectors.values() if s.parent_id == parent]
        pks.append(parent)
    if len(set(pks)) < limit:
        pks += _serving_most(found.criteria.municipality)
    chosen_pk = chosen.pk if chosen is not None else None
    ordered = [pk for pk in dict.fromkeys(pks) if pk != chosen_pk]
    return [s for s in (lookups.sector_by_pk(pk) for pk in ordered[:limit]) if s]
