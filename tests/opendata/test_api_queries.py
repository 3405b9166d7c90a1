"""A page of the API costs a fixed number of SQL queries whatever `per_page` is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources.models.reference import territory_names
from search import lookups
from tests.factories import locate, make_phone, make_schedule, make_service

URLS = [
    "/api/services",
    "/api/services?full=true",
    "/api/services?search=service",
    "/api/organizations",
    "/api/taxonomy_terms",
    "/api/service_at_locations",
    "/api/service_at_locations?postcode=J6A&proximity=50000",
]


@pytest.fixture
def many_services(directory):
    for n in range(12):
        service = make_service(sectors=["food"], scope="mrc", name_fr=f"Service numéro {n}")
        locate(service)
        make_phone(service=service)
        make_schedule([(0, "09:00", "17:00")], service=service)
    lookups.snapshot()  # the search's reference data is read once per process
    territory_names()  # and so are the names of the gazetteer's MRCs and regions


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", URLS)
def test_queries_do_not_grow_with_per_page(many_services, client, url):
    joiner = "&" if "?" in url else "?"
    small = queries(client, f"{url}{joiner}per_page=2")
    large = queries(client, f"{url}{joiner}per_page=40")
    assert small == large


def test_search_pages_walk_the_engine_results(many_services, client):
    pages = [
        client.get(f"/api/services?search=numero&per_page=5&page={n}").json() for n in (1, 3, 4)
    ]
    assert [p["size"] for p in pages] == [5, 2, 0]
    assert pages[0]["total_items"] == 12 and pages[0]["total_pages"] == 3
    assert pages[2]["empty"] and not pages[1]["empty"]
