"""The demo directory (fixtures/demo): the rules hold on the whole directory, whoever wrote each
file, and loading it again changes nothing (the loader on small files: test_load_demo_data.py)."""

import datetime
import math
import re
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import translation

from resources.demo import demo_uuid
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
from resources.models.schedules import local_zone

# How far from its reference centre a location may sit (km): the municipality's extent.
RADIUS_KM = {
    "repentigny": 7,
    "l-assomption": 8,
    "l-epiphanie": 6,
    "charlemagne": 1.5,
    "saint-sulpice": 5,
}
OTHER_RADIUS_KM = 6
FICTIONAL_PHONE = re.compile(r"^(?:(?:450|514|579) 555-01\d\d|1 800 555-01\d\d|211)$")
EXAMPLE_HOST = re.compile(r"^https://([a-z0-9-]+\.)*example\.org(/|$)")
EXAMPLE_EMAIL = re.compile(r"^[^@\s]+@([a-z0-9-]+\.)*example\.org$")
MODELS = [
    Organization,
    Service,
    Location,
    ServiceAtLocation,
    Phone,
    ServiceArea,
    Schedule,
    OpeningPeriod,
]


def _km(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371 * 2 * math.asin(math.sqrt(h))


def _main_municipalities():
    """{organization id: municipality of its first listed location}."""
    main = {}
    for location in Location.objects.select_related("municipality").order_by("pk"):
        main.setdefault(location.organization_id, location.municipality)
    return main


def _snapshot():
    return {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in MODELS}


@pytest.mark.django_db
def test_loading_the_demo_again_keeps_the_same_records_and_ids(demo_data):
    before = _snapshot()
    uuids = sorted(Service.objects.values_list("uuid", flat=True))
    output = StringIO()

    call_command("load_demo_data", stdout=output)

    assert _snapshot() == before
    assert sorted(Service.objects.values_list("uuid", flat=True)) == uuids
    assert output.getvalue().splitlines()[0] == demo_data.splitlines()[0]
    assert Service.objects.get(slug="ligne-211").uuid == demo_uuid("service", "ligne-211")


@pytest.mark.django_db
def test_demo_has_110_organizations_in_the_mrc_and_regional_ones_that_serve_it(demo_data):
    main = _main_municipalities()
    in_mrc = defaultdict(int)
    outside = 0
    for municipality in main.values():
        if municipality.in_mrc:
            in_mrc[municipality.slug] += 1
        else:
            outside += 1

    assert sum(in_mrc.values()) == 110
    assert set(in_mrc) == set(Municipality.objects.in_mrc().values_list("slug", flat=True))
    assert outside >= 15
    serves_mrc = Q(scope__in=["mrc", "region", "metro", "province"]) | Q(
        municipalities__in=Municipality.objects.in_mrc()
    )
    for organization_id, municipality in main.items():
        areas = ServiceArea.objects.filter(service__organization_id=organization_id)
        assert municipality.in_mrc or areas.filter(serves_mrc).exists(), organization_id


@pytest.mark.django_db
def test_every_top_level_sector_has_services_in_several_municipalities(demo_data):
    assert Service.objects.count() >= 220
    sectors = Sector.objects.top_level()
    assert sectors.count() == 21
    for sector in sectors:
        services = Service.objects.in_sector(sector)
        places = set(
            Location.objects.filter(service_at_locations__service__in=services).values_list(
                "municipality__slug", flat=True
            )
        ) | set(
            ServiceArea.objects.filter(service__in=services, scope="local").values_list(
                "municipalities__slug", flat=True
            )
        )
        assert services.count() >= 4, sector.slug
        assert len(places) >= 2, sector.slug


@pytest.mark.django_db
def test_confidential_demo_locations_have_no_address_nor_point(demo_data):
    confidential = Location.objects.filter(is_confidential=True)

    assert confidential.count() >= 3
    for location in confidential:
        assert location.address_1 == location.postal_code == ""
        assert location.latitude is None and location.longitude is None
        assert location.municipality is not None


@pytest.mark.django_db
def test_demo_contacts_are_fictional(demo_data):
    numbers = list(Phone.objects.values_list("number", flat=True))
    assert numbers
    assert [n for n in numbers if not FICTIONAL_PHONE.match(n)] == []
    websites = [*Organization.objects.values_list("website", flat=True)]
    websites += [*Service.objects.exclude(url="").values_list("url", flat=True)]
    assert [w for w in websites if not EXAMPLE_HOST.match(w)] == []
    emails = [*Organization.objects.values_list("email", flat=True)]
    emails += [*Service.objects.exclude(email="").values_list("email", flat=True)]
    assert [e for e in emails if not EXAMPLE_EMAIL.match(e)] == []


@pytest.mark.django_db
def test_demo_points_are_distinct_and_inside_their_municipality(demo_data):
    located = Location.objects.filter(latitude__isnull=False).select_related("municipality")
    points = [(loc.latitude, loc.longitude) for loc in located]

    assert len(points) == len(set(points))
    for location in located:
        place = location.municipality
        distance = _km(location.latitude, location.longitude, place.latitude, place.longitude)
        assert 0 < distance <= RADIUS_KM.get(place.slug, OTHER_RADIUS_KM), location
        prefixes = set(place.postal_prefixes.values_list("code", flat=True))
        assert not prefixes or location.postal_code[:3] in prefixes, location


@pytest.mark.django_db
def test_the_211_line_answers_day_and_night_every_day(demo_data):
    line = Service.objects.get(slug="ligne-211")
    schedule = line.schedules.get()
    christmas_night = datetime.datetime(2026, 12, 25, 3, 0, tzinfo=local_zone())

    assert schedule.is_always_open
    assert schedule.is_open_at(christmas_night)
    assert list(line.phones.values_list("number", flat=True)) == ["211"]
    assert list(line.sectors.values_list("slug", flat=True)) == ["helplines"]
    assert line.service_areas.get().scope == "metro"
    assert line.languages.count() >= 10
    assert "2017" in line.description_fr and "2025" in line.description_fr


@pytest.mark.django_db
def test_every_demo_service_is_described_in_french_and_nearly_all_in_english(demo_data):
    services = Service.objects.all()
    total = services.count()

    assert not services.filter(name_fr="").exists()
    assert not services.filter(description_fr="").exists()
    assert services.exclude(name_en="").count() >= 0.95 * total
    assert services.exclude(description_en="").count() >= 0.95 * total
    untranslated = services.filter(description_en="").first()
    assert untranslated is not None  # the English fallback is exercised
    with translation.override("en"):
        assert untranslated.description == untranslated.description_fr


@pytest.mark.django_db
def test_demo_has_closed_services_varied_hours_and_overdue_verifications(demo_data):
    closed = Service.objects.filter(status="temporarily closed")
    overdue = Service.objects.not_verified_since(12, today=datetime.date(2026, 11, 28)).count()
    overnight = OpeningPeriod.objects.filter(
        opens_at__gte=datetime.time(20),
        closes_at__gt=datetime.time(0),
        closes_at__lt=datetime.time(12),
    )

    assert closed.count() >= 2 and not closed.filter(alert_fr="").exists()
    assert OpeningPeriod.objects.filter(opens_at__gte=datetime.time(17)).exists()
    assert OpeningPeriod.objects.filter(weekday__in=[5, 6]).exists()
    assert overnight.exists()
    assert 0.08 <= overdue / Service.objects.count() <= 0.25
