"""A sector alone (its page, `?sector=`) is listed from search.models.SectorListing, kept by the
indexer with the entries: the same services in the same order and count as the entries' named
page, through staff edits, without reading the entries."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources.models import Service
from search import ranking
from search.finder import find
from search.models import SectorListing
from tests.factories import make_service, sector

pytestmark = pytest.mark.django_db

SECTORS = ["food", "food-banks", "clothing", "housing"]


def listed(slug, page=1, size=4):
    """(ids, total, capped, pages) of `?sector=slug`, and the SQL it ran."""
    with CaptureQueriesContext(connection) as queries:
        outcome = find({"sector": slug, "page": str(page)}, size=size, cards=False).outcome
    return (outcome.ids, outcome.total, outcome.num_pages), [q["sql"] for q in queries]


def by_entries(slug, page=1, size=4):
    """The same through the entries (the named page every other name-ordered listing reads)."""
    found = find({"sector": slug, "page": str(page)}, size=size, cards=False)
    criteria = ranking.Criteria(sector_ids=found.criteria.sector_ids, sort="name")
    assert not criteria.sector_only
    outcome = ranking.search(criteria, page=page, size=size, cards=False)
    return outcome.ids, outcome.total, outcome.num_pages


def assert_same_as_the_entries():
    for slug in SECTORS:
        for page in (1, 2, 3):
            (ids, total, pages), sql = listed(slug, page)
            assert (ids, total, pages) == by_entries(slug, page), (slug, page)
            main = [q for q in sql if "search:main" in q]
            assert "search_sectorlisting" in main[0]
            if page <= pages:  # past the end, the count is the entries' (a rare page)
                assert all("search_searchentry" not in q for q in main)


@pytest.fixture
def directory():
    services = [
        make_service(sectors=["food-banks"], name_fr="Banque alimentaire Exemple"),
        make_service(sectors=["food-banks", "clothing"], name_fr="Comptoir Exemple"),
        make_service(sectors=["food"], name_fr="Épicerie solidaire Exemple"),
        make_service(sectors=["food"], name_fr="épicerie communautaire Exemple"),
        make_service(sectors=["clothing"], name_fr="Friperie Exemple"),
        make_service(sectors=["housing"], name_fr="Aide au logement Exemple"),
        make_service(sectors=["food-banks"], name_fr="Accueil Exemple"),
        make_service(sectors=["food", "food-banks"], name_fr="Cuisine collective Exemple"),
    ]
    call_command("rebuild_search_index", stdout=io.StringIO())
    return services


def test_a_sector_alone_lists_what_the_entries_list_without_reading_them(directory):
    assert_same_as_the_entries()
    (ids, total, _), _ = listed("food", size=20)
    assert total == 6  # the sector and its subsector, each service once
    names = list(Service.objects.filter(pk__in=ids).values_list("pk", "name_fr"))
    by_pk = dict(names)
    assert [by_pk[pk] for pk in ids][:3] == [
        "Accueil Exemple",
        "Banque alimentaire Exemple",
        "Comptoir Exemple",
    ]  # by name, accents and case folded


def test_the_listing_follows_staff_edits(directory):
    first, both, *_ = directory
    first.sectors.set([sector("housing")])
    assert_same_as_the_entries()
    both.name_fr = "Zèbre Exemple"
    both.save()
    assert_same_as_the_entries()
    directory[2].status = "inactive"
    directory[2].save()
    assert_same_as_the_entries()
    directory[3].delete()
    assert_same_as_the_entries()
    clothing = sector("clothing")
    clothing.parent = sector("food")  # a subsector moved: its services now count for food
    clothing.save()
    assert_same_as_the_entries()
    assert listed("food", size=20)[0][1] == 4  # Comptoir, Friperie, Cuisine, Accueil
    assert not SectorListing.objects.filter(service_id=directory[3].pk).exists()


def test_other_criteria_with_the_sector_keep_the_entries(directory):
    found = find({"sector": "food", "free": "on"}, cards=False)
    assert not found.criteria.sector_only
    assert find({"sector": "food", "q": "comptoir"}, cards=False).criteria.sector_only is False
    assert find({"sector": "food"}, cards=False).criteria.sector_only


def test_a_page_past_the_end_shows_the_last_one(directory):
    (ids, total, pages), _ = listed("food", page=9)
    assert (total, pages) == (6, 2)
    assert ids == by_entries("food", page=2)[0]
