"""What HSDS 3.0 carries is kept: a phone's languages and a virtual location's link survive an
export → import into an empty directory, and the export validates against the schemas."""

import json

import pytest
from django.core.management import call_command

from opendata.hsds import validation
from resources.models import Language, Location, Phone
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
