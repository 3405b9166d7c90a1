"""`manage.py load_demo_data` on small files written in tmp_path: what it writes, how a reload
updates in place, and how it refuses a bad file (the demo directory itself: test_demo_data.py)."""

import datetime
import json
from collections import Counter
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import QuerySet
from django.utils import translation

from resources.demo import demo_uuid
from resources.models import (
    Location,
    OpeningPeriod,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from tests.factories import make_organization


def _document():
    """One valid organization with a location, a phone and a service with hours."""
    return {
        "_note": "test",
        "organizations": [
            {
                "slug": "essai-org",
                "name": {"fr": "Organisme d'essai", "en": "Test organization"},
                "description": {"fr": "Organisme fictif.", "en": "Fictional organization."},
                "website": "https://essai.example.org",
                "email": "info@essai.example.org",
                "phones": [{"number": "450 555-0101", "type": "voice"}],
                "locations": [
                    {
                        "key": "main",
                        "name": {"fr": "Siège", "en": "Head office"},
                        "address_1": "10, rue Notre-Dame",
                        "municipality": "repentigny",
                        "postal_code": "J6A 2T1",
                        "latitude": 45.737,
                        "longitude": -73.459,
                    }
                ],
                "services": [
                    {
                        "slug": "essai-service",
                        "name": {"fr": "Service d'essai"},
                        "description": {"fr": "Service fictif.", "en": "Fictional service."},
                        "sectors": ["food-banks"],
                        "languages": ["fra", "eng"],
                        "locations": ["main"],
                        "area": {"scope": "local", "municipalities": ["repentigny"]},
                        "schedule": {
                            "closed_on_holidays": True,
                            "periods": [["mon-fri", "09:00", "12:00"], ["sat", "21:00", "08:00"]],
                        },
                    }
                ],
            }
        ],
    }


def _write(folder, document, name="essai.json"):
    (folder / name).write_text(json.dumps(document), encoding="utf-8")
    return folder


def _load(folder):
    call_command("load_demo_data", "--path", str(folder), stdout=StringIO())


@pytest.mark.django_db
def test_small_demo_file_loads_with_expanded_periods_and_english_fallback(tmp_path):
    _load(_write(tmp_path, _document()))

    service = Service.objects.get(slug="essai-service")
    schedule = service.schedules.get()
    assert service.uuid == demo_uuid("service", "essai-service")
    assert sorted(schedule.periods.values_list("weekday", flat=True)) == [0, 1, 2, 3, 4, 5]
    assert schedule.periods.get(weekday=5).closes_at == datetime.time(8)
    assert service.organization.phones.get().number == "450 555-0101"
    assert service.service_at_locations.get().location.municipality.slug == "repentigny"
    with translation.override("en"):
        assert service.name == "Service d'essai"
        assert service.description == "Fictional service."
    assert service.search_entries.exists()  # bulk writes skip the signals: the index is rebuilt


HISTORY_MODELS = (Organization, Service, Location, ServiceAtLocation, Phone, ServiceArea, Schedule)


def _versions():
    """{model name: [(history type, change reason, user id)]} of the demo's records."""
    return {
        model.__name__: sorted(
            model.history.values_list(
                "uuid", "history_type", "history_change_reason", "history_user"
            )
        )
        for model in HISTORY_MODELS
    }


@pytest.mark.django_db
def test_every_demo_record_gets_one_first_version_and_a_reload_adds_none(tmp_path):
    _load(_write(tmp_path, _document()))
    first = _versions()
    for model in HISTORY_MODELS:
        uuids = sorted(model.objects.values_list("uuid", flat=True))
        assert uuids, model.__name__
        # One "+" per record, signed with the directory's name, no account.
        assert first[model.__name__] == [
            (uuid, "+", settings.DIRECTORY_NAME, None) for uuid in uuids
        ], model.__name__
    service = Service.objects.get(slug="essai-service")
    assert service.history.get().name_fr == "Service d'essai"

    _load(_write(tmp_path, _document()))
    assert _versions() == first

    document = _document()
    document["organizations"][0]["services"][0]["name"] = {"fr": "Service renommé"}
    _load(_write(tmp_path, document))
    after = _versions()
    added = {
        name: sorted((Counter(rows) - Counter(first[name])).elements())
        for name, rows in after.items()
    }
    added = {name: rows for name, rows in added.items() if rows}
    assert added == {"Service": [(service.uuid, "~", settings.DIRECTORY_NAME, None)]}
    last = service.history.order_by("history_date").last()
    assert (last.history_type, last.name_fr) == ("~", "Service renommé")


@pytest.mark.django_db
def test_reloading_changed_files_updates_rows_in_place_and_spares_other_records(tmp_path):
    other = make_organization(slug="pas-une-demo")
    _load(_write(tmp_path, _document()))
    schedule_id = Schedule.objects.get(service__slug="essai-service").pk
    first_period = OpeningPeriod.objects.filter(schedule_id=schedule_id).order_by("pk").first()
    document = _document()
    document["organizations"][0]["services"][0]["schedule"]["periods"] = [
        ["daily", "08:00", "16:00"]
    ]
    document["organizations"][0]["phones"] = []
    document["organizations"][0]["name"] = {"fr": "Organisme renommé", "en": "Renamed"}

    _load(_write(tmp_path, document))

    periods = OpeningPeriod.objects.filter(schedule_id=schedule_id)
    assert Schedule.objects.get(service__slug="essai-service").pk == schedule_id
    assert periods.count() == 7
    assert periods.order_by("pk").first().pk == first_period.pk
    assert not Phone.objects.filter(organization__slug="essai-org").exists()
    assert Organization.objects.filter(pk=other.pk).exists()
    # The untranslated column, read without the translation-aware manager's rewriting.
    columns = QuerySet(Organization).filter(slug="essai-org").values_list("name", "name_en")
    assert columns.get() == ("Organisme renommé", "Renamed")


def _broken(change):
    document = _document()
    change(document["organizations"][0])
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda org: org["services"][0].update(sectors=["food-banks", "cuisine"]),
            " › service essai-service: secteur inconnu 'cuisine'",
        ),
        (
            lambda org: org["phones"][0].update(number="450 555-1234"),
            ": numéro '450 555-1234' hors de la plage fictive",
        ),
        (
            lambda org: org.update(website="https://essai.com"),
            ": « website » 'https://essai.com' doit être une adresse https à example.org",
        ),
        (
            lambda org: org["locations"][0].update(municipality="saint-tite"),
            " › lieu main: municipalité inconnue 'saint-tite'",
        ),
        (
            lambda org: org["services"][0].update(languages=["fra", "klingon"]),
            " › service essai-service: langue inconnue 'klingon'",
        ),
        (
            lambda org: org["locations"][0].update(postal_code="H2X 1Y4"),
            " › lieu main: le code postal H2X 1Y4 n'est pas un préfixe de cette municipalité",
        ),
        (
            lambda org: org["services"][0]["schedule"]["periods"].append(
                ["tue", "09:00", "10:00", {"weeks": [0]}]
            ),
            " › service essai-service › schedule: règle invalide {'weeks': [0]}",
        ),
        (
            lambda org: org["services"][0]["schedule"]["periods"].append(
                ["sat", "09:00", "10:00", {"every": 2}]
            ),
            " › service essai-service › schedule: règle invalide {'every': 2}",
        ),
        (
            lambda org: org["services"][0]["schedule"]["periods"].append(["lundi", "9:00", "10"]),
            " › service essai-service › schedule: période invalide ['lundi', '9:00', '10']",
        ),
        (
            lambda org: org["services"][0].update(status="temporarily closed"),
            " › service essai-service: un service fermé temporairement doit avoir un avis",
        ),
        (
            lambda org: org["locations"][0].update(confidential=True),
            " › lieu main: un lieu confidentiel n'a ni adresse, ni code postal, ni point",
        ),
    ],
    ids=[
        "unknown-sector",
        "real-phone-number",
        "website-not-at-example-org",
        "unknown-municipality",
        "unknown-language",
        "postal-code-of-another-place",
        "week-of-month-zero",
        "every-other-week-without-a-start",
        "bad-period",
        "closed-without-alert",
        "confidential-with-address",
    ],
)
@pytest.mark.django_db
def test_bad_demo_file_is_refused_with_its_place_and_nothing_is_written(tmp_path, change, message):
    valid_elsewhere = _document()
    valid_elsewhere["organizations"][0]["slug"] = "autre-org"
    valid_elsewhere["organizations"][0]["services"][0]["slug"] = "autre-service"
    _write(tmp_path, valid_elsewhere, name="a-valide.json")
    _write(tmp_path, _broken(change), name="b-erreur.json")

    with pytest.raises(CommandError) as refused:
        _load(tmp_path)

    assert "rien n'a été écrit" in str(refused.value)
    assert f"b-erreur.json › organisme essai-org{message}" in str(refused.value)
    assert not Organization.objects.filter(slug__in=["essai-org", "autre-org"]).exists()
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_duplicate_slugs_and_unreadable_json_are_refused(tmp_path):
    _write(tmp_path, _document(), name="a.json")
    _write(tmp_path, _document(), name="b.json")

    with pytest.raises(CommandError, match=r"b\.json › organisme essai-org: slug 'essai-org' déjà"):
        _load(tmp_path)

    (tmp_path / "b.json").write_text("{ pas du JSON", encoding="utf-8")
    with pytest.raises(CommandError, match=r"b\.json: JSON illisible"):
        _load(tmp_path)
    assert not Organization.objects.exists()
