"""A corrupted file is refused with a message naming the record and field; nothing changes."""

import csv
import json
import uuid

import pytest
from django.core.management import CommandError, call_command

from opendata.hsds.importer import ImportFailed, import_path
from resources.models import Service
from tests.opendata.helpers import read_folder


def corrupt_json(folder, change):
    path = folder / "services.json"
    services = json.loads(path.read_text())
    change(services[0])
    path.write_text(json.dumps(services))
    return services[0]["id"]


def set_bad_uuid(service):
    service["id"] = "not-a-uuid"


def drop_name(service):
    del service["name"]


def dangle_organization(service):
    service["organization_id"] = str(uuid.uuid4())
    del service["organization"]


def wrong_type(service):
    service["minimum_age"] = "douze"


CASES = [
    (set_bad_uuid, 'id: "not-a-uuid" is not a "uuid"'),
    (drop_name, '"name" is a required property'),
    (dangle_organization, "organization_id: unknown organization"),
    (wrong_type, 'minimum_age: "douze" is not of type "number"'),
]


@pytest.mark.parametrize(("change", "expected"), CASES)
def test_corrupted_json_is_refused_and_changes_nothing(directory, tmp_path, change, expected):
    exported, after = tmp_path / "export", tmp_path / "after"
    call_command("export_hsds", exported)
    Service.objects.filter(pk=directory["food"].pk).update(name_fr="Changé localement")
    call_command("export_hsds", tmp_path / "before")
    corrupt_json(exported, change)
    with pytest.raises(ImportFailed) as failure:
        import_path(exported)
    assert any(expected in error for error in failure.value.errors), failure.value.errors
    call_command("export_hsds", after)
    assert read_folder(tmp_path / "before") == read_folder(after)


def test_corrupted_csv_names_the_table_row_and_field(directory, tmp_path):
    call_command("export_hsds", tmp_path, format="csv")
    path = tmp_path / "services.csv"
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["status"] = "open-ish"
    rows[1]["organization_id"] = ""
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ImportFailed) as failure:
        import_path(tmp_path)
    errors = failure.value.errors
    assert f'services {rows[0]["id"]}: status: "open-ish" is not one of' in errors[0]
    assert f"services {rows[1]['id']}: organization_id: required column is empty" in errors[1]


def test_a_later_error_rolls_back_records_already_saved(directory, tmp_path):
    call_command("export_hsds", tmp_path)
    path = tmp_path / "services.json"
    services = json.loads(path.read_text())
    services[0]["name"] = "Nouveau nom"
    services[-1]["organization_id"] = str(uuid.uuid4())
    del services[-1]["organization"]
    path.write_text(json.dumps(services))
    with pytest.raises(ImportFailed):
        import_path(tmp_path)
    assert not Service.objects.filter(name_fr="Nouveau nom").exists()


def test_the_command_lists_errors_and_fails(tmp_path, db, capsys):
    (tmp_path / "services.json").write_text('[{"id": "x", "status": "active"}]')
    with pytest.raises(CommandError, match="nothing changed"):
        call_command("import_hsds", tmp_path / "services.json")
    assert 'service x: id: "x" is not a "uuid"' in capsys.readouterr().err


def test_unreadable_json_is_refused(tmp_path, db):
    (tmp_path / "services.json").write_text("[{")
    with pytest.raises(ImportFailed, match="1 error"):
        import_path(tmp_path)
