"""The traffic of the load test (`manage.py load_test`): which pages, how many distinct ones.

A crisis surge is many people asking different things from different places: the mix holds
thousands of distinct addresses (queries in people's words and the directory's own vocabulary,
places by municipality, postal prefix and position, pages of sectors and municipalities, service
pages, API searches), so that a page cache cannot answer everything from a few entries. The same
seed gives the same mix.
"""

import random
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import translation

from resources.models import Municipality, PostalPrefix, Sector, Service
from search.bench.vocabulary import BUILT_IN_TERMS
from search.models import NeedExpression

LANGUAGES = ("fr", "en")

# Positions are drawn around the centres the directory serves, then rounded as the site rounds
# them (search.positions: about 100 m), so the server sees what a phone would send.
CENTRES = [(45.742, -73.450), (45.847, -73.492), (45.700, -73.487), (45.509, -73.562)]


@dataclass(frozen=True)
class Kind:
    """One kind of page in the mix and the share of connections it gets."""

    name: str
    connections: float  # share of the mix's connections
    cacheable: bool  # the same for every visitor: a page cache may answer it


KINDS = [
    Kind("home", 0.10, True),
    Kind("results", 0.30, False),
    Kind("sector", 0.12, True),
    Kind("municipality", 0.08, True),
    Kind("service", 0.20, True),
    Kind("api", 0.14, False),
]


def _terms():
    """Everyday queries: the need lexicon's expressions and the vocabulary's service names."""
    words = list(NeedExpression.objects.values_list("expression", flat=True))
    for _slug, fr, en in (line.split("|") for line in BUILT_IN_TERMS.strip().splitlines()):
        words += [fr, en]
    return sorted(set(words))


def _places(rng, municipalities, prefixes):
    """A place as the search form takes it: municipality, postal prefix or rounded position."""
    choice = rng.random()
    if choice < 0.3 and municipalities:
        return {"municipality": rng.choice(municipalities)}
    if choice < 0.5 and prefixes:
        return {"postal_code": rng.choice(prefixes)}
    if choice < 0.9:
        lat, lon = rng.choice(CENTRES)
        lat += rng.uniform(-0.08, 0.08)
        lon += rng.uniform(-0.08, 0.08)
        return {"lat": f"{lat:.3f}", "lon": f"{lon:.3f}"}
    return {}


def build_mix(seed=1, size=1500):
    """{kind name: [path, ...]}: `size` distinct paths for each kind that has that many."""
    rng = random.Random(seed)
    terms = _terms()
    sectors = list(Sector.objects.order_by("slug").values_list("slug", flat=True))
    municipalities = list(Municipality.objects.order_by("slug").values_list("slug", flat=True))
    prefixes = list(PostalPrefix.objects.order_by("code").values_list("code", flat=True))
    service_slugs = list(Service.objects.active().order_by("slug").values_list("slug", flat=True))
    service_slugs = rng.sample(service_slugs, min(size, len(service_slugs)))
    api_root = reverse("api:services")
    mix = {kind.name: set() for kind in KINDS}
    for language in LANGUAGES:
        with translation.override(language):
            mix["home"].add(reverse("resources:home"))
            results = reverse("search:results")
            for page in range(1, 6):
                for slug in sectors:
                    url = reverse("resources:sector-detail", args=[slug])
                    mix["sector"].add(url if page == 1 else f"{url}?page={page}")
                for slug in municipalities[:40]:
                    url = reverse("resources:municipality-detail", args=[slug])
                    mix["municipality"].add(url if page == 1 else f"{url}?page={page}")
            for slug in service_slugs:
                mix["service"].add(reverse("resources:service-detail", args=[slug]))
            attempts = 0
            while len(mix["results"]) < size * (LANGUAGES.index(language) + 1) / 2:
                attempts += 1
                params = {"q": rng.choice(terms)} if rng.random() < 0.85 else {}
                if not params or rng.random() < 0.2:
                    params["sector"] = rng.choice(sectors)
                params.update(_places(rng, municipalities, prefixes))
                if rng.random() < 0.1:
                    params["open_now"] = "on"
                mix["results"].add(f"{results}?{urlencode(params)}")
                if attempts > size * 20:
                    break
    while len(mix["api"]) < size and len(mix["api"]) < len(terms) * 3:
        params = {"search": rng.choice(terms).lower(), "page": rng.choice([1, 1, 1, 2])}
        mix["api"].add(f"{api_root}?{urlencode(params)}")
    return {name: sorted(paths) for name, paths in mix.items()}
