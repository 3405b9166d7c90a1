"""Imports and exports from the admin (opendata/admin_views.py), as staff use them: an HSDS
download; HSDS and spreadsheet (CSV, XLSX) uploads → preview with the problems per row and what
will be created or updated → confirmation, all or nothing; the page that sends a large file to
the command; the `import_spreadsheet` command. Staff without the permissions get a 403."""

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from opendata.models import ImportUpload
from resources.models import Location, Organization, Phone, Service
from tests.opendata.helpers import empty_directory, listing_checksum

EXAMPLE = Path(settings.BASE_DIR) / "docs" / "spreadsheet-import-example.csv"
PAGES = [
    "admin:opendata-index",
    "admin:opendata-export",
    "admin:opendata-import-hsds",
    "admin:opendata-import-spreadsheet",
]


def staff_client(django_user_model, username, *permissions):
    user = django_user_model.objects.create_user(username, f"{username}@example.org", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="opendata", codename__in=permissions)
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff(django_user_model):
    return staff_client(django_user_model, "equipe", "export_directory", "import_directory")


@pytest.fixture
def other_staff(django_user_model):
    return staff_client(django_user_model, "benevole")


def example_rows():
    with open(EXAMPLE, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def as_csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def as_xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append([row[name] for name in rows[0]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, kind, name, content, **fields):
    """Send a file; the preview page it leads to."""
    sent = io.BytesIO(content)
    sent.name = name
    response = client.post(reverse(f"admin:opendata-import-{kind}"), {"file": sent, **fields})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"]), response["Location"]


def text(response):
    return response.content.decode()


# Permissions ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_staff_without_the_permissions_are_refused(other_staff, name):
    assert other_staff.get(reverse(name)).status_code == 403


@pytest.mark.django_db
def test_a_preview_is_refused_without_the_permission_and_to_another_person(
    staff, other_staff, django_user_model
):
    page, url = upload(staff, "spreadsheet", "exemple.csv", EXAMPLE.read_bytes())
    assert page.status_code == 200
    assert other_staff.get(url).status_code == 403
    assert other_staff.post(url).status_code == 403
    colleague = staff_client(django_user_model, "collegue", "import_directory")
    assert colleague.get(url).status_code == 404  # not theirs
    assert not Organization.objects.filter(name_fr="Entraide fictive du Sud").exists()


@pytest.mark.django_db
def test_the_admin_index_lists_the_pages_for_those_allowed(staff, other_staff):
    page = text(staff.get(reverse("admin:index")))
    assert "Données ouvertes" in page
    for name in PAGES[1:]:
        assert reverse(name) in page
    assert reverse("admin:opendata-export") not in text(other_staff.get(reverse("admin:index")))


# Export ---------------------------------------------------------------------------------------


def download(client, file_format, language="fr"):
    response = client.get(
        reverse("admin:opendata-export"), {"format": file_format, "language": language}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_json_download_parses_and_withholds_the_confidential_address(staff, directory):
    archive = download(staff, "json")
    services = json.loads(archive.read("services.json"))
    names = {service["name"] for service in services}
    assert "Dépannage alimentaire" in names
    contents = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "Refuge-Secret" not in contents


def test_the_csv_download_is_the_tabular_package(staff, directory):
    archive = download(staff, "csv", "en")
    package = json.loads(archive.read("datapackage.json"))
    assert package["x211_language"] == "en"
    rows = list(csv.DictReader(io.StringIO(archive.read("services.csv").decode())))
    assert "Emergency food" in {row["name"] for row in rows}


# HSDS import ----------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_an_hsds_export_previewed_then_confirmed_comes_back(staff, directory, file_format):
    archive = staff.get(reverse("admin:opendata-export"), {"format": file_format, "language": "fr"})
    empty_directory()
    page, url = upload(staff, "hsds", "export.zip", archive.content)
    shown = text(page)
    assert "Ce que l'import fera" in shown and "Dépannage alimentaire" in shown
    assert not Service.objects.exists()  # a preview writes nothing
    done = staff.post(url)
    assert done.status_code == 302 and done["Location"] == reverse("admin:opendata-index")
    assert Service.objects.get(uuid=directory["food"].uuid).name_en == "Emergency food"
    assert not ImportUpload.objects.exists()


def test_an_hsds_file_with_an_error_is_listed_and_never_written(staff, directory):
    broken = [{"id": "7d0c5b0e-56a5-4b8e-9f8e-3c1b7d7a0c11", "name": "Orphelin"}]
    before = listing_checksum()
    page, url = upload(staff, "hsds", "services.json", json.dumps(broken).encode())
    assert "rien n'a été enregistré" in text(page)
    assert "service 7d0c5b0e-56a5-4b8e-9f8e-3c1b7d7a0c11" in text(page)
    assert "Confirmer" not in text(page)
    assert "rien n'a été enregistré" in text(staff.post(url))
    assert listing_checksum() == before


# Spreadsheet import ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "make"), [("exemple.csv", as_csv), ("exemple.xlsx", as_xlsx)])
def test_a_spreadsheet_previewed_then_confirmed_is_on_the_public_pages(db, staff, name, make):
    page, url = upload(staff, "spreadsheet", name, make(example_rows()))
    shown = text(page)
    assert "Comptoir alimentaire" in shown and "Transport bénévole fictif" in shown
    assert not Organization.objects.filter(name_fr="Entraide fictive du Sud").exists()
    assert staff.post(url).status_code == 302
    org = Organization.objects.get(name_fr="Entraide fictive du Sud")
    assert org.services.count() == 2 and org.locations.count() == 1  # one place, two services
    counter = Service.objects.get(name_fr="Comptoir alimentaire")
    assert counter.name_en == "Food counter" and counter.is_free
    assert set(counter.sectors.values_list("slug", flat=True)) == {"food", "food-banks"}
    assert counter.service_at_locations.get().location.latitude == pytest.approx(45.7431)
    assert Phone.objects.get(service=counter).extension == "2"
    version = counter.history.get()  # a first version, signed as the directory's staff edits
    assert version.history_type == "+" and version.history_user.username == "equipe"
    assert version.history_change_reason == settings.DIRECTORY_NAME
    assert Phone.objects.filter(organization=org, number="450 555-0140").exists()
    visitor = Client()
    french = text(visitor.get(counter.get_absolute_url()))
    assert "Comptoir alimentaire" in french and "Paniers d&#x27;épicerie" in french
    with translation.override("en"):
        english = text(visitor.get(counter.get_absolute_url()))
    assert "Food counter" in english and "Weekly grocery hampers" in english


@pytest.mark.parametrize(("name", "make"), [("erreurs.csv", as_csv), ("erreurs.xlsx", as_xlsx)])
def test_the_preview_lists_each_problem_with_its_line_and_column(db, staff, name, make):
    rows = example_rows()
    rows[0]["sectors"] = "food;pas-un-secteur"
    rows[1]["minimum_age"] = "seize"
    rows[2]["municipality"] = "Atlantide"
    before = listing_checksum()
    page, url = upload(staff, "spreadsheet", name, make(rows))
    problems = [
        (line, column)
        for line, column in (("2", "sectors"), ("3", "minimum_age"), ("4", "municipality"))
    ]
    shown = text(page)
    for line, column in problems:
        assert f"<tr><td>{line}</td><td>{column}</td>" in shown
    assert "pas-un-secteur" in shown and "municipalité inconnue" in shown
    assert "Confirmer" not in shown
    assert listing_checksum() == before


def test_one_bad_row_and_nothing_is_written(db, staff):
    rows = example_rows()
    rows[2]["service_email"] = "pas un courriel"
    before = listing_checksum()
    sent = io.BytesIO(as_csv(rows))
    sent.name = "exemple.csv"
    response = staff.post(reverse("admin:opendata-import-spreadsheet"), {"file": sent})
    confirmed = staff.post(response["Location"])  # confirmed without looking at the preview
    assert confirmed.status_code == 200
    assert "<tr><td>4</td><td>service_email</td>" in text(confirmed)
    assert listing_checksum() == before
    assert ImportUpload.objects.count() == 1  # kept, to be sent again once corrected


def test_a_second_sheet_updates_by_id_and_by_name_and_empty_cells_erase_nothing(db, staff):
    staff.post(upload(staff, "spreadsheet", "exemple.csv", EXAMPLE.read_bytes())[1])
    kitchens = Service.objects.get(name_fr="Cuisines collectives")
    rows = [
        {
            "service_id": str(kitchens.uuid),
            "organization_name_fr": "ENTRAIDE FICTIVE DU SUD",  # matched by name, case aside
            "service_name_fr": "Cuisines collectives",
            "service_description_en": "Cook together, take home your share.",
            "fees_fr": "",  # an empty cell leaves the stored text
        },
    ]
    page, url = upload(staff, "spreadsheet", "maj.csv", as_csv(rows))
    shown = text(page)
    assert "Cuisines collectives" in shown
    assert staff.post(url).status_code == 302
    kitchens.refresh_from_db()
    assert kitchens.description_en == "Cook together, take home your share."
    assert kitchens.fees_description_fr == "2 $ par portion"
    assert kitchens.organization.name_fr == "Entraide fictive du Sud"  # the key, not a new name


@pytest.mark.django_db
def test_a_file_too_large_for_a_request_is_sent_to_the_command(staff, settings):
    settings.IMPORT_ADMIN_MAX_ROWS = 2
    page, url = upload(staff, "spreadsheet", "exemple.csv", EXAMPLE.read_bytes())
    assert "python manage.py import_spreadsheet exemple.csv" in text(page)
    assert "Confirmer" not in text(page)
    staff.post(url)
    assert not Organization.objects.filter(name_fr="Entraide fictive du Sud").exists()


@pytest.mark.django_db
def test_an_upload_over_the_size_limit_or_of_another_type_is_refused(staff, settings):
    settings.IMPORT_UPLOAD_MAX_BYTES = 100
    for name in ("exemple.csv", "exemple.pdf"):
        sent = io.BytesIO(EXAMPLE.read_bytes())
        sent.name = name
        page = staff.post(reverse("admin:opendata-import-spreadsheet"), {"file": sent})
        assert page.status_code == 200 and "errorlist" in text(page)
    assert not ImportUpload.objects.exists()


# The command ----------------------------------------------------------------------------------


def test_the_command_imports_the_same_sheet_all_or_nothing(db, tmp_path):
    out = io.StringIO()
    call_command("import_spreadsheet", EXAMPLE, dry_run=True, stdout=out)
    assert "Dry run: nothing saved." in out.getvalue()
    assert not Organization.objects.filter(name_fr="Entraide fictive du Sud").exists()
    rows = example_rows()
    rows[1]["maximum_age"] = "12"  # below its minimum age, 16
    broken = tmp_path / "broken.csv"
    broken.write_bytes(as_csv(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing changed: 1 problem"):
        call_command("import_spreadsheet", broken, stderr=err)
    assert "line 3, minimum_age" in err.getvalue()
    assert not Location.objects.filter(address_1="12, rue Exemple").exists()
    call_command("import_spreadsheet", EXAMPLE, stdout=out)
    assert "+ Comptoir alimentaire" in out.getvalue()
    assert Service.objects.filter(organization__name_fr="Entraide fictive du Sud").count() == 2


@pytest.mark.django_db
def test_an_archive_of_too_many_files_is_refused_before_anything_is_read(staff):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        for number in range(101):
            package.writestr(f"../{number}.json", "[]")
    page, url = upload(staff, "hsds", "beaucoup.zip", archive.getvalue())
    assert "plus de 100 fichiers" in text(page)
