"""Imports never erase or corrupt data: our own export re-imported changes nothing (a
confidential shelter's address included), clearing takes an explicit marker that a dry run
lists, and every malformed file is refused with a message naming the record and field."""

import csv
import functools
import json
import random
import re
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from opendata.hsds.importer import ImportFailed, import_path
from resources.models import Location
from tests.opendata.conftest import SECRET_POSTCODE, SECRET_STREET
from tests.opendata.helpers import listing_checksum

FORMATS = ["json", "csv"]
ADDRESS = ("address_1", "postal_code", "latitude", "longitude", "transportation_fr")


def shelter_address(location):
    location.refresh_from_db()
    return tuple(getattr(location, name) for name in ADDRESS)


def shelter_history(location):
    return [
        (row.history_date, row.history_type, row.address_1, row.postal_code, row.name_fr)
        for row in location.history.order_by("history_date", "history_id")
    ]


def run_import(path, **options):
    """`import_hsds` as staff run it: (what it printed, the error it ended with or None)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_hsds", path, stdout=out, stderr=err, **options)
    except CommandError as exc:
        return out.getvalue() + err.getvalue(), str(exc)
    return out.getvalue() + err.getvalue(), None


def edit_json(folder, name, change):
    path = folder / name
    records = json.loads(path.read_text())
    change(records)
    path.write_text(json.dumps(records))


def edit_csv(folder, name, change):
    path = folder / name
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    change(rows, fields)
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def shelter_location(organizations, uuid):
    for org in organizations:
        for location in org.get("locations", []):
            if location["id"] == str(uuid):
                return location
    raise AssertionError("the shelter's location is not in the export")


# Withheld is not erased ------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", FORMATS)
def test_our_own_export_reimported_changes_nothing(directory, tmp_path, file_format):
    hidden = directory["hidden"]
    address, history = shelter_address(hidden), shelter_history(hidden)
    assert address[0] == SECRET_STREET + " (porte arrière)" and len(history) == 2
    before = listing_checksum()
    call_command("export_hsds", tmp_path, format=file_format)
    printed, error = run_import(tmp_path)
    assert error is None, printed
    assert shelter_address(hidden) == address
    assert shelter_history(hidden) == history
    assert listing_checksum() == before
    assert "Cleared" not in printed and "locations unchanged: 2" in printed
    assert "services unchanged: 2" in printed and "updated" not in printed


@pytest.mark.parametrize("file_format", FORMATS)
def test_the_export_withholds_what_the_import_keeps(directory, tmp_path, file_format):
    call_command("export_hsds", tmp_path, format=file_format)
    files = "".join(p.read_text() for p in tmp_path.iterdir())
    assert SECRET_STREET not in files and SECRET_POSTCODE not in files
    assert "Près du dépanneur" not in files and "45.8234" not in files


def test_a_dry_run_of_our_own_export_lists_nothing_to_clear(directory, tmp_path):
    call_command("export_hsds", tmp_path)
    printed, error = run_import(tmp_path, dry_run=True)
    assert error is None
    assert "Would clear" not in printed and "Dry run: nothing saved." in printed


def clear_in_json(uuid, names):
    def change(organizations):
        shelter_location(organizations, uuid)["x211_clear"] = names

    return change


@pytest.mark.parametrize("file_format", FORMATS)
def test_the_clear_marker_clears_and_a_dry_run_lists_it(directory, tmp_path, file_format):
    hidden = directory["hidden"]
    call_command("export_hsds", tmp_path, format=file_format)
    names = ["address_1", "postal_code", "latitude"]
    if file_format == "json":
        edit_json(tmp_path, "organizations.json", clear_in_json(hidden.uuid, names))
    else:

        def change(rows, fields):
            fields.append("x211_clear")
            for row in rows:
                row["x211_clear"] = json.dumps(names) if row["id"] == str(hidden.uuid) else ""

        edit_csv(tmp_path, "locations.csv", change)
    before = listing_checksum()
    printed, error = run_import(tmp_path, dry_run=True)
    assert error is None, printed
    for field in ("address_1", "postal_code", "latitude", "longitude"):
        assert f"locations {hidden.uuid}: {field}" in printed
    assert "Would clear (4):" in printed
    assert listing_checksum() == before

    printed, error = run_import(tmp_path)
    assert error is None, printed
    assert "Cleared (4):" in printed
    hidden.refresh_from_db()
    assert (hidden.address_1, hidden.postal_code, hidden.latitude, hidden.longitude) == (
        "",
        "",
        None,
        None,
    )
    assert hidden.transportation_fr == "Près du dépanneur"  # not named: withheld, kept


def test_a_csv_clear_marker_may_be_plain_names(directory, tmp_path):
    hidden = directory["hidden"]
    call_command("export_hsds", tmp_path, format="csv")

    def change(rows, fields):
        fields.append("x211_clear")
        for row in rows:
            row["x211_clear"] = "transportation, address_1" if row["id"] == str(hidden.uuid) else ""

    edit_csv(tmp_path, "locations.csv", change)
    printed, error = run_import(tmp_path)
    assert error is None, printed
    hidden.refresh_from_db()
    assert (hidden.address_1, hidden.transportation_fr) == ("", "")
    assert hidden.postal_code == SECRET_POSTCODE


def test_an_unknown_clear_marker_is_refused(directory, tmp_path):
    hidden = directory["hidden"]
    call_command("export_hsds", tmp_path)
    edit_json(tmp_path, "organizations.json", clear_in_json(hidden.uuid, ["name"]))
    before = listing_checksum()
    with pytest.raises(ImportFailed) as failure:
        import_path(tmp_path)
    assert f"locations {hidden.uuid}: x211_clear: cannot clear 'name'" in failure.value.errors[0]
    assert listing_checksum() == before


def test_a_file_that_unmarks_a_confidential_location_without_its_address_is_refused(
    directory, tmp_path
):
    hidden = directory["hidden"]
    call_command("export_hsds", tmp_path)

    def unmark(organizations):
        shelter_location(organizations, hidden.uuid)["x211_confidential"] = False

    def unmark_nested(services):
        for service in services:
            for sal in service.get("service_at_locations", []):
                if sal["location"]["id"] == str(hidden.uuid):
                    sal["location"]["x211_confidential"] = False

    edit_json(tmp_path, "organizations.json", unmark)
    edit_json(tmp_path, "services.json", unmark_nested)
    before = listing_checksum()
    with pytest.raises(ImportFailed) as failure:
        import_path(tmp_path)
    message = failure.value.errors[0]
    assert f"locations {hidden.uuid}: x211_confidential: false would publish" in message
    assert listing_checksum() == before


def test_a_file_without_the_confidential_flag_keeps_the_location_confidential(directory, tmp_path):
    """A foreign tool knows nothing of x211_confidential: absent is not "no"."""
    hidden = directory["hidden"]
    call_command("export_hsds", tmp_path)

    def drop_flag(organizations):
        del shelter_location(organizations, hidden.uuid)["x211_confidential"]

    def drop_nested_flag(services):
        for service in services:
            for sal in service.get("service_at_locations", []):
                sal["location"].pop("x211_confidential", None)

    edit_json(tmp_path, "organizations.json", drop_flag)
    edit_json(tmp_path, "services.json", drop_nested_flag)
    printed, error = run_import(tmp_path)
    assert error is None, printed
    hidden.refresh_from_db()
    assert hidden.is_confidential and hidden.address_1.startswith(SECRET_STREET)


def test_a_dry_run_lists_every_field_an_import_would_empty(directory, tmp_path):
    food = directory["food"]
    call_command("export_hsds", tmp_path)

    def empty_some(services):
        service = next(s for s in services if s["id"] == str(food.uuid))
        del service["x211_alert_en"]
        del service["languages"]

    edit_json(tmp_path, "services.json", empty_some)
    before = listing_checksum()
    printed, error = run_import(tmp_path, dry_run=True)
    assert error is None, printed
    assert f"services {food.uuid}: alert_en" in printed
    assert f"services {food.uuid}: languages" in printed
    assert listing_checksum() == before


# Refuse, never crash ---------------------------------------------------------------------------


def duplicate_service(services):
    services.append(dict(services[0], name="Une copie"))


def nest_deeply(services):
    deep = "fond"
    for _ in range(60):
        deep = {"x211_deeper": deep}
    services[0]["x211_note"] = deep


def not_a_number(services):
    services[0]["minimum_age"] = float("nan")


def infinite_latitude(organizations):
    organizations[0]["locations"][0]["latitude"] = float("inf")


def huge_description(size):
    def change(services):
        services[0]["description"] = "é" * size

    return change


def nul_character(services):
    services[0]["name"] = "Aide\x00alimentaire"


JSON_CASES = [
    ("services.json", duplicate_service, "id: given twice in the file: at services.json[0] and"),
    ("services.json", nest_deeply, "nested more than 32 levels deep"),
    ("services.json", not_a_number, "minimum_age: nan is not a number"),
    ("organizations.json", infinite_latitude, "latitude: inf is not a number"),
    ("services.json", huge_description(2_500_000), "description: 2500000 characters: no text"),
    (
        "services.json",
        huge_description(10_001),
        "description: 10001 characters, more than the 10000 allowed",
    ),
    ("services.json", nul_character, "name: contains a NUL character"),
]


@pytest.mark.parametrize(
    ("name", "change", "expected"), JSON_CASES, ids=[c[1].__name__ for c in JSON_CASES]
)
def test_a_malformed_json_file_is_refused_naming_record_and_field(
    directory, tmp_path, name, change, expected
):
    call_command("export_hsds", tmp_path)
    edit_json(tmp_path, name, change)
    before = listing_checksum()
    printed, error = run_import(tmp_path)
    assert error is not None and "nothing changed" in error
    assert expected in printed, printed
    assert "Traceback" not in printed
    assert listing_checksum() == before


def test_the_error_names_the_service(directory, tmp_path):
    call_command("export_hsds", tmp_path)
    ident = json.loads((tmp_path / "services.json").read_text())[0]["id"]
    edit_json(tmp_path, "services.json", not_a_number)
    with pytest.raises(ImportFailed) as failure:
        import_path(tmp_path)
    assert failure.value.errors == [f"service {ident}: minimum_age: nan is not a number"]


def test_json_too_deep_for_the_parser_is_refused_with_its_place(db, tmp_path):
    (tmp_path / "services.json").write_text("[" * 5000 + "]" * 5000)
    with pytest.raises(ImportFailed) as failure:
        import_path(tmp_path)
    assert failure.value.errors == [
        "services.json: line 1 column 33: nested more than 32 levels deep"
    ]


def test_a_nested_copy_that_disagrees_is_refused(directory, tmp_path):
    call_command("export_hsds", tmp_path)

    def change_one_copy(services):
        service = next(s for s in services if s["organization"].get("email"))
        service["organization"]["email"] = "autre@example.org"

    edit_json(tmp_path, "services.json", change_one_copy)
    with pytest.raises(ImportFailed) as failure:
        import_path(tmp_path)
    [error] = failure.value.errors
    assert re.fullmatch(
        r"organization [0-9a-f-]{36}: email: copies disagree: "
        r"at organizations\.json\[\d\] and at services\.json\[\d\]\.organization",
        error,
    )


def csv_duplicate_row(rows, fields):
    rows.append(dict(rows[0]))


def csv_not_a_number(rows, fields):
    rows[0]["minimum_age"] = "NaN"


def csv_huge_description(rows, fields):
    rows[0]["description"] = "x" * 2_500_000


CSV_CASES = [
    (csv_duplicate_row, "id: given twice in the file: at services.csv row 2 and at services.csv"),
    (csv_not_a_number, "minimum_age: nan is not a number"),
    (csv_huge_description, "description: 2500000 characters: no text may exceed 100000"),
]


@pytest.mark.parametrize(("change", "expected"), CSV_CASES, ids=[c[0].__name__ for c in CSV_CASES])
def test_a_malformed_csv_file_is_refused_naming_record_and_field(
    directory, tmp_path, change, expected
):
    call_command("export_hsds", tmp_path, format="csv")
    edit_csv(tmp_path, "services.csv", change)
    before = listing_checksum()
    printed, error = run_import(tmp_path)
    assert error is not None and "nothing changed" in error
    assert expected in printed, printed
    assert listing_checksum() == before


def test_a_history_value_longer_than_its_field_is_refused(directory, tmp_path):
    call_command("export_hsds", tmp_path)

    def long_history(services):
        services[0]["metadata"][0]["replacement_value"] = "y" * 20_000
        services[0]["metadata"][0]["field_name"] = "description_fr"

    edit_json(tmp_path, "services.json", long_history)
    before = listing_checksum()
    with pytest.raises(ImportFailed) as failure:
        import_path(tmp_path)
    assert (
        "replacement_value: description_fr: 20000 characters, more than the 10000 allowed"
    ) in str(failure.value.errors)
    assert listing_checksum() == before


# Never a traceback: random damage to a real export ---------------------------------------------

DAMAGE = [
    None,
    True,
    -1,
    1e308,
    float("nan"),
    "",
    "x" * 300,
    "not-a-uuid",
    "2026-13-45",
    "25:99",
    [],
    {},
    [None],
    {"id": "x"},
]


def damage(value, rng):
    """`value` with one member, chosen at random at any depth, replaced or removed."""
    path = []
    node = value
    while isinstance(node, (dict, list)) and node and rng.random() < 0.8:
        key = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
        path.append((node, key))
        node = node[key]
    if not path:
        return
    parent, key = path[-1]
    if isinstance(parent, dict) and rng.random() < 0.2:
        del parent[key]
    else:
        parent[key] = rng.choice(DAMAGE)


def damaged_csv(folder, rng):
    """A CSV package with one cell, chosen at random, given a hostile value (or a row doubled)."""
    files = sorted(p for p in folder.iterdir() if p.suffix == ".csv")
    path = rng.choice(files)
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    if len(rows) < 2:
        return
    row = rng.randrange(1, len(rows))
    if rng.random() < 0.1:
        rows.append(list(rows[row]))
    else:
        rows[row][rng.randrange(len(rows[0]))] = rng.choice(HOSTILE_CELLS)
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)


HOSTILE_CELLS = [
    *("NaN", "inf", "-1", "1e400", "99999999999999999999", "0", "3.5", "true", "null", ""),
    *("[", '{"a":', "[" * 3000 + "]" * 3000, "[null]", "[1,2]", '[{"start_date": 5}]'),
    *("x" * 5000, "not-a-uuid", "2026-02-30", '"', "a\x00b", "é" * 300, "MO,XX", "24:00"),
]


def import_damaged(directory, folder, before):
    """Import a damaged export: done, or refused with errors and nothing changed; never a
    traceback, and the records the damage did not reach are still there."""
    try:
        with transaction.atomic():
            import_path(folder)
            transaction.set_rollback(True)  # the next damaged copy starts from the same data
    except ImportFailed as failure:
        assert failure.errors
        assert listing_checksum() == before
    assert Location.objects.filter(uuid=directory["hidden"].uuid, is_confidential=True).exists()


def fuzz(directory, tmp_path, seeds, file_format):
    base = tmp_path / "export"
    call_command("export_hsds", base, format=file_format)
    before = listing_checksum()
    for seed in seeds:
        rng = random.Random(seed)
        folder = tmp_path / str(seed)
        shutil.copytree(base, folder)
        for _ in range(rng.choice([1, 2, 3])):
            if file_format == "csv":
                damaged_csv(folder, rng)
            else:
                name = rng.choice(sorted(p.name for p in folder.iterdir()))
                edit_json(folder, name, functools.partial(damage, rng=rng))
        import_damaged(directory, folder, before)
        shutil.rmtree(folder)


@pytest.mark.parametrize("file_format", FORMATS)
def test_randomly_damaged_files_are_imported_or_refused_never_crash(
    directory, tmp_path, file_format
):
    fuzz(directory, tmp_path, range(25), file_format)


@pytest.mark.fuzz
@pytest.mark.parametrize("file_format", FORMATS)
def test_a_long_run_of_damaged_files_never_crashes(directory, tmp_path, file_format):
    """`pytest -m fuzz`: 1,500 damaged copies of each format (about 3 minutes)."""
    fuzz(directory, tmp_path, range(40, 1540), file_format)


# One size rule ---------------------------------------------------------------------------------


def test_the_profile_lists_every_text_limit_the_models_enforce():
    from django.conf import settings

    from resources.text_limits import text_limits

    profile = (settings.BASE_DIR / "docs" / "hsds-profile.md").read_text()
    documented = {
        (model, field): int(limit)
        for model, field, limit in re.findall(r"^\| (\w+) \| (\w+) \| (\d+) \|$", profile, re.M)
    }
    assert documented == text_limits()


@pytest.mark.parametrize("name", ["confidential", "is_private", "adresse_masquee", "Hidden"])
def test_a_confidentiality_flag_this_import_cannot_read_stops_it(directory, tmp_path, name):
    """A foreign feed marking a shelter its own way: ignoring the flag would publish the
    address, so the import stops and asks for x211_confidential."""
    call_command("export_hsds", tmp_path)

    def flag(organizations):
        for organization in organizations:
            for location in organization.get("locations", []):
                location[name] = True

    edit_json(tmp_path, "organizations.json", flag)
    before = listing_checksum()
    with pytest.raises(ImportFailed) as failure:
        import_path(tmp_path)
    [error] = failure.value.errors
    assert f": {name}: looks like a confidentiality flag" in error
    assert "x211_confidential" in error
    assert listing_checksum() == before


# Say what is not kept ----------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", FORMATS)
def test_our_own_export_leaves_nothing_unstored(directory, tmp_path, file_format):
    call_command("export_hsds", tmp_path, format=file_format)
    printed, error = run_import(tmp_path, dry_run=True)
    assert error is None and "not stored" not in printed, printed


def test_what_an_import_does_not_store_is_reported_by_path_and_count(directory, tmp_path):
    call_command("export_hsds", tmp_path)

    def add_foreign(services):
        for service in services:
            service["wait_time"] = "2 semaines"
            service["couleur_du_dossier"] = "vert"
        services[0]["fees"] = "10 $"

    edit_json(tmp_path, "services.json", add_foreign)
    printed, error = run_import(tmp_path, dry_run=True)
    assert error is None, printed
    assert "services.wait_time: 2 record(s) not stored\n" in printed
    assert "services.fees: 1 record(s) not stored\n" in printed
    assert "services.couleur_du_dossier: 2 record(s) not stored (not an HSDS 3.0 property)" in (
        printed
    )


def test_a_mapping_reads_a_feeds_own_property_names(directory, tmp_path):
    """Another tool's `confidential`, `free` and `name_en` are read through --mapping."""
    hidden, food = directory["hidden"], directory["food"]
    call_command("export_hsds", tmp_path / "feed")

    def foreign_locations(organizations):
        for organization in organizations:
            for location in organization.get("locations", []):
                location["confidential"] = "oui" if "x211_confidential" in location else "non"
                location.pop("x211_confidential", None)

    def foreign_services(services):
        for service in services:
            service["free"] = "yes"
            service.pop("x211_is_free", None)
            service["name_en"] = service.pop("x211_name_en", "") or "Mapped name"
            for sal in service.get("service_at_locations", []):
                location = sal["location"]
                location["confidential"] = "oui" if "x211_confidential" in location else "non"
                location.pop("x211_confidential", None)

    edit_json(tmp_path / "feed", "organizations.json", foreign_locations)
    edit_json(tmp_path / "feed", "services.json", foreign_services)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "locations": {"confidential": "x211_confidential"},
                "services": {"free": "x211_is_free", "name_en": "x211_name_en"},
            }
        )
    )
    printed, error = run_import(tmp_path / "feed")
    assert "looks like a confidentiality flag" in printed and "--mapping" in printed
    Location.objects.filter(pk=hidden.pk).update(is_confidential=False)
    printed, error = run_import(tmp_path / "feed", mapping=str(mapping))
    assert error is None, printed
    hidden.refresh_from_db()
    assert hidden.is_confidential and hidden.address_1.startswith(SECRET_STREET)
    food.refresh_from_db()
    assert food.is_free and food.name_en == "Emergency food"
    assert "not stored" not in printed


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1]", "expected an object of tables"),
        ('{"lieux": {}}', "'lieux' is not an HSDS table"),
        ('{"locations": {"secret": "adresse_cachee"}}', "is neither one of our extras"),
        ("{", "not readable JSON"),
    ],
)
def test_a_bad_mapping_file_is_refused_before_anything_is_read(
    directory, tmp_path, content, message
):
    call_command("export_hsds", tmp_path / "feed")
    (tmp_path / "mapping.json").write_text(content)
    before = listing_checksum()
    printed, error = run_import(tmp_path / "feed", mapping=str(tmp_path / "mapping.json"))
    assert error.startswith("Mapping refused, nothing changed") and message in error
    assert listing_checksum() == before
