"""The search index follows staff edits at once, and the rebuild command remakes it whole."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from resources.models import Sector
from search import indexing
from search.finder import find
from search.models import SearchEntry, Synonym
from tests.factories import locate, make_schedule, make_service
from tests.searching import found

pytestmark = pytest.mark.django_db


def test_renaming_a_service_is_searchable_at_once():
    service = make_service(name_fr="Comptoir", scope="mrc")
    service.name_fr = "Friperie"
    service.save()
    assert found(q="friperie") == [service]
    assert found(q="comptoir") == []


def test_moving_a_location_moves_the_service():
    near = make_service(name_fr="Près", scope="mrc")
    far = make_service(name_fr="Loin", scope="mrc")
    locate(near, latitude=45.75, longitude=-73.45)
    location = locate(far, latitude=45.9, longitude=-73.3)
    assert found(lat="45.742", lon="-73.45") == [near, far]
    location.latitude, location.longitude = 45.743, -73.45
    location.save()
    assert found(lat="45.742", lon="-73.45") == [far, near]


def test_renaming_a_sector_reindexes_its_services():
    service = make_service(name_fr="Service", scope="mrc", sectors=["food-banks"])
    sector = Sector.objects.get(slug="food-banks")
    sector.name_fr = "Garde-manger communautaire"
    sector.save()
    assert found(q="garde-manger") == [service]


def test_deactivated_and_deleted_services_leave_the_index():
    service = make_service(name_fr="Service", scope="mrc")
    service.status = "inactive"
    service.save()
    assert not SearchEntry.objects.filter(service=service).exists()
    other = make_service(name_fr="Autre", scope="mrc")
    other.delete()
    assert SearchEntry.objects.count() == 0


def test_hours_changes_reach_open_now():
    service = make_service(name_fr="Service", scope="mrc")
    schedule = make_schedule([], service=service, closed_on_holidays=False)
    assert found(open_now="on") == []
    for day in range(7):
        schedule.periods.create(weekday=day, opens_at="00:00", closes_at="00:00")
    assert found(open_now="on") == [service]


def test_rebuild_command_remakes_the_index():
    service = make_service(name_fr="Friperie", scope="mrc")
    SearchEntry.objects.all().delete()
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert found(q="friperie") == [service]


def test_synonyms_edited_by_staff_apply_to_the_next_search():
    service = make_service(name_fr="Friperie", scope="mrc")
    assert found(q="guenilles") == []
    Synonym.objects.create(term="Guenilles", expansion="friperie")
    assert [h.service.pk for h in find({"q": "guenilles"}).outcome.hits] == [service.pk]


def test_deferred_refresh_holds_edits_until_the_block_ends():
    service = make_service(name_fr="Comptoir", scope="mrc")
    with indexing.deferred_refresh() as touched:
        service.name_fr = "Friperie"
        service.save()
        other = make_service(name_fr="Vestiaire", scope="mrc")
        assert found(q="friperie") == [] and found(q="vestiaire") == []
        assert touched == {service.pk, other.pk}
    assert found(q="friperie") == [service]
    assert found(q="vestiaire") == [other]


def test_deferred_refresh_inside_another_hands_its_services_to_the_outer_one():
    service = make_service(name_fr="Comptoir", scope="mrc")
    with indexing.deferred_refresh() as outer:
        with indexing.deferred_refresh():
            service.name_fr = "Friperie"
            service.save()
        assert outer == {service.pk} and found(q="friperie") == []
    assert found(q="friperie") == [service]


def test_a_failed_or_cleared_deferred_block_refreshes_nothing():
    service = make_service(name_fr="Comptoir", scope="mrc")
    with pytest.raises(RuntimeError), indexing.deferred_refresh():
        SearchEntry.objects.filter(service=service).delete()
        service.save()
        raise RuntimeError
    with indexing.deferred_refresh() as touched:
        service.save()
        touched.clear()
    assert not SearchEntry.objects.filter(service=service).exists()
    service.save()
    assert found(q="comptoir") == [service]


def test_the_body_is_stemmed_in_its_own_language_and_found_in_both():
    """The French description is stemmed in French only, the English one in English only
    (migration 0022): "logements" gives French "log" and not English "logement", "housing"
    English "hous" and not the French stemmer's "housing"; queries in either language still
    find the service through their own stems."""
    service = make_service(
        name_fr="Comptoir",
        scope="mrc",
        description_fr="Nous offrons des logements.",
        description_en="We provide housing.",
    )
    entry = SearchEntry.objects.get(service=service)
    assert (entry.body_text, entry.body_en_text) == (
        "Nous offrons des logements.",
        "We provide housing.",
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT array_to_string(tsvector_to_array(document), ' ')"
                " FROM search_searchentry WHERE service_id = %s",
                [service.pk],
            )
            lexemes = set(cursor.fetchone()[0].split())
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT body FROM search_fts WHERE rowid = %s", [service.pk])
            lexemes = set(cursor.fetchone()[0].split())
    assert {"log", "hous", "offron", "provid"} <= lexemes
    assert not {"logement", "housing", "offrons"} & lexemes
    for query in ("logement", "logements", "housing", "house"):
        assert found(q=query) == [service], query
