"""Small factories for test data: each makes one valid record, keyword arguments override.

Each factory writes inside `deferred_refresh()`: the search index, which follows every save
through signals, is refreshed once for what the factory wrote, not after each save.
"""

import datetime
import functools
import itertools
import zoneinfo

from resources.models import (
    Location,
    Municipality,
    OpeningPeriod,
    Organization,
    Phone,
    Schedule,
    Sector,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from search import indexing

_sequence = itertools.count(1)
LOCAL_ZONE = zoneinfo.ZoneInfo("America/Toronto")


def at(day, hour=None, minute=0):
    """A local moment (America/Toronto): at("2026-09-08 10:00"), or at(a date, 10, 30)."""
    if hour is None:
        return datetime.datetime.fromisoformat(day).replace(tzinfo=LOCAL_ZONE)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LOCAL_ZONE)


def indexed_once(factory):
    @functools.wraps(factory)
    def writing(*args, **kwargs):
        with indexing.deferred_refresh():
            return factory(*args, **kwargs)

    return writing


def municipality(slug="repentigny"):
    return Municipality.objects.get(slug=slug)


def sector(slug="food"):
    return Sector.objects.get(slug=slug)


@indexed_once
def make_organization(**fields):
    n = next(_sequence)
    values = {
        "slug": f"organisme-{n}",
        "name_fr": f"Organisme {n}",
        "description_fr": "Organisme communautaire fictif.",
    }
    values.update(fields)
    return Organization.objects.create(**values)


@indexed_once
def make_service(organization=None, sectors=(), scope=None, municipalities=(), **fields):
    """A service; `sectors` are slugs or Sector objects; `scope` or `municipalities` add an area."""
    n = next(_sequence)
    values = {
        "organization": organization or make_organization(),
        "slug": f"service-{n}",
        "name_fr": f"Service {n}",
        "description_fr": "Service fictif.",
    }
    values.update(fields)
    service = Service.objects.create(**values)
    service.sectors.set([s if isinstance(s, Sector) else sector(s) for s in sectors])
    if scope or municipalities:
        area = ServiceArea.objects.create(service=service, scope=scope or "local")
        area.municipalities.set(
            [m if isinstance(m, Municipality) else municipality(m) for m in municipalities]
        )
    return service


@indexed_once
def make_location(organization, place="repentigny", latitude=45.7422, longitude=-73.4501, **fields):
    values = {
        "organization": organization,
        "name_fr": "Point de service",
        "address_1": "100, rue Exemple",
        "municipality": municipality(place),
        "postal_code": "J6A 1A1",
        "latitude": latitude,
        "longitude": longitude,
    }
    values.update(fields)
    return Location.objects.create(**values)


@indexed_once
def locate(service, **fields):
    """Offer `service` at a new location of its organization."""
    location = make_location(service.organization, **fields)
    ServiceAtLocation.objects.create(service=service, location=location)
    return location


@indexed_once
def make_schedule(periods, service=None, **fields):
    """`periods`: [(weekday, "09:00", "17:00"), ...] (0 is Monday)."""
    schedule = Schedule.objects.create(service=service or make_service(), **fields)
    for weekday, opens, closes in periods:
        OpeningPeriod.objects.create(
            schedule=schedule,
            weekday=weekday,
            opens_at=datetime.time.fromisoformat(opens),
            closes_at=datetime.time.fromisoformat(closes),
        )
    return schedule


@indexed_once
def make_phone(number="450 555-0100", **owner):
    return Phone.objects.create(number=number, **owner)
