"""Where a location is on the map, from its address (docs/geocoding.md).

`locate(location)` gives a `Lookup`: a point, where it comes from (`GeocodeSource`) and how
close it is (metres), most precise first:

1. the geocoder (setting GEOCODER_CLASS, geopy's Nominatim by default), when GEOCODER_ENABLED,
   the location has a street address and is not confidential: a confidential location's address
   never leaves the site. Calls go through geopy's `RateLimiter` (at most one every
   GEOCODER_MIN_DELAY seconds per process, no retry) with a short timeout; a service that cannot
   be reached, refuses or answers nothing sensible (no result, or one far from the location's
   municipality) gives way to
2. the centre of the postal prefix (the offline FSA table), unless it disagrees with the
   location's municipality (a centre over PREFIX_MAX_KM from it) or is a rural prefix while the
   municipality is known (a rural FSA spans tens of kilometres);
3. the centre of the municipality (the offline gazetteer).

Only the admin's location form calls this (resources/admin_geocoding.py): imports and the demo
load carry their own coordinates and never geocode, so they make no network request.
"""

import logging
import re
import threading
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string
from geopy.distance import great_circle
from geopy.extra.rate_limiter import RateLimiter

from .models import GeocodeSource, PostalPrefix

logger = logging.getLogger(__name__)

# Approximate radius of each kind of point, in metres (docs/geocoding.md): an urban FSA of the
# MRC spans a few kilometres (the centres of J5Y, J5Z and J6A, Repentigny's three, lie 2.0 to
# 4.5 km apart); a rural one (a 0 in second position, Canada Post's mark: J0K covers most of
# rural Lanaudière) tens of kilometres; the MRC's municipalities, as circles of their land
# area, have radii of 0.8 to 5.6 km.
POSTAL_PREFIX_PRECISION_M = 3_000
RURAL_POSTAL_PREFIX_PRECISION_M = 25_000
MUNICIPALITY_PRECISION_M = 5_000
# The geocoder's answer for a rooftop or a street, bounded below.
SMALLEST_PRECISION_M = 10
# A prefix centre farther than this from the location's municipality's is not its prefix (a
# typing error, or a prefix shared with a distant place).
PREFIX_MAX_KM = 10
# A geocoder's result farther than this from the location's municipality's centre is another
# street of the same name elsewhere: refused.
GEOCODER_MAX_KM = 25

POSTAL_CODE = re.compile(r"^([A-Z][0-9][A-Z])(?:[0-9][A-Z][0-9])?$")


class Why:
    """Why the geocoder did not give the point (`Lookup.why`)."""

    DISABLED = "disabled"
    CONFIDENTIAL = "confidential"
    NO_STREET = "no_street"
    UNREACHABLE = "unreachable"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Lookup:
    latitude: float | None = None
    longitude: float | None = None
    source: str = ""
    precision: int | None = None
    why: str | None = None  # None when the geocoder answered
    detail: str = ""  # the postal prefix or the municipality whose centre it is

    @property
    def found(self):
        return self.latitude is not None


def postal_prefix(postal_code):
    """ "j6a 1a1" → "J6A"; None when it is not shaped like a Canadian postal code."""
    match = POSTAL_CODE.match("".join((postal_code or "").upper().split()))
    return match.group(1) if match else None


def query(location):
    """The free-text address a geocoder reads: street, municipality, province, postal code."""
    municipality = location.municipality.name_fr if location.municipality_id else ""
    parts = (location.address_1, municipality, "QC", location.postal_code, "Canada")
    return ", ".join(part.strip() for part in parts if part and part.strip())


_limiters = {}
_limiters_lock = threading.Lock()


def geocode_function():
    """The configured geocoder's `geocode`, behind geopy's RateLimiter: one per configuration
    and process, so that the delay holds between the requests of every staff member."""
    key = (
        settings.GEOCODER_CLASS,
        settings.GEOCODER_USER_AGENT,
        settings.GEOCODER_DOMAIN,
        settings.GEOCODER_SCHEME,
        settings.GEOCODER_TIMEOUT,
        settings.GEOCODER_MIN_DELAY,
    )
    with _limiters_lock:
        if key not in _limiters:
            geocoder = import_string(settings.GEOCODER_CLASS)(
                user_agent=settings.GEOCODER_USER_AGENT,
                domain=settings.GEOCODER_DOMAIN,
                scheme=settings.GEOCODER_SCHEME,
                timeout=settings.GEOCODER_TIMEOUT,
            )
            _limiters[key] = RateLimiter(
                geocoder.geocode,
                min_delay_seconds=settings.GEOCODER_MIN_DELAY,
                max_retries=0,
                swallow_exceptions=False,
            )
        return _limiters[key]


def precision_of(result):
    """Half the diagonal of the result's bounding box (Nominatim's `boundingbox`: south, north,
    west, east), in metres; None when the geocoder gives none."""
    box = (getattr(result, "raw", None) or {}).get("boundingbox")
    try:
        south, north, west, east = (float(value) for value in box)
    except (TypeError, ValueError):
        return None
    half = great_circle((south, west), (north, east)).m / 2
    return max(SMALLEST_PRECISION_M, round(half))


def ask_geocoder(location):
    """(Lookup, None) with the geocoder's point, or (None, why) there is none."""
    if not settings.GEOCODER_ENABLED:
        return None, Why.DISABLED
    if location.is_confidential:
        return None, Why.CONFIDENTIAL
    if not location.address_1.strip():
        return None, Why.NO_STREET
    try:
        result = geocode_function()(query(location), exactly_one=True)
    except Exception as error:  # noqa: BLE001 - never block a save: any failure falls back
        logger.warning("geocoder failed: %s", type(error).__name__)
        return None, Why.UNREACHABLE
    if result is None:
        return None, Why.NOT_FOUND
    point = (result.latitude, result.longitude)
    municipality = location.municipality
    if municipality and great_circle(point, municipality_point(municipality)).km > GEOCODER_MAX_KM:
        return None, Why.NOT_FOUND
    found = Lookup(point[0], point[1], GeocodeSource.GEOCODER, precision_of(result))
    return found, None


def municipality_point(municipality):
    return (municipality.latitude, municipality.longitude)


def offline_point(location, why):
    """The postal prefix's centre, else the municipality's (see the module docstring)."""
    municipality = location.municipality if location.municipality_id else None
    code = postal_prefix(location.postal_code)
    prefix = PostalPrefix.objects.filter(code=code).first() if code else None
    if prefix is not None:
        rural = code[1] == "0"
        centre = (prefix.latitude, prefix.longitude)
        agrees = municipality is None or (
            not rural and great_circle(centre, municipality_point(municipality)).km <= PREFIX_MAX_KM
        )
        if agrees:
            precision = RURAL_POSTAL_PREFIX_PRECISION_M if rural else POSTAL_PREFIX_PRECISION_M
            return Lookup(*centre, GeocodeSource.POSTAL_PREFIX, precision, why, code)
    if municipality is not None:
        return Lookup(
            *municipality_point(municipality),
            GeocodeSource.MUNICIPALITY,
            MUNICIPALITY_PRECISION_M,
            why,
            municipality.name_fr or municipality.name,
        )
    return Lookup(why=why)


def locate(location):
    """The best point for `location`'s address (its street, municipality and postal code, as
    the form holds them): a `Lookup`, whose `found` is false when nothing places it."""
    found, why = ask_geocoder(location)
    return found if found is not None else offline_point(location, why)
