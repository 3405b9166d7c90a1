"""Where the visitor is: browser coordinates, a postal code, or a municipality name.

`resolve(text)` reads what a visitor types in the one place field: a postal code (whole or its
first three characters, any case or spacing) or the name of a municipality or place (any case,
accents, hyphens or apostrophes; "St"/"Ste"; an alias; the unique beginning of a name).

Positions are rounded to 3 decimals (about 100 m) before anything else sees them, and are never
stored or logged. Coordinates and postal codes also give the visitor's municipality: the nearest
gazetteer centre within PLACE_RADIUS_KM. The gazetteer and the postal prefixes are read from
memory (search/lookups.py).
"""

import math
import re
from dataclasses import dataclass, field

from geopy.distance import EARTH_RADIUS as EARTH_RADIUS_KM

from resources.positions import round_coordinate

from . import lookups

# geopy's mean earth radius (6,371,009 m), the one radius of every distance: arc_km here, the
# engines' SQL, and migration 0002's search_point (which keeps its own copy, as history).
EARTH_RADIUS_M = round(EARTH_RADIUS_KM * 1000)
PLACE_RADIUS_KM = 12
POSTAL_CODE = re.compile(r"^([A-Z][0-9][A-Z])(?:([0-9][A-Z][0-9]))?$")


@dataclass
class Place:
    latitude: float = None
    longitude: float = None
    municipality: object = None  # resources.models.Municipality

    @property
    def point(self):
        return (self.latitude, self.longitude) if self.latitude is not None else None


def normalize_postal_code(value):
    """ "j5y 1a1" → ("J5Y", "J5Y 1A1"); None when it is not shaped like a Canadian postal code."""
    compact = "".join((value or "").upper().split())
    match = POSTAL_CODE.match(compact)
    if not match:
        return None
    prefix, rest = match.groups()
    return prefix, f"{prefix} {rest}" if rest else prefix


def arc_km(a, b):
    """Great-circle kilometres between two (latitude, longitude) pairs: the haversine on
    geopy's mean earth radius, for choosing among points and for the distances people read
    (geopy's `great_circle` agrees to a millimetre: tests/search/test_ranking.py). A tenth of
    geopy's cost, which parses each point."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def nearest_municipality(latitude, longitude, candidates=None):
    """The gazetteer entry whose centre is nearest, if within PLACE_RADIUS_KM."""
    candidates = candidates if candidates is not None else lookups.municipalities()
    best, best_km = None, PLACE_RADIUS_KM
    for municipality in candidates:
        km = arc_km((latitude, longitude), (municipality.latitude, municipality.longitude))
        if km <= best_km:
            best, best_km = municipality, km
    return best


def from_coordinates(latitude, longitude):
    latitude, longitude = round_coordinate(latitude), round_coordinate(longitude)
    return Place(latitude, longitude, nearest_municipality(latitude, longitude))


def from_postal_code(prefix):
    """The Place of a postal prefix (FSA), or None when the offline table does not know it."""
    entry = lookups.postal_prefix(prefix)
    if entry is None:
        return None
    found, listed = entry
    municipality = listed[0] if len(listed) == 1 else None
    if municipality is None:
        municipality = nearest_municipality(found.latitude, found.longitude, listed or None)
    return Place(round_coordinate(found.latitude), round_coordinate(found.longitude), municipality)


def from_municipality(value):
    """A municipality by slug, name or alias ("Le Gardeur" → Repentigny), or None."""
    return lookups.municipality(value) if value else None


@dataclass
class Resolved:
    """What a place text stands for: a `place`; else, when several names begin with it,
    `choices` (Municipalities); else nothing. `postal_code`: the text was shaped like a postal
    code (without a place, our offline table does not hold it)."""

    place: Place = None
    choices: list = field(default_factory=list)
    postal_code: bool = False


def from_municipality_record(municipality):
    return Place(municipality.latitude, municipality.longitude, municipality)


def resolve(text):
    """The place a visitor's text names (see the module docstring): a postal code through the
    offline table, a slug, name or alias through search.lookups.municipality, else the
    municipalities whose names begin with it (one resolves, several are choices)."""
    text = (text or "").strip()[:120]
    if not text:
        return Resolved()
    normalized = normalize_postal_code(text)
    if normalized is not None:
        return Resolved(place=from_postal_code(normalized[0]), postal_code=True)
    municipality = lookups.municipality(text)
    if municipality is None:
        found = lookups.municipalities_named_like(text)
        if len(found) > 1:
            return Resolved(choices=found)
        municipality = found[0] if found else None
    return Resolved(place=municipality and from_municipality_record(municipality))
