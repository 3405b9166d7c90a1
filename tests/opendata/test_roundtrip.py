"""Export → import into an empty directory → export gives the same bytes, both languages kept."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from resources.models import Location, Service
from tests.opendata.helpers import assert_round_trip_identical, empty_directory, read_folder


@pytest.mark.parametrize("file_format", ["json", "csv"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_export_import_export_is_byte_identical(directory, tmp_path, file_format, language):
    assert_round_trip_identical(tmp_path, file_format, language)


def test_import_keeps_both_languages_from_an_english_export(directory, tmp_path):
    call_command("export_hsds", tmp_path, language="en")
    empty_directory()
    call_command("import_hsds", tmp_path)
    food = Service.objects.get(uuid=directory["food"].uuid)
    assert (food.name_fr, food.name_en) == ("Dépannage alimentaire", "Emergency food")
    assert (food.description_fr, food.description_en) == ("Paniers d'épicerie.", "")
    assert (food.alert_fr, food.alert_en) == ("", "Closed for renovations")
    assert food.is_free and food.minimum_age == 18 and food.assurer == "Équipe 211"
    assert sorted(food.sectors.values_list("slug", flat=True)) == ["food", "food-banks"]
    assert sorted(food.languages.values_list("code", flat=True)) == ["eng", "fra"]
    schedule = food.schedules.get()
    assert [(p.weekday, f"{p.opens_at:%H:%M}") for p in schedule.periods.all()] == [
        (0, "09:00"),
        (1, "09:00"),
        (2, "13:00"),
    ]
    assert schedule.closures.get().reason_fr == "Vacances"


def test_reimport_updates_instead_of_duplicating(directory, tmp_path):
    call_command("export_hsds", tmp_path)
    counts = (Service.objects.count(), Location.objects.count())
    call_command("import_hsds", tmp_path)
    call_command("import_hsds", tmp_path)
    assert (Service.objects.count(), Location.objects.count()) == counts


def test_history_survives_the_round_trip_as_metadata(directory, tmp_path):
    food = directory["food"]
    food.name_fr = "Dépannage alimentaire d'urgence"
    food.save()
    call_command("export_hsds", tmp_path)
    empty_directory()
    call_command("import_hsds", tmp_path)
    history = Service.objects.get(uuid=food.uuid).history.order_by("history_date")
    assert [h.name_fr for h in history] == [
        "Dépannage alimentaire",
        "Dépannage alimentaire d'urgence",
    ]


def test_imported_services_are_found_by_the_site_search(directory, tmp_path, client):
    call_command("export_hsds", tmp_path)
    empty_directory()
    call_command("import_hsds", tmp_path)
    found = client.get("/api/services?search=epicerie").json()["contents"]
    assert [s["id"] for s in found] == [str(directory["food"].uuid)]


STAFF_LOGIN = "marie.tremblay.staff"


def test_open_data_never_shows_a_staff_sign_in_name(directory, tmp_path, client):
    """A staff edit in the admin is signed with the directory's name in exports and the API;
    our own export re-imported and exported again stays byte-identical."""
    staff = get_user_model().objects.create_superuser(STAFF_LOGIN, "staff@example.org", None)
    client.force_login(staff)
    food = directory["food"]
    client.post(
        reverse("admin:resources_service_changelist"),
        {"action": "mark_verified", "_selected_action": [food.pk]},
    )
    assert food.history.filter(history_user=staff).exists()
    client.logout()

    for file_format in ("json", "csv"):
        call_command("export_hsds", tmp_path / file_format, format=file_format)
        text = "".join(p.read_text() for p in (tmp_path / file_format).iterdir())
        assert STAFF_LOGIN not in text and "staff@example.org" not in text
        assert settings.DIRECTORY_NAME in text
    answer = client.get(f"/api/services/{food.uuid}").content.decode()
    assert STAFF_LOGIN not in answer and settings.DIRECTORY_NAME in answer

    call_command("import_hsds", tmp_path / "json")
    call_command("export_hsds", tmp_path / "again")
    assert read_folder(tmp_path / "json") == read_folder(tmp_path / "again")
