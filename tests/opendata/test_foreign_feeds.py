"""Foreign-shaped feeds (tests/opendata/foreign_feeds/README.md), checked field by field: what
is kept, what is mapped, what is reported."""

import datetime
import json
import uuid
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from opendata.hsds import validation
from opendata.hsds.profile import TAXONOMY_ID
from resources.models import (
    Attribute,
    Location,
    Organization,
    Sector,
    Service,
    Taxonomy,
    TaxonomyTerm,
)
from tests.opendata.helpers import read_folder

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
    assert timezone.localdate(food.modified) <= timezone.localdate()


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
    # Taxonomies, terms and attributes are kept: nothing of them is reported lost.
    for table in ("taxonomies.", "taxonomy_terms.", "attributes."):
        assert table not in imported, imported
    assert "3 term(s) of a feed's taxonomy map to no sector" in imported


FEED_TAXONOMY = "5b1cbab4-0a2b-11ef-9262-0242ac120002"
BASIC_NEEDS = "5b1cc0c2-0a2b-11ef-9262-0242ac120002"
ORGANIZATION = "5b1ca2f4-0a2b-11ef-9262-0242ac120002"
COUNTER = "5b1cae98-0a2b-11ef-9262-0242ac120002"


def test_its_taxonomy_and_terms_are_kept_as_such(imported):
    taxonomy = Taxonomy.objects.get(uuid=FEED_TAXONOMY)
    assert (taxonomy.name, taxonomy.description, taxonomy.uri, taxonomy.version) == (
        "Taxonomie Aide Lanaudière",
        "Classement propre au fournisseur.",
        "https://aide-lanaudiere.example.org/taxonomie",
        "2024.1",
    )
    terms = {t.code: t for t in taxonomy.terms.select_related("parent")}
    assert sorted(terms) == ["ACC-10", "ALIM-01", "BES", "HEB-02", "ORG-01"]
    food = terms["ALIM-01"]
    assert (food.name, food.description, food.language, food.term_uri) == (
        "Aide alimentaire",
        "Taxonomie propre au fournisseur.",
        "fra",
        "https://aide-lanaudiere.example.org/taxonomie/ALIM-01",
    )
    assert str(food.uuid) == "5b1cac22-0a2b-11ef-9262-0242ac120002"
    assert str(food.parent.uuid) == BASIC_NEEDS and terms["HEB-02"].parent == terms["BES"]
    assert terms["BES"].parent is None
    # Nothing of it became one of our sectors.
    assert not Sector.objects.filter(slug__in=["alim-01", "bes", "ALIM-01", "BES"]).exists()


def test_its_attributes_are_kept_for_services_organizations_and_locations(imported):
    food = Service.objects.get(uuid=FOOD)
    on_service = Attribute.objects.get(link_entity="service", link_id=food.uuid)
    assert (on_service.taxonomy_term.code, on_service.link_type) == ("ALIM-01", "service_type")
    assert (on_service.value, on_service.label) == ("Hebdomadaire", "Fréquence")
    on_org = Attribute.objects.get(link_entity="organization")
    assert (str(on_org.link_id), on_org.taxonomy_term.code) == (ORGANIZATION, "ORG-01")
    assert (on_org.link_type, on_org.value, on_org.label) == (
        "organization_type",
        "Organisme communautaire",
        "",
    )
    on_place = Attribute.objects.get(link_entity="location")
    assert (str(on_place.link_id), on_place.taxonomy_term.code) == (COUNTER, "ACC-10")
    assert (on_place.value, on_place.label) == ("Rampe d'accès à l'arrière", "Accès")
    assert Attribute.objects.count() == 4  # the shelter's too; no sector link stored twice
    # Mapped terms still place their services in our sectors.
    assert [s.slug for s in food.sectors.all()] == ["food-banks"]
    assert [s.slug for s in Service.objects.get(uuid=SHELTER).sectors.all()] == ["homelessness"]


def export_counts(output):
    return {
        line.split(": ")[0]: int(line.split(": ")[1])
        for line in output.splitlines()
        if line.endswith(tuple("0123456789")) and ": " in line and " " in line.split(": ")[0]
    }


def test_a_deleted_record_takes_its_attributes_along(imported, admin_client):
    organization = Attribute.objects.get(link_entity="organization")
    owner = Organization.objects.get(uuid=organization.link_id)
    food = Service.objects.get(uuid=FOOD)
    assert Attribute.objects.filter(link_id=food.uuid).exists()
    response = admin_client.post(
        reverse("admin:resources_organization_delete", args=[owner.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Attribute.objects.filter(link_id=owner.uuid).exists()
    assert not Attribute.objects.filter(link_id=food.uuid).exists()  # its service went too


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_export_then_reimport_keeps_them_and_changes_nothing(imported, tmp_path, file_format):
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("export_hsds", first, format=file_format)  # validated on the way out
    out = StringIO()
    call_command("import_hsds", first, stdout=out, stderr=out)
    counts = export_counts(out.getvalue())
    assert counts["attributes unchanged"] == 4
    assert counts["taxonomies unchanged"] == 1
    assert counts["taxonomy_terms unchanged"] == Sector.objects.count() + 5
    assert not [k for k in counts if k.endswith(("created", "updated"))], counts
    assert "not stored" not in out.getvalue() and "skipped" not in out.getvalue()
    call_command("export_hsds", second, format=file_format)
    assert read_folder(first) == read_folder(second)


def test_the_export_writes_them_where_hsds_puts_them(imported, tmp_path, client):
    call_command("export_hsds", tmp_path)
    taxonomies = json.loads((tmp_path / "taxonomies.json").read_text())
    ours = next(t for t in taxonomies if t["id"] == FEED_TAXONOMY)
    assert (ours["version"], ours["uri"]) == (
        "2024.1",
        "https://aide-lanaudiere.example.org/taxonomie",
    )
    terms = json.loads((tmp_path / "taxonomy_terms.json").read_text())
    food = next(t for t in terms if t["code"] == "ALIM-01")
    assert (food["parent_id"], food["taxonomy_id"], food["language"]) == (
        BASIC_NEEDS,
        FEED_TAXONOMY,
        "fra",
    )
    for entity, objects in (("taxonomy", taxonomies), ("taxonomy_term", terms)):
        for obj in objects:
            assert validation.errors(entity, obj) == []
    organizations = json.loads((tmp_path / "organizations.json").read_text())
    org = next(o for o in organizations if o["id"] == ORGANIZATION)
    assert [(a["value"], a["taxonomy_term"]["code"]) for a in org["attributes"]] == [
        ("Organisme communautaire", "ORG-01")
    ]
    place = next(loc for loc in org["locations"] if loc["id"] == COUNTER)
    assert place["attributes"][0]["x211_label"] == "Accès"
    assert validation.errors("organization", org) == []
    service = client.get(f"/api/services/{FOOD}").json()
    feed = [a for a in service["attributes"] if a["link_type"] == "service_type"]
    assert [(a["value"], a["taxonomy_term"]["code"]) for a in feed] == [("Hebdomadaire", "ALIM-01")]
    assert validation.errors("service", service) == []
    listed = client.get(f"/api/taxonomy_terms?taxonomy_id={FEED_TAXONOMY}&top_only=true").json()
    assert [t["code"] for t in listed["contents"]] == ["ORG-01", "ACC-10", "BES"]  # by id
    detail = client.get(f"/api/taxonomy_terms/{BASIC_NEEDS}").json()
    assert detail["taxonomy_detail"]["name"] == "Taxonomie Aide Lanaudière"
    assert validation.errors("taxonomy_term", detail) == []
    names = [t["name"] for t in client.get("/api/taxonomies").json()["contents"]]
    assert "Taxonomie Aide Lanaudière" in names and len(names) == 2
    tagged = client.get(f"/api/services?taxonomy_term_id={food['id']}").json()["contents"]
    assert [s["id"] for s in tagged] == [FOOD]


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
    # Its terms name no taxonomy: kept without one; the location's attribute with its label.
    parking = TaxonomyTerm.objects.get(code="ACC-02")
    assert (parking.name, parking.taxonomy, parking.parent) == ("Stationnement", None, None)
    attribute = Attribute.objects.get(taxonomy_term=parking)
    assert (attribute.link_entity, attribute.link_id) == ("location", place.uuid)
    assert (attribute.value, attribute.label) == ("Stationnement réservé", "Accès")


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


# Our own taxonomy given other ids -------------------------------------------------------------


def other_site_feed(path):
    """A feed whose terms carry our taxonomy's id, but ids of its own and no parent_id (as a
    tool that flattens trees would write them): food-banks is our subsector of food."""
    ids = {code: str(uuid.uuid4()) for code in ("food", "food-banks", "brand-new")}
    org, service = str(uuid.uuid4()), str(uuid.uuid4())

    def term(code, name):
        return {
            "id": ids[code],
            "code": code,
            "name": name,
            "description": "",
            "taxonomy_id": TAXONOMY_ID,
        }

    def attribute(link, entity, code, **extra):
        return {
            "id": str(uuid.uuid4()),
            "link_id": link,
            "link_entity": entity,
            "taxonomy_term_id": ids.get(code, code),
            "link_type": "sector",
            **extra,
        }

    terms = [
        term("food", "Alimentation (autre site)"),
        term("food-banks", "Banques alimentaires (autre site)"),
        term("brand-new", "Un secteur nouveau"),
    ]
    services = [
        {
            "id": service,
            "name": "Popote roulante",
            "description": "Repas livrés.",
            "status": "active",
            "organization": {
                "id": org,
                "name": "Popote du quartier",
                "description": "Organisme fictif.",
                "attributes": [attribute(org, "organization", "food")],
            },
            "attributes": [
                attribute(service, "service", "food-banks"),
                attribute(service, "service", str(uuid.uuid4())),  # an unknown term
                attribute(str(uuid.uuid4()), "service", "food"),  # an unknown service
            ],
        }
    ]
    path.mkdir()
    (path / "taxonomy_terms.json").write_text(json.dumps(terms))
    (path / "services.json").write_text(json.dumps(services))
    return ids, org, service


def test_our_taxonomy_given_other_ids_never_changes_our_sectors(db, tmp_path):
    """Regression: matched by code, our sectors used to take the feed's ids, and a subsector
    given without parent_id was detached from its sector."""
    before = {s.slug: (s.uuid, s.parent_id) for s in Sector.objects.all()}
    ids, org, service = other_site_feed(tmp_path / "feed")
    out = StringIO()
    call_command("import_hsds", tmp_path / "feed", stdout=out, stderr=out)
    after = {s.slug: (s.uuid, s.parent_id) for s in Sector.objects.all()}
    new = after.pop("brand-new")
    assert after == before  # every reference sector's id and parent as they were
    assert str(new[0]) == ids["brand-new"] and new[1] is None  # unknown both ways: a new sector
    assert Sector.objects.get(slug="food").name_fr == "Alimentation"  # not renamed either
    food_banks = Sector.objects.get(slug="food-banks")
    assert food_banks.parent.slug == "food"
    # The feed's ids land on our sectors.
    popote = Service.objects.get(uuid=service)
    assert [s.slug for s in popote.sectors.all()] == ["food-banks"]
    on_org = Attribute.objects.get(link_id=org)
    assert (on_org.link_entity, on_org.sector.slug, on_org.taxonomy_term) == (
        "organization",
        "food",
        None,
    )
    assert Organization.objects.get(uuid=org).name_fr == "Popote du quartier"
    assert Attribute.objects.count() == 1  # the service's sector link is its sectors
    assert not TaxonomyTerm.objects.exists()
    text = out.getvalue()
    assert "taxonomy_terms matched by code: 2" in text
    assert text.count("is not known here: skipped") == 1
    assert text.count("links no service known here") == 1

    # Again: nothing changes.
    out = StringIO()
    call_command("import_hsds", tmp_path / "feed", stdout=out, stderr=out)
    assert "created" not in out.getvalue() and "updated" not in out.getvalue()
    assert {s.slug: (s.uuid, s.parent_id) for s in Sector.objects.all()} == {
        **before,
        "brand-new": new,
    }
