"""Foreign-shaped feeds (tests/opendata/foreign_feeds/README.md), checked field by field: what
is kept, what is mapped, what is reported."""

import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from resources.models import Location, Service

FEEDS = Path(__file__).resolve().parent / "foreign_feeds"
FOOD = "5b1c9e70-0a2b-11ef-9262-0242ac120002"
SHELTER = "5b1cb104-0a2b-11ef-9262-0242ac120002"


def import_feed(**options):
    out = StringIO()
    call_command("import_hsds", FEEDS / "aide_lanaudiere", stdout=out, stderr=out, **options)
    return out.getvalue()


def test_without_a_mapping_its_confidentiality_flag_stops_the_import(db):
    with pytest.raises(CommandError, match="nothing changed"):
        import_feed(sector_map=str(FEEDS / "sectors.csv"))
    assert not Service.objects.filter(uuid=FOOD).exists()


@pytest.fixture
def imported(db):
    return import_feed(mapping=str(FEEDS / "mapping.json"), sector_map=str(FEEDS / "sectors.csv"))


def test_kept_field_by_field(imported):
    food = Service.objects.get(uuid=FOOD)
    assert (food.name_fr, food.name_en) == (
        "Comptoir alimentaire du Vieux-Terrebonne",
        "Vieux-Terrebonne food counter",
    )
    assert food.description_en == "Weekly grocery baskets for low-income families."
    assert food.is_free  # "free": "oui", mapped
    assert food.organization.website == "https://entraide-terrebonne.example.org"
    assert [s.slug for s in food.sectors.all()] == ["food-banks"]
    phone = food.phones.get()
    assert sorted(phone.languages.values_list("code", flat=True)) == ["fra", "spa"]
    option = food.cost_options.get()
    assert (option.option_fr, option.amount, option.currency) == ("Par panier", Decimal(0), "CAD")
    area = food.service_areas.get()
    assert (area.scope, area.name_fr, area.extent_type) == ("region", "Lanaudière", "text")
    place = food.service_at_locations.get().location
    assert (place.municipality.slug, place.postal_code) == ("terrebonne", "J6W 1A1")
    assert place.wheelchair_accessible is None  # not said: unknown, never "no"
    assert food.modified.date() <= datetime.date.today()


def test_mapped_confidentiality_keeps_the_shelter_off_the_map(imported, client):
    shelter = Service.objects.get(uuid=SHELTER)
    assert shelter.service_areas.get().scope == "mrc"  # "MRC de L'Assomption"
    house = Location.objects.get(uuid="5b1cb848-0a2b-11ef-9262-0242ac120002")
    assert house.is_confidential and house.address_1 == "9, chemin Discret"
    page = client.get(shelter.get_absolute_url()).content.decode()
    assert "chemin Discret" not in page and "J5Y 0A0" not in page
    api = client.get(f"/api/services/{SHELTER}").content.decode()
    assert "chemin Discret" not in api and "45.77" not in api


def test_what_is_not_kept_is_reported(imported):
    for line in (
        "services.wait_time: 1 record(s) not stored",
        "services.fees: 1 record(s) not stored",
        "organizations.tax_status: 1 record(s) not stored",
    ):
        assert line in imported, imported
    assert "Import done." in imported


CSV_SERVICE = "7d9f2b1e-3c4a-4e5f-8a6b-7c8d9e0f1a22"


@pytest.fixture
def imported_csv(db):
    out = StringIO()
    call_command(
        "import_hsds",
        FEEDS / "ressources_csv",
        mapping=str(FEEDS / "mapping_csv.json"),
        sector_map=str(FEEDS / "sectors_csv.csv"),
        stdout=out,
        stderr=out,
    )
    return out.getvalue()


def test_a_csv_package_is_kept_field_by_field(imported_csv):
    service = Service.objects.get(uuid=CSV_SERVICE)
    assert service.name_fr == "Accompagnement-transport médical"
    assert service.description_en == "Volunteer rides to medical appointments for seniors."
    assert (service.is_free, service.minimum_age) == (False, 65)  # "free": "non", mapped
    assert service.organization.email == "info@cab-fictif.example.org"
    assert [s.slug for s in service.sectors.all()] == ["medical-transport"]
    assert list(service.languages.values_list("code", flat=True)) == ["eng"]  # "en"
    phone = service.phones.get()
    assert (phone.number, phone.extension, phone.description_fr) == (
        "450 555-0142",
        "12",
        "Réservations",
    )
    assert list(phone.languages.values_list("code", flat=True)) == ["fra"]
    place = service.service_at_locations.get().location
    assert (place.municipality.slug, place.postal_code, place.latitude) == (
        "charlemagne",
        "J5Z 1A1",
        45.6636,
    )
    option = service.cost_options.get()
    assert (option.amount, option.amount_description_fr) == (Decimal(5), "Contribution suggérée")
    area = service.service_areas.get()
    assert [m.slug for m in area.municipalities.all()] == ["charlemagne"]
    assert (area.name_fr, area.extent) == ("", "La ville de Charlemagne")  # derived name
    weekly = service.schedules.get(description_fr="Réservations 48 heures à l'avance")
    assert sorted(p.weekday for p in weekly.periods.all()) == [0, 2]


def test_a_csv_package_reports_what_it_cannot_keep(imported_csv):
    assert "services.wait_time: 1 record(s) not stored" in imported_csv
    assert "organizations.tax_status: 1 record(s) not stored" in imported_csv
    assert "kept as text only" not in imported_csv


def test_a_csv_package_keeps_its_monthly_schedule(imported_csv):
    monthly = Service.objects.get(uuid=CSV_SERVICE).schedules.get(
        description_fr="Clinique d'impôts le deuxième mardi"
    )
    period = monthly.periods.get()
    assert (period.frequency, period.week_of_month, period.weekday) == ("MONTHLY", 2, 1)
    assert [period.occurs_on(datetime.date(2026, 12, d)) for d in (1, 8, 15)] == [
        False,
        True,
        False,
    ]
