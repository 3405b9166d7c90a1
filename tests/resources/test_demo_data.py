"""The demo directory (fixtures/demo) and `manage.py load_demo_data`.

The rules are checked on the whole directory, whoever wrote each file; the loader's refusals and
its idempotence on small files written in tmp_path.
"""

import copy
import datetime
import json
import math
import re
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q, QuerySet
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
from tests.factories import make_organization

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


# --- the whole demo directory -------------------------------------------------------------------


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


# --- the loader on small files -------------------------------------------------------------------


def _document():
    """One valid organization with a location, a phone and a service with hours."""
    return {
        "_note": "test",
        "organizations": [
            {
                "slug": "essai-org",
                "name": {"fr": "Organisme d'essai", "en": "Test organization"},
                "description": {"fr": "Organisme fictif.", "en": "Fictional organization."},
                "website": "https://essai.example.org",
                "email": "info@essai.example.org",
                "phones": [{"number": "450 555-0101", "type": "voice"}],
                "locations": [
                    {
                        "key": "main",
                        "name": {"fr": "Siège", "en": "Head office"},
                        "address_1": "10, rue Notre-Dame",
                        "municipality": "repentigny",
                        "postal_code": "J6A 2T1",
                        "latitude": 45.737,
                        "longitude": -73.459,
                    }
                ],
                "services": [
                    {
                        "slug": "essai-service",
                        "name": {"fr": "Service d'essai"},
                        "description": {"fr": "Service fictif.", "en": "Fictional service."},
                        "sectors": ["food-banks"],
                        "languages": ["fra", "eng"],
                        "locations": ["main"],
                        "area": {"scope": "local", "municipalities": ["repentigny"]},
                        "schedule": {
                            "closed_on_holidays": True,
                            "periods": [["mon-fri", "09:00", "12:00"], ["sat", "21:00", "08:00"]],
                        },
                    }
                ],
            }
        ],
    }


def _write(folder, document, name="essai.json"):
    (folder / name).write_text(json.dumps(document), encoding="utf-8")
    return folder


def _load(folder):
    call_command("load_demo_data", "--path", str(folder), stdout=StringIO())


@pytest.mark.django_db
def test_small_demo_file_loads_with_expanded_periods_and_english_fallback(tmp_path):
    _load(_write(tmp_path, _document()))

    service = Service.objects.get(slug="essai-service")
    schedule = service.schedules.get()
    assert service.uuid == demo_uuid("service", "essai-service")
    assert sorted(schedule.periods.values_list("weekday", flat=True)) == [0, 1, 2, 3, 4, 5]
    assert schedule.periods.get(weekday=5).closes_at == datetime.time(8)
    assert service.organization.phones.get().number == "450 555-0101"
    assert service.service_at_locations.get().location.municipality.slug == "repentigny"
    with translation.override("en"):
        assert service.name == "Service d'essai"
        assert service.description == "Fictional service."


@pytest.mark.django_db
def test_reloading_changed_files_updates_rows_in_place_and_spares_other_records(tmp_path):
    other = make_organization(slug="pas-une-demo")
    _load(_write(tmp_path, _document()))
    schedule_id = Schedule.objects.get(service__slug="essai-service").pk
    first_period = OpeningPeriod.objects.filter(schedule_id=schedule_id).order_by("pk").first()
    document = _document()
    document["organizations"][0]["services"][0]["schedule"]["periods"] = [
        ["daily", "08:00", "16:00"]
    ]
    document["organizations"][0]["phones"] = []
    document["organizations"][0]["name"] = {"fr": "Organisme renommé", "en": "Renamed"}

    _load(_write(tmp_path, document))

    periods = OpeningPeriod.objects.filter(schedule_id=schedule_id)
    assert Schedule.objects.get(service__slug="essai-service").pk == schedule_id
    assert periods.count() == 7
    assert periods.order_by("pk").first().pk == first_period.pk
    assert not Phone.objects.filter(organization__slug="essai-org").exists()
    assert Organization.objects.filter(pk=other.pk).exists()
    # The untranslated column, read without the translation-aware manager's rewriting.
    columns = QuerySet(Organization).filter(slug="essai-org").values_list("name", "name_en")
    assert columns.get() == ("Organisme renommé", "Renamed")


def _broken(change):
    document = _document()
    change(document["organizations"][0])
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda org: org["services"][0].update(sectors=["food-banks", "cuisine"]),
            " › service essai-service: secteur inconnu 'cuisine'",
        ),
        (
            lambda org: org["phones"][0].update(number="450 555-1234"),
            ": numéro '450 555-1234' hors de la plage fictive",
        ),
        (
            lambda org: org.update(website="https://essai.com"),
            ": « website » 'https://essai.com' doit être une adresse https à example.org",
        ),
        (
            lambda org: org["locations"][0].update(municipality="saint-tite"),
            " › lieu main: municipalité inconnue 'saint-tite'",
        ),
        (
            lambda org: org["services"][0].update(languages=["fra", "klingon"]),
            " › service essai-service: langue inconnue 'klingon'",
        ),
        (
            lambda org: org["locations"][0].update(postal_code="H2X 1Y4"),
            " › lieu main: le code postal H2X 1Y4 n'est pas un préfixe de cette municipalité",
        ),
    ],
)
@pytest.mark.django_db
def test_bad_demo_file_is_refused_with_its_place_and_nothing_is_written(tmp_path, change, message):
    valid_elsewhere = copy.deepcopy(_document())
    valid_elsewhere["organizations"][0]["slug"] = "autre-org"
    valid_elsewhere["organizations"][0]["services"][0]["slug"] = "autre-service"
    _write(tmp_path, valid_elsewhere, name="a-valide.json")
    _write(tmp_path, _broken(change), name="b-erreur.json")

    with pytest.raises(CommandError) as refused:
        _load(tmp_path)

    assert "rien n'a été écrit" in str(refused.value)
    assert f"b-erreur.json › organisme essai-org{message}" in str(refused.value)
    assert not Organization.objects.filter(slug__in=["essai-org", "autre-org"]).exists()
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_duplicate_slugs_and_unreadable_json_are_refused(tmp_path):
    _write(tmp_path, _document(), name="a.json")
    _write(tmp_path, _document(), name="b.json")

    with pytest.raises(CommandError, match=r"b\.json › organisme essai-org: slug 'essai-org' déjà"):
        _load(tmp_path)

    (tmp_path / "b.json").write_text("{ pas du JSON", encoding="utf-8")
    with pytest.raises(CommandError, match=r"b\.json: JSON illisible"):
        _load(tmp_path)
    assert not Organization.objects.exists()
