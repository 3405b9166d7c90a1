"""Anyone's HSDS imports: the official examples, in every form they come."""

from pathlib import Path

import pytest
from django.core.management import call_command

from opendata.hsds.importer import import_path
from resources.models import Location, Organization, Service

# The official examples of HSDS 3.0 (tag v3.0 of openreferral/specification, CC BY-SA 4.0),
# copied here so that every checkout runs these tests.
EXAMPLES = Path(__file__).resolve().parent / "official_examples"
DATA_EXAMPLES = sorted(p.name for p in EXAMPLES.glob("*.json") if p.name != "base.json")


@pytest.mark.django_db
@pytest.mark.parametrize("name", DATA_EXAMPLES)
def test_official_json_example_imports(name):
    loader = import_path(EXAMPLES / name)
    assert not loader.errors


@pytest.mark.django_db
def test_official_full_service_example_lands_with_its_organization_and_location():
    import_path(EXAMPLES / "service_full.json")
    service = Service.objects.get(uuid="ac148810-d857-441c-9679-408f346de14b")
    assert service.name_fr == "Community Counselling"
    assert service.organization.name_fr == "Example Organization Inc."
    assert (service.minimum_age, service.maximum_age) == (12, 100)
    location = Location.objects.get(uuid="3a19ff88-4620-4d17-9830-ac1d859eb5d5")
    assert location.latitude is None  # 100, 101 are no coordinates on Earth
    assert location.municipality is None  # MyCity is not in the gazetteer
    assert service.schedules.count() + service.service_at_locations.get().schedules.count() == 1


@pytest.mark.django_db
def test_official_csv_package_imports(capsys):
    call_command("import_hsds", EXAMPLES / "csv")
    assert Service.objects.filter(uuid="ac148810-d857-441c-9679-408f346de14b").exists()
    assert "contacts" in capsys.readouterr().out  # what we cannot store is said


@pytest.mark.django_db
def test_official_examples_reimport_without_duplicates():
    for _ in range(2):
        import_path(EXAMPLES / "service_full.json")
        import_path(EXAMPLES / "csv")
    assert Organization.objects.filter(name_fr="Example Organization Inc.").count() == 1


@pytest.mark.django_db
def test_foreign_terms_map_to_sectors_through_the_mapping_file(tmp_path):
    mapping = tmp_path / "map.csv"
    mapping.write_text("term,sector\n3f7b145d-84af-42d7-8fae-eaca714b02b2,food-banks\n")
    call_command("import_hsds", EXAMPLES / "service_full.json", sector_map=mapping)
    service = Service.objects.get(uuid="ac148810-d857-441c-9679-408f346de14b")
    assert list(service.sectors.values_list("slug", flat=True)) == ["food-banks"]


@pytest.mark.django_db
def test_dry_run_changes_nothing():
    call_command("import_hsds", EXAMPLES / "service_full.json", dry_run=True)
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_progress_is_told_the_total_and_ticked_per_record_saved():
    seen = {"total": None, "ticks": 0}

    def progress(total):
        seen["total"] = total

        def tick():
            seen["ticks"] += 1

        return tick

    loader = import_path(EXAMPLES / "service_full.json", progress=progress)
    assert seen["total"] >= seen["ticks"] == sum(loader.counts.values()) > 0


@pytest.mark.django_db
def test_language_option_puts_foreign_text_in_english_and_french_stands_in(tmp_path):
    import_path(EXAMPLES / "service_full.json", language="en")
    service = Service.objects.get(uuid="ac148810-d857-441c-9679-408f346de14b")
    assert service.name_en == "Community Counselling"
    assert service.name_fr == "Community Counselling"  # French is required: it stands in
    assert service.alert_fr == "" and service.alert_en.startswith("Following COVID-19")
