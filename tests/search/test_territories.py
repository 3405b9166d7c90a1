"""More than one territory: an area over "toute la MRC" or "toute la région" names which one,
and serves the visitors of that MRC or region only (listings, search, home counts agree)."""

import pytest
from django.urls import reverse

from resources.counts import live_home_counts
from resources.models import Municipality, Service, ServiceArea
from search import counts, indexing
from tests.factories import make_service
from tests.searching import outcome, results_page

pytestmark = pytest.mark.django_db


def area_service(name, scope, territory=""):
    service = make_service(name_fr=name, sectors=["food-banks"], description_fr="Aide alimentaire")
    ServiceArea.objects.create(service=service, scope=scope, territory_code=territory)
    return service


@pytest.fixture
def territories():
    return {
        "joliette-mrc": area_service("Comptoir MRC de Joliette", "mrc", "610"),
        "home-mrc": area_service("Comptoir MRC du répertoire", "mrc"),
        "home-mrc-named": area_service("Comptoir MRC de L'Assomption", "mrc", "600"),
        "home-region": area_service("Comptoir Lanaudière", "region"),
        "laval-region": area_service("Comptoir Laval", "region", "13"),
        "metro": area_service("Comptoir grand Montréal", "metro"),
        "province": area_service("Comptoir Québec", "province"),
    }


EXPECTED = {
    # Joliette: MRC 610, region 14, outside the metropolitan area.
    "joliette": {"joliette-mrc", "home-region", "province"},
    # Repentigny: MRC 600 (the home one), region 14, in the metropolitan area.
    "repentigny": {"home-mrc", "home-mrc-named", "home-region", "metro", "province"},
    # Laval: region 13, no MRC, in the metropolitan area.
    "laval": {"laval-region", "metro", "province"},
}


def keys_of(services, names):
    by_name = {service.name_fr: key for key, service in services.items()}
    return {by_name[name] for name in names}


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_listings_and_search_serve_the_visitors_own_mrc_and_region(territories, slug):
    place = Municipality.objects.get(slug=slug)
    listed = Service.objects.active().serving(place).values_list("name_fr", flat=True)
    assert keys_of(territories, listed) == EXPECTED[slug]
    hits = outcome(municipality=slug, sector="food-banks", page=1).hits
    assert keys_of(territories, [hit.service.name_fr for hit in hits]) == EXPECTED[slug]
    # And a text search with the place, as the results page runs it.
    hits = outcome(q="alimentaire", municipality=slug, page=1).hits
    assert keys_of(territories, [hit.service.name_fr for hit in hits]) == EXPECTED[slug]


def test_the_results_page_of_joliette_lists_its_mrc_not_another(client, territories):
    html = results_page(client, q="alimentaire", municipality="Joliette")
    main = html.split("data-result-count", 1)[1]
    mine = territories["joliette-mrc"]
    other = territories["home-mrc"]
    assert f'data-service-id="{mine.uuid}"' in main
    # The home MRC's service is not among the results serving Joliette (at most "apart").
    served_part = main.split("leur territoire n'inclut pas", 1)[0]
    assert f'data-service-id="{other.uuid}"' not in served_part


def test_the_municipality_page_lists_its_own_mrc(client, territories):
    html = client.get(reverse("resources:municipality-detail", args=["repentigny"])).content
    html = html.decode()
    assert "Comptoir MRC du répertoire" in html
    assert "Comptoir MRC de Joliette" not in html


def test_home_counts_agree_with_the_listings(territories):
    indexing.refresh()
    aggregate = counts.home_counts()["municipalities"]
    live = live_home_counts()["municipalities"]
    assert aggregate == live | {pk: n for pk, n in aggregate.items() if pk not in live}
    repentigny = Municipality.objects.get(slug="repentigny")
    assert aggregate[repentigny.pk] == len(EXPECTED["repentigny"])


def test_changing_an_areas_territory_moves_it(territories):
    area = territories["joliette-mrc"].service_areas.get()
    area.territory_code = "600"
    area.save()
    hits = outcome(municipality="joliette", sector="food-banks", page=1).hits
    assert "Comptoir MRC de Joliette" not in [hit.service.name_fr for hit in hits]
    hits = outcome(municipality="repentigny", sector="food-banks", page=1).hits
    assert "Comptoir MRC de Joliette" in [hit.service.name_fr for hit in hits]


def test_a_territory_label_names_it(territories):
    labels = {key: str(s.service_areas.get()) for key, s in territories.items()}
    assert labels["joliette-mrc"] == "toute la MRC de Joliette"
    assert labels["home-mrc"] == "toute la MRC de L'Assomption"
    assert labels["laval-region"] == "toute la région (Laval)"
    assert labels["home-region"] == "toute la région (Lanaudière)"


@pytest.mark.parametrize(
    "place",
    [{"postal_code": "J6E 2B1"}, {"lat": "46.0200", "lon": "-73.4300"}],
    ids=["postal-code", "position"],
)
def test_a_postal_code_or_a_position_in_joliette_is_served_by_its_mrc(territories, place):
    hits = outcome(sector="food-banks", page=1, **place).hits
    assert keys_of(territories, [hit.service.name_fr for hit in hits]) == EXPECTED["joliette"]
