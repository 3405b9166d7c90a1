"""HSDS keeps which MRC or region a whole-territory service area covers (`x211_territory`)."""

import json

import pytest
from django.core.management import call_command

from opendata.hsds.importer import ImportFailed, import_path
from resources.models import ServiceArea
from tests.factories import make_service
from tests.opendata.helpers import empty_directory

pytestmark = pytest.mark.django_db

AREAS = [("mrc", "610"), ("mrc", ""), ("region", "13"), ("region", ""), ("province", "")]


@pytest.fixture
def areas(db):
    service = make_service(name_fr="Aide par territoire")
    return [
        ServiceArea.objects.create(service=service, scope=scope, territory_code=code)
        for scope, code in AREAS
    ]


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_the_territory_survives_the_round_trip(areas, tmp_path, file_format):
    call_command("export_hsds", tmp_path, format=file_format)
    empty_directory()
    assert not ServiceArea.objects.exists()
    call_command("import_hsds", tmp_path)
    kept = {a.uuid: (a.scope, a.territory_code, a.name_fr or "") for a in ServiceArea.objects.all()}
    # The derived names ("toute la MRC de Joliette") are not stored.
    assert kept == {a.uuid: (a.scope, a.territory_code, "") for a in areas}


def test_the_export_names_the_territory_by_its_code_and_name(areas, tmp_path):
    call_command("export_hsds", tmp_path)
    (service,) = json.loads((tmp_path / "services.json").read_text())
    exported = {
        (a["x211_scope"], a.get("x211_territory"), a["name"]) for a in service["service_areas"]
    }
    assert exported == {
        ("mrc", "610", "toute la MRC de Joliette"),
        ("mrc", "600", "toute la MRC de L'Assomption"),
        ("region", "13", "toute la région (Laval)"),
        ("region", "14", "toute la région (Lanaudière)"),
        ("province", None, "tout le Québec"),
    }


def edited_feed(tmp_path, edit):
    call_command("export_hsds", tmp_path)
    path = tmp_path / "services.json"
    services = json.loads(path.read_text())
    for service in services:
        for area in service.get("service_areas", []):
            edit(area)
    path.write_text(json.dumps(services))
    empty_directory()


def test_a_territory_the_gazetteer_lacks_is_refused(areas, tmp_path):
    def unknown(area):
        if area.get("x211_territory") == "610":
            area["x211_territory"] = "999"

    edited_feed(tmp_path, unknown)
    with pytest.raises(ImportFailed) as failed:
        import_path(tmp_path)
    assert any("territory_code" in error and "(999)" in error for error in failed.value.errors)


@pytest.mark.parametrize(
    ("name", "scope", "territory"),
    [
        ("MRC de Joliette", "mrc", "610"),
        ("Les Moulins", "mrc", "640"),
        ("Lanaudière", "region", ""),
    ],
)
def test_a_foreign_area_named_after_any_mrc_or_region_serves_it(
    areas, tmp_path, name, scope, territory
):
    def foreign(area):
        for extra in ("x211_scope", "x211_territory", "x211_municipalities"):
            area.pop(extra, None)
        area["name"] = name

    edited_feed(tmp_path, foreign)
    call_command("import_hsds", tmp_path)
    assert {(a.scope, a.territory_code) for a in ServiceArea.objects.all()} == {(scope, territory)}
