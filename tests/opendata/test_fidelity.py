"""What HSDS 3.0 carries is kept: a phone's languages and a virtual location's link survive an
export → import into an empty directory, and the export validates against the schemas."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from opendata.hsds import validation
from opendata.hsds.importer import ImportFailed, import_path
from resources.models import CostOption, Language, Location, Phone, Service, ServiceArea
from tests.factories import make_location, make_phone
from tests.opendata.helpers import empty_directory

CHAT = "https://clavardage.example.org/aide"


@pytest.fixture
def listing(directory):
    phone = make_phone(service=directory["food"], number="450 555-0110")
    phone.languages.set(Language.objects.filter(code__in=["fra", "spa"]))
    chat = make_location(
        directory["organization"],
        name_fr="Clavardage",
        location_type="virtual",
        url=CHAT,
        address_1="",
        postal_code="",
        latitude=None,
        longitude=None,
    )
    return {"phone": phone, "chat": chat}


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_phone_languages_and_virtual_links_survive_the_round_trip(listing, tmp_path, file_format):
    call_command("export_hsds", tmp_path, format=file_format)
    empty_directory()
    call_command("import_hsds", tmp_path)
    phone = Phone.objects.get(uuid=listing["phone"].uuid)
    assert sorted(phone.languages.values_list("code", flat=True)) == ["fra", "spa"]
    chat = Location.objects.get(uuid=listing["chat"].uuid)
    assert (chat.location_type, chat.url) == ("virtual", CHAT)


def test_the_export_nests_them_where_hsds_puts_them(listing, tmp_path):
    call_command("export_hsds", tmp_path, language="en")
    services = json.loads((tmp_path / "services.json").read_text())
    phones = [p for s in services for p in s.get("phones", [])]
    phone = next(p for p in phones if p["id"] == str(listing["phone"].uuid))
    assert sorted(lang["code"] for lang in phone["languages"]) == ["fra", "spa"]
    assert {lang["name"] for lang in phone["languages"]} >= {"Spanish"}
    organizations = json.loads((tmp_path / "organizations.json").read_text())
    locations = [loc for org in organizations for loc in org.get("locations", [])]
    assert next(loc for loc in locations if loc["id"] == str(listing["chat"].uuid))["url"] == CHAT
    for service in services:
        assert validation.errors("service", service) == []
    for organization in organizations:
        assert validation.errors("organization", organization) == []


def test_a_foreign_phone_language_in_two_letters_is_understood(listing, tmp_path):
    call_command("export_hsds", tmp_path)
    path = tmp_path / "services.json"
    services = json.loads(path.read_text())
    for service in services:
        for phone in service.get("phones", []):
            for language in phone.get("languages", []):
                language["code"] = {"fra": "fr", "spa": "es"}[language["code"]]
    path.write_text(json.dumps(services))
    empty_directory()
    call_command("import_hsds", tmp_path)
    phone = Phone.objects.get(uuid=listing["phone"].uuid)
    assert sorted(phone.languages.values_list("code", flat=True)) == ["fra", "spa"]


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_wheelchair_access_yes_no_and_unknown_survive_and_unknown_is_never_no(
    directory, tmp_path, file_format
):
    organization = directory["organization"]
    places = {
        answer: make_location(organization, name_fr=f"Lieu {answer}", wheelchair_accessible=answer)
        for answer in (True, False, None)
    }
    call_command("export_hsds", tmp_path, format=file_format)
    empty_directory()
    call_command("import_hsds", tmp_path)
    for answer, place in places.items():
        assert Location.objects.get(uuid=place.uuid).wheelchair_accessible is answer


def test_a_foreign_location_without_an_accessibility_flag_is_unknown_not_inaccessible(
    directory, tmp_path
):
    call_command("export_hsds", tmp_path)
    path = tmp_path / "organizations.json"
    organizations = json.loads(path.read_text())
    for organization in organizations:
        for location in organization.get("locations", []):
            location.pop("x211_wheelchair_accessible", None)
    path.write_text(json.dumps(organizations))
    path = tmp_path / "services.json"
    services = json.loads(path.read_text())
    for service in services:
        for sal in service.get("service_at_locations", []):
            sal["location"].pop("x211_wheelchair_accessible", None)
    path.write_text(json.dumps(services))
    empty_directory()
    call_command("import_hsds", tmp_path)
    assert Location.objects.get(uuid=directory["hidden"].uuid).wheelchair_accessible is None


@pytest.fixture
def priced(directory):
    service = directory["food"]
    service.is_free = False
    service.save()
    CostOption.objects.create(
        service=service,
        option_fr="Moins de 18 ans",
        option_en="Under 18",
        amount=Decimal("0"),
        valid_from=datetime.date(2026, 1, 1),
    )
    CostOption.objects.create(
        service=service,
        option_fr="Adultes",
        amount=Decimal("12.50"),
        amount_description_fr="par séance",
    )
    return service


@pytest.mark.parametrize("file_format", ["json", "csv"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_cost_options_survive_the_round_trip(priced, tmp_path, file_format, language):
    call_command("export_hsds", tmp_path, format=file_format, language=language)
    empty_directory()
    call_command("import_hsds", tmp_path)
    service = Service.objects.get(uuid=priced.uuid)
    assert [
        (c.option_fr, c.option_en or "", c.amount, c.currency, c.amount_description_fr or "")
        for c in service.cost_options.order_by("amount")
    ] == [
        ("Moins de 18 ans", "Under 18", Decimal("0.00"), "CAD", ""),
        ("Adultes", "", Decimal("12.50"), "CAD", "par séance"),
    ]
    assert service.cost_options.get(amount=0).valid_from == datetime.date(2026, 1, 1)
    assert service.is_free is False


def test_prices_never_override_the_free_flag_staff_set(priced, tmp_path):
    call_command("export_hsds", tmp_path)
    path = tmp_path / "services.json"
    services = json.loads(path.read_text())
    for service in services:
        service.pop("x211_is_free", None)
        for option in service.get("cost_options", []):
            option["amount"] = 0
    path.write_text(json.dumps(services))
    Service.objects.filter(pk=priced.pk).update(is_free=False)
    call_command("import_hsds", tmp_path)
    assert Service.objects.get(pk=priced.pk).is_free is False  # stored: staff's word stays
    empty_directory()
    call_command("import_hsds", tmp_path)
    assert Service.objects.get(uuid=priced.uuid).is_free is True  # new, every price zero


def test_a_negative_price_is_refused(priced, tmp_path):
    call_command("export_hsds", tmp_path)
    path = tmp_path / "services.json"
    services = json.loads(path.read_text())
    for service in services:
        for option in service.get("cost_options", []):
            option["amount"] = -5
    path.write_text(json.dumps(services))
    with pytest.raises(ImportFailed) as failure:
        import_path(tmp_path)
    assert any(": amount: " in error for error in failure.value.errors), failure.value.errors


GEOJSON = '{"type": "Polygon", "coordinates": [[[-73.5, 45.7], [-73.3, 45.7], [-73.4, 45.9]]]}'


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_service_area_names_and_extents_survive_and_derived_names_are_not_stored(
    directory, tmp_path, file_format
):
    named = ServiceArea.objects.create(
        service=directory["food"],
        scope="mrc",
        name_fr="Tout le territoire du CLSC",
        extent=GEOJSON,
        extent_type="geojson",
    )
    call_command("export_hsds", tmp_path, format=file_format)
    empty_directory()
    call_command("import_hsds", tmp_path)
    area = ServiceArea.objects.get(uuid=named.uuid)
    assert (area.name_fr, area.extent, area.extent_type) == (
        "Tout le territoire du CLSC",
        GEOJSON,
        "geojson",
    )
    plain = ServiceArea.objects.filter(service__uuid=directory["food"].uuid, scope="local")
    assert [a.name_fr or "" for a in plain] == [""]  # "Charlemagne, Repentigny" is derived


@pytest.mark.parametrize(
    ("name", "scope"),
    [("MRC de L'Assomption", "mrc"), ("Lanaudière", "region"), ("Le Gardeur", "local")],
)
def test_a_foreign_area_named_after_a_territory_serves_it(directory, tmp_path, name, scope):
    call_command("export_hsds", tmp_path)
    path = tmp_path / "services.json"
    services = json.loads(path.read_text())
    for service in services:
        for area in service.get("service_areas", []):
            for extra in ("x211_scope", "x211_municipalities"):
                area.pop(extra, None)
            area["name"] = name
    path.write_text(json.dumps(services))
    empty_directory()
    call_command("import_hsds", tmp_path)
    area = ServiceArea.objects.filter(service__uuid=directory["food"].uuid).get()
    assert (area.scope, area.name_fr) == (scope, name)
    if scope == "local":
        assert [m.slug for m in area.municipalities.all()] == ["repentigny"]


def test_an_oversized_price_text_is_refused_naming_it(priced, tmp_path):
    call_command("export_hsds", tmp_path)
    path = tmp_path / "services.json"
    services = json.loads(path.read_text())
    for service in services:
        for option in service.get("cost_options", []):
            option["option"] = "x" * 201
    path.write_text(json.dumps(services))
    with pytest.raises(ImportFailed) as failure:
        import_path(tmp_path)
    assert any(
        error.startswith("cost_options ") and ": option: 201 characters, more than the 200" in error
        for error in failure.value.errors
    ), failure.value.errors
