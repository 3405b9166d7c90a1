"""One rule for change history in open data (docs/hsds-profile.md, "Change history"), tested
together: no sign-in name ever leaves the directory; what an import creates or changes gets one
version of its own, signed with the directory's name; a file's metadata is kept as the file
describes it; and our own export → import → export gives the same bytes (the demo directory's
own round trip: test_demo_roundtrip.py)."""

import json
import shutil
from collections import Counter
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from opendata.hsds.tables import RESOURCE_TYPES, directory_tables
from resources.models import Sector, Service, ServiceArea, ServiceAtLocation
from tests.opendata.helpers import (
    HISTORY_MODELS,
    empty_directory,
    listing_checksum,
    read_folder,
)
from tests.opendata.test_foreign_feeds import FEEDS, FOOD

SIGNED = settings.DIRECTORY_NAME
# Every model with history, all of which an import saves.
IMPORTED = HISTORY_MODELS
FEED_OPTIONS = {
    "aide_lanaudiere": {"mapping": "mapping.json", "sector_map": "sectors.csv"},
    "ressources_csv": {"mapping": "mapping_csv.json", "sector_map": "sectors_csv.csv"},
}
STAFF_LOGIN = "julie.gagnon.staff"


def run_import(path, feed=None):
    """`import_hsds` (with the feed's mapping files when importing a feed); what it printed."""
    options = {k: str(FEEDS / v) for k, v in FEED_OPTIONS.get(feed, {}).items()}
    out = StringIO()
    call_command("import_hsds", path, stdout=out, stderr=out, **options)
    return out.getvalue()


def copy_feed(tmp_path, feed):
    target = tmp_path / feed
    shutil.copytree(FEEDS / feed, target)
    return target


def versions(model):
    """{record uuid: [(type, change reason, user id)] oldest first} of every record."""
    found = {str(uuid): [] for uuid in model.objects.values_list("uuid", flat=True)}
    rows = model.history.order_by("history_date", "history_id").values_list(
        "uuid", "history_type", "history_change_reason", "history_user"
    )
    for uuid, kind, reason, user in rows:
        found[str(uuid)].append((kind, reason, user))
    return found


def all_versions():
    return {model.__name__: versions(model) for model in IMPORTED}


def new_versions(before, after):
    """The versions in `after` that `before` lacks, per model and record."""
    added = {}
    for name, records in after.items():
        for uuid, rows in records.items():
            extra = list((Counter(rows) - Counter(before[name].get(uuid, []))).elements())
            if extra:
                added.setdefault(name, {})[uuid] = extra
    return added


def exported_authors(language="fr"):
    """{(resource type, record id): {(action, updated_by)}} of the export's metadata."""
    tables = directory_tables(language)
    found = {}
    for record in tables["metadata"]:
        key = (record["resource_type"], record["resource_id"])
        found.setdefault(key, set()).add((record["last_action_type"], record["updated_by"]))
    return tables, found


def edit_service_name(folder, ident, name):
    path = folder / "services.json"
    data = json.loads(path.read_text())
    services = data["contents"] if isinstance(data, dict) else data
    service = next(s for s in services if s["id"].lower() == ident.lower())
    service["name"] = name
    path.write_text(json.dumps(data, ensure_ascii=False))


# An import gives what it creates one first version -----------------------------------------


@pytest.mark.parametrize("feed", list(FEED_OPTIONS))
def test_a_feed_without_metadata_gives_every_record_one_first_version_the_export_shows(
    db, tmp_path, feed
):
    folder = copy_feed(tmp_path, feed)
    if feed == "aide_lanaudiere":
        # Not flagged free, every price zero: marked free after its save. Its version must say
        # so (versions hold what the records finally hold).
        data = json.loads((folder / "services.json").read_text())
        for service in data["contents"]:
            service.pop("free", None)
        (folder / "services.json").write_text(json.dumps(data, ensure_ascii=False))
    run_import(folder, feed)

    found = all_versions()
    # The feed's terms map onto our sectors: none is created or changed.
    assert not found["Sector"] or not Sector.history.exists()
    given = {m.__name__ for m in IMPORTED} - {"Sector"}
    if feed == "aide_lanaudiere":
        given -= {"Schedule"}  # it gives no hours
    assert {name for name, records in found.items() if records} >= given
    for model in IMPORTED:
        for uuid, rows in found[model.__name__].items() if model is not Sector else ():
            assert rows == [("+", SIGNED, None)], (model.__name__, uuid)
    if feed == "aide_lanaudiere":
        food = Service.objects.get(uuid=FOOD)
        assert food.is_free and food.history.get().is_free
        assert food.history.get().name_fr == food.name_fr

    tables, authors = exported_authors()
    for model, resource_type in RESOURCE_TYPES.items():
        for uuid in versions(model) if model is not Sector else ():
            # A version that sets no field the export shows shows nothing (a place where a
            # service is offered, without a description).
            shown = authors.get((resource_type, uuid), {("create", SIGNED)})
            if model is not ServiceAtLocation:
                shown = authors[(resource_type, uuid)]
            assert shown == {("create", SIGNED)}, (resource_type, uuid)
    assert {r["updated_by"] for r in tables["metadata"]} == {SIGNED}


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_reimporting_that_export_changes_nothing_and_writes_no_version(db, tmp_path, file_format):
    run_import(copy_feed(tmp_path, "aide_lanaudiere"), "aide_lanaudiere")
    call_command("export_hsds", tmp_path / "first", format=file_format)
    before, checksum = all_versions(), listing_checksum()

    printed = run_import(tmp_path / "first")

    assert "created" not in printed and "updated" not in printed, printed
    assert "services unchanged: 2" in printed
    assert all_versions() == before and listing_checksum() == checksum
    call_command("export_hsds", tmp_path / "second", format=file_format)
    assert read_folder(tmp_path / "first") == read_folder(tmp_path / "second")


@pytest.mark.parametrize("source", ["our export", "the feed again"])
def test_a_changed_field_gives_that_record_one_update_version(db, tmp_path, source):
    feed = copy_feed(tmp_path, "aide_lanaudiere")
    run_import(feed, "aide_lanaudiere")
    if source == "our export":
        folder = tmp_path / "export"
        call_command("export_hsds", folder)
    else:
        folder = feed
    edit_service_name(folder, FOOD, "Comptoir alimentaire renommé")
    before = all_versions()

    run_import(folder, "aide_lanaudiere" if folder == feed else None)

    assert new_versions(before, all_versions()) == {"Service": {FOOD: [("~", SIGNED, None)]}}
    food = Service.objects.get(uuid=FOOD)
    last = food.history.order_by("history_date").last()
    assert (last.history_type, last.name_fr) == ("~", "Comptoir alimentaire renommé")
    changes = [
        r
        for r in directory_tables("fr")["metadata"]
        if r["resource_id"] == FOOD and r["last_action_type"] == "update"
    ]
    expected = [("name_fr", "Comptoir alimentaire renommé", SIGNED)]
    if source == "the feed again":  # it gives no slug: the slug follows the name
        expected.append(("slug", "comptoir-alimentaire-renomme", SIGNED))
    assert [(r["field_name"], r["replacement_value"], r["updated_by"]) for r in changes] == expected
    assert changes[0]["previous_value"] == "Comptoir alimentaire du Vieux-Terrebonne"


def test_a_files_metadata_is_kept_as_it_describes_the_history(db, tmp_path):
    """Versions another directory describes keep their author; the import adds none of its own
    to the records whose history the file describes."""
    run_import(copy_feed(tmp_path, "aide_lanaudiere"), "aide_lanaudiere")
    folder = tmp_path / "theirs"
    call_command("export_hsds", folder)
    for name in ("services.json", "organizations.json"):
        text = (folder / name).read_text()
        (folder / name).write_text(text.replace(SIGNED, "211 Laurentides"))
    empty_directory()

    run_import(folder)

    for model in IMPORTED:
        for uuid, rows in versions(model).items() if model is not Sector else ():
            # What the file does not describe the import signs: service areas, whose history
            # is no part of an export, and places of service without a description.
            ours = model in (ServiceArea, ServiceAtLocation)
            assert rows == [("+", SIGNED if ours else "211 Laurentides", None)], (model, uuid)


# No sign-in name leaves the directory --------------------------------------------------------


def test_a_staff_edit_of_an_imported_record_shows_the_directorys_name_never_the_login(
    db, tmp_path, client
):
    run_import(copy_feed(tmp_path, "aide_lanaudiere"), "aide_lanaudiere")
    staff = get_user_model().objects.create_superuser(STAFF_LOGIN, "julie@example.org", None)
    staff.first_name, staff.last_name = "Julie", "Gagnon"
    staff.save()
    client.force_login(staff)
    food = Service.objects.get(uuid=FOOD)
    client.post(
        reverse("admin:resources_service_changelist"),
        {"action": "mark_verified", "_selected_action": [food.pk]},
    )
    client.logout()
    assert [(r.history_type, r.history_user_id) for r in food.history.order_by("history_date")] == [
        ("+", None),
        ("~", staff.pk),
    ]

    _, authors = exported_authors()
    assert authors[("service", FOOD)] == {("create", SIGNED), ("update", SIGNED)}
    for file_format in ("json", "csv"):
        call_command("export_hsds", tmp_path / file_format, format=file_format)
        text = "".join(p.read_text() for p in (tmp_path / file_format).iterdir())
        assert STAFF_LOGIN not in text and "julie@example.org" not in text
        assert SIGNED in text
    answer = client.get(f"/api/services/{FOOD}").content.decode()
    assert STAFF_LOGIN not in answer and SIGNED in answer

    before = all_versions()
    printed = run_import(tmp_path / "json")
    assert "updated" not in printed and all_versions() == before
    call_command("export_hsds", tmp_path / "again")
    assert read_folder(tmp_path / "json") == read_folder(tmp_path / "again")


# The demo directory's first versions ---------------------------------------------------------


@pytest.mark.django_db
def test_every_demo_record_the_export_shows_has_its_first_version_signed(demo_data):
    tables, authors = exported_authors()
    exported = {
        ("organization", "organizations"),
        ("service", "services"),
        ("location", "locations"),
        ("phone", "phones"),
    }
    for resource_type, table in exported:
        for row in tables[table]:
            assert ("create", SIGNED) in authors[(resource_type, row["id"])], row["id"]
    schedules = {row.get("x211_schedule_id") or row["id"] for row in tables["schedules"]}
    for ident in schedules:
        assert ("create", SIGNED) in authors[("schedule", ident)]
