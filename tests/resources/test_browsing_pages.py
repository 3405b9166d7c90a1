"""Browsing pages: sector and municipality lists are paged, with a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources.models import Schedule
from tests.factories import locate, make_organization, make_phone, make_schedule, make_service

pytestmark = pytest.mark.django_db


def _services(count, place="charlemagne"):
    for n in range(count):
        service = make_service(
            sectors=["food-banks"], municipalities=[place], name_fr=f"Aide {n:03}"
        )
        locate(service, place=place)


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_sector_page_shows_20_services_a_page_like_the_results_with_a_link_to_the_next(client):
    _services(30)
    response = client.get("/fr/secteurs/food/")
    html = response.content.decode()
    assert html.count("data-service-id=") == 20  # as on the results page (search.ranking)
    assert "30 résultats" in html
    assert 'href="?page=2"' in html
    second = client.get("/fr/secteurs/food/?page=2").content.decode()
    assert second.count("data-service-id=") == 10
    assert "Aide 029" in second


def test_bad_page_numbers_give_a_real_page_not_an_error(client):
    _services(3)
    for page in ("0", "x", "999", "-1"):
        response = client.get(f"/fr/municipalites/charlemagne/?page={page}")
        assert response.status_code == 200
        assert response.content.decode().count("data-service-id=") == 3


def test_municipality_page_queries_do_not_grow_with_the_number_of_services(client):
    _services(3)
    # Reference data and the 2-1-1 line are read once, again after an edit: a first request.
    _queries(client, "/fr/municipalites/charlemagne/")
    few = _queries(client, "/fr/municipalites/charlemagne/")
    _services(20)
    _queries(client, "/fr/municipalites/charlemagne/")
    many = _queries(client, "/fr/municipalites/charlemagne/")
    assert few == many


def test_english_sector_page_lists_services_under_the_translated_path(client):
    _services(2)
    response = client.get("/en/sectors/food/")
    assert response.status_code == 200
    assert response.content.decode().count("data-service-id=") == 2


def test_pages_are_compressed_for_clients_that_accept_gzip(client):
    response = client.get("/fr/", headers={"accept-encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"


def test_the_helpline_banner_is_read_once_and_follows_edits_at_once(client):
    line = make_service(slug="ligne-211", name_fr="Ligne 2-1-1")
    schedule = make_schedule([(day, "00:00", "00:00") for day in range(7)], line)
    Schedule.objects.filter(pk=schedule.pk).update(closed_on_holidays=False)
    schedule.refresh_from_db()
    schedule.save()  # a staff edit: its signal drops the kept record
    # The about page reads nothing else (the home page's counts are kept in the cache too).
    first, second = _queries(client, "/fr/a-propos/"), _queries(client, "/fr/a-propos/")
    assert (first, second) == (4, 0)  # the line, its schedules, periods and closures
    assert "Ouvert 24 h sur 24" in client.get("/fr/").content.decode()
    schedule.periods.filter(weekday__lt=6).delete()
    schedule.save()
    assert "Ouvert 24 h sur 24" not in client.get("/fr/").content.decode()


def test_a_service_page_always_gives_a_number_to_call(client):
    """The service's own phones, else its places', else its organization's."""
    organization = make_organization()
    make_phone(organization=organization, number="450 555-0150")
    service = make_service(organization=organization, scope="mrc")
    assert 'href="tel:4505550150"' in client.get(service.get_absolute_url()).content.decode()
    place = locate(service)
    make_phone(location=place, number="450 555-0151", description_fr="Accueil")
    page = client.get(service.get_absolute_url()).content.decode()
    assert 'href="tel:4505550151"' in page and "Accueil" in page
    assert "tel:4505550150" not in page
    make_phone(service=service, number="450 555-0152")
    page = client.get(service.get_absolute_url()).content.decode()
    assert 'href="tel:4505550152"' in page and "tel:4505550151" not in page


def test_an_organization_page_shows_its_services_as_the_listing_cards(client):
    organization = make_organization()
    service = make_service(organization=organization, name_fr="Comptoir")
    locate(service)
    make_phone(service=service, number="450 555-0160")
    make_schedule([(day, "00:00", "00:00") for day in range(7)], service=service)
    html = client.get(organization.get_absolute_url()).content.decode()
    card = re.search(r'<li class="result".*?</li>', html, re.S).group(0)
    assert 'class="phone" href="tel:4505550160"' in card
    assert 'class="directions" href="https://www.openstreetmap.org/directions?to=' in card
    assert "Ouvert 24 h sur 24" in card and "Repentigny" in card
    assert 'class="add-to-list" href="/fr/ma-liste/?ids=' in card
