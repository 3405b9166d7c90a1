"""Sector and municipality pages are the results listing with their sector or place set: the
same filters without JavaScript, a heading saying what was asked, removable filters, 20 a
page, and queries that do not grow with the results."""

import html as html_module
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources.models import Language
from tests.factories import locate, make_organization, make_phone, make_schedule, make_service

pytestmark = pytest.mark.django_db


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def names(html):
    """The listing's services (not those shown apart, which do not serve the place)."""
    listed = re.search(r'<ol class="results".*?</ol>', html, re.S)
    found = re.findall(r'<h3><a href="[^"]+">(.*?)</a></h3>', listed.group(0) if listed else "")
    return [re.sub(r"<[^>]+>", "", name) for name in found]  # a name in French: <span lang>


def heading(html):
    found = re.search(r"<h2 class=\"listing-heading\"[^>]*>(.*?)</h2>", html, re.S).group(1)
    return html_module.unescape(found)


def chips(html):
    """{label: link} of the filters shown as removable."""
    listed = re.search(r'<ul class="chips".*?</ul>', html, re.S)
    if not listed:
        return {}
    return {
        html_module.unescape(label): html_module.unescape(link)
        for link, label in re.findall(r'<li><a href="([^"]*)">([^<]*)<span', listed.group(0))
    }


@pytest.fixture
def housing():
    """Social housing services: one serving Charlemagne in English for adults, one serving
    Repentigny only, one for Charlemagne's teenagers in French."""
    english = make_service(
        name_fr="Coop anglophone",
        sectors=["social-housing"],
        municipalities=["charlemagne"],
        minimum_age=18,
    )
    english.languages.set(Language.objects.filter(code__in=["fra", "eng"]))
    locate(english, place="charlemagne", latitude=45.72, longitude=-73.48)
    elsewhere = make_service(
        name_fr="HLM de Repentigny", sectors=["social-housing"], municipalities=["repentigny"]
    )
    locate(elsewhere)
    teens = make_service(
        name_fr="Logement jeunesse",
        sectors=["social-housing"],
        municipalities=["charlemagne"],
        maximum_age=17,
    )
    teens.languages.set(Language.objects.filter(code="fra"))
    return english, elsewhere, teens


def test_a_sector_page_lists_its_sector_with_its_scope_above(client, housing):
    html = page(client, "/fr/secteurs/social-housing/")
    assert sorted(names(html)) == ["Coop anglophone", "HLM de Repentigny", "Logement jeunesse"]
    assert html.index('class="lead"') < html.index('<form class="search-form')
    assert 'action="/fr/secteurs/social-housing/"' in html
    assert '<option value="social-housing" selected>' in html
    assert heading(html) == "Logement social (HLM, coopératives, OBNL), par ordre alphabétique"
    assert chips(html) == {}  # the page's own sector is its title, not a filter to drop


def test_lists_by_name_follow_the_pages_language(client):
    for name_fr, name_en in [
        ("Banque alimentaire", "Food bank"),
        ("Cuisine collective", "Community kitchen"),
        ("Atelier de cuisine", ""),  # no English name: its French one, in the English order
    ]:
        make_service(name_fr=name_fr, name_en=name_en, sectors=["food"], scope="mrc")
    french = ["Atelier de cuisine", "Banque alimentaire", "Cuisine collective"]
    english = ["Atelier de cuisine", "Community kitchen", "Food bank"]
    assert names(page(client, "/fr/secteurs/food/")) == french
    assert names(page(client, "/en/sectors/food/")) == english
    # A search sorted by name (the entries, not the sector listing).
    assert names(page(client, "/fr/recherche/", q="cuisine", sort="name")) == [
        "Atelier de cuisine",
        "Cuisine collective",
    ]
    assert names(page(client, "/en/search/", q="cuisine", sort="name")) == [
        "Atelier de cuisine",
        "Community kitchen",
    ]


def test_ties_of_the_other_orders_follow_the_pages_language(client):
    """Services the order cannot tell apart (same need met by their sector, no word of the
    query in their text; the same point) are listed by name in the page's language."""
    for name_fr, name_en in [("Zèbre alimentaire", "Apple pantry"), ("Abri-bouffe", "Zoo food")]:
        service = make_service(name_fr=name_fr, name_en=name_en, sectors=["food-banks"])
        service.service_areas.create(scope="mrc")
        locate(service, latitude=45.74, longitude=-73.45)
    nearby = {"lat": "45.75", "lon": "-73.45"}
    for params in [{"q": "faim", "sort": "relevance"}, {"sector": "food-banks", **nearby}]:
        assert names(page(client, "/fr/recherche/", **params)) == [
            "Abri-bouffe",
            "Zèbre alimentaire",
        ]
        assert names(page(client, "/en/search/", **params)) == ["Apple pantry", "Zoo food"]


def test_a_sector_page_filters_by_place_language_and_age_without_javascript(client, housing):
    url = "/fr/secteurs/social-housing/"
    assert sorted(names(page(client, url, place="Charlemagne"))) == [
        "Coop anglophone",
        "Logement jeunesse",
    ]
    assert names(page(client, url, place="Charlemagne", language="eng")) == ["Coop anglophone"]
    assert names(page(client, url, place="Charlemagne", age="15")) == ["Logement jeunesse"]
    assert names(page(client, url, age="15", language="eng")) == []


def test_the_heading_says_what_was_asked_in_both_languages(client, housing):
    french = page(client, "/fr/secteurs/social-housing/", place="Charlemagne")
    assert heading(french) == (
        "Logement social (HLM, coopératives, OBNL) — Charlemagne, les plus proches d'abord"
    )
    english = page(client, "/en/sectors/social-housing/", place="Charlemagne")
    assert heading(english) == "Social and co-op housing — Charlemagne, nearest first"
    results = page(client, "/fr/recherche/", q="coop", place="charlemagne", sort="relevance")
    assert heading(results) == "« coop » — Charlemagne, les plus pertinents d'abord"
    municipality = page(client, "/fr/municipalites/charlemagne/")
    assert heading(municipality) == "Tous les services — Charlemagne, les plus proches d'abord"


def test_each_filter_is_a_chip_that_drops_it(client, housing):
    url = "/fr/secteurs/social-housing/"
    html = page(client, url, place="Charlemagne", language="eng", age="30", page="1")
    found = chips(html)
    assert found == {
        "Charlemagne": "?language=eng&age=30",
        "Langue : Anglais": "?place=Charlemagne&age=30",
        "30 ans": "?place=Charlemagne&language=eng",
    }
    without_language = page(client, url + found["Langue : Anglais"])
    assert sorted(names(without_language)) == ["Coop anglophone"]  # aged 30, in Charlemagne
    assert "Langue : Anglais" not in chips(without_language)
    everywhere = page(client, url + found["Charlemagne"])
    assert "Charlemagne" not in heading(everywhere)


def test_a_sector_pages_own_sector_chip_leads_to_the_results_page(client, housing):
    html = page(client, "/fr/secteurs/social-housing/", sector="social-housing", free="on")
    assert chips(html)["Logement social (HLM, coopératives, OBNL)"] == "/fr/recherche/?free=on"
    subsector = page(client, "/fr/secteurs/housing/", sector="social-housing")
    assert chips(subsector)["Logement social (HLM, coopératives, OBNL)"] == "?"
    assert len(names(subsector)) == 3


def test_another_sector_or_place_asked_on_these_pages_is_a_search(client, housing):
    response = client.get("/fr/secteurs/social-housing/", {"sector": "food", "age": "9"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/recherche/?sector=food&age=9"
    response = client.get("/fr/municipalites/charlemagne/", {"place": "Repentigny"})
    assert response["Location"] == "/fr/recherche/?place=Repentigny"
    assert client.get("/fr/municipalites/charlemagne/", {"place": "charlemagne"}).status_code == 200
    assert client.get("/fr/secteurs/nowhere/").status_code == 404
    assert client.get("/fr/municipalites/nowhere/").status_code == 404


def test_a_municipality_page_chip_leads_to_the_results_page(client, housing):
    html = page(client, "/fr/municipalites/charlemagne/", place="Charlemagne", open_now="on")
    assert chips(html)["Charlemagne"] == "/fr/recherche/?open_now=on"
    assert chips(html)["Ouvert maintenant"] == "?place=Charlemagne"


def _services(count, sector="food-banks"):
    for n in range(count):
        service = make_service(
            sectors=[sector], municipalities=["charlemagne"], name_fr=f"Aide {n:03}"
        )
        locate(service, place="charlemagne")
        make_phone(service=service)
        make_schedule([(0, "09:00", "17:00")], service=service)


@pytest.mark.parametrize(
    "url", ["/fr/secteurs/food/", "/fr/municipalites/charlemagne/", "/fr/recherche/?q=aide"]
)
def test_twenty_a_page_on_every_listing(client, url):
    _services(25)
    html = page(client, url)
    assert html.count("data-service-id=") == 20
    assert 'rel="next"' in html
    second = page(client, url + ("&" if "?" in url else "?") + "page=2")
    assert second.count("data-service-id=") == 5


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        html = page(client, url)
    return html.count("data-service-id="), len(queries)


@pytest.mark.parametrize("url", ["/fr/secteurs/food/", "/fr/municipalites/charlemagne/"])
def test_queries_do_not_grow_with_the_results(client, url):
    _services(1)
    # Reference data and the 2-1-1 line are read once, again after an edit (search/lookups.py,
    # resources/context_processors.py): a first request reads them.
    page(client, url)
    one, queries_for_one = _queries(client, url)
    _services(19)
    page(client, url)
    twenty, queries_for_twenty = _queries(client, url)
    assert (one, twenty) == (1, 20)
    assert queries_for_one == queries_for_twenty


def test_an_organization_page_reads_each_thing_once_whatever_its_services(client):
    """Its services' cards get the organization and its numbers from the page's own reading
    of them: no statement twice, none more for six services than for one, and a service
    without a number of its own shows the organization's."""
    organization = make_organization(slug="carrefour")
    make_phone(number="450 555-0199", organization=organization)
    url = "/fr/organismes/carrefour/"

    def add(count):
        for n in range(count):
            service = make_service(
                organization, sectors=["food-banks"], scope="mrc", name_fr=f"Aide {n:03}"
            )
            locate(service, place="charlemagne")

    add(1)
    page(client, url)
    with CaptureQueriesContext(connection) as one:
        html = page(client, url)
    assert html.count('href="tel:4505550199"') >= 1
    add(5)
    page(client, url)
    with CaptureQueriesContext(connection) as six:
        html = page(client, url)
    assert html.count("data-service-id=") == 6
    statements = [q["sql"] for q in six]
    assert len(statements) == len(set(statements)), "a statement read twice"
    assert len(one) == len(six)
    # Nor what only a service page shows: its services' sectors, languages and areas.
    for table in ("resources_service_sectors", "resources_language", "resources_servicearea"):
        assert not [sql for sql in statements if f'"{table}"' in sql], table


def test_cards_call_give_directions_and_add_to_the_list(client):
    _services(1)
    html = page(client, "/fr/municipalites/charlemagne/", liste="")
    card = re.search(r'<li class="result".*?</li>', html, re.S).group(0)
    assert 'class="phone" href="tel:4505550100"' in card
    assert 'class="directions" href="https://www.openstreetmap.org/directions?to=' in card
    assert "Aujourd'hui" in card or "maintenant" in card
    assert 'class="add-to-list" href="/fr/ma-liste/?ids=' in card


def test_the_results_page_offers_sectors_then_the_chosen_ones_subsectors(client):
    html = page(client, "/fr/recherche/", q="aide")
    assert (
        '<select id="id_sector" name="sector"><option value="">Tous les secteurs</option>' in html
    )
    assert '<option value="food">' in html and 'value="food-banks"' not in html
    chosen = page(client, "/fr/recherche/", q="aide", sector="food-banks")
    assert '<option value="food-banks" selected>' in chosen
    assert 'value="meals"' in chosen and 'value="social-housing"' not in chosen
