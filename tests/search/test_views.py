"""The results page: bad input never fails, fixed queries, both languages, zero results."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources.models import Service
from search import lookups, places
from search.finder import find
from tests.factories import locate, make_phone, make_schedule, make_service
from tests.searching import results_page as page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lat": "200", "lon": "-73.45"}, "Latitude"),
        ({"lat": "45.74"}, "vont ensemble"),
        ({"lat": "nan", "lon": "-73.45"}, "Latitude"),
        ({"postal_code": "123 ABC"}, "Code postal mal formé"),
        ({"postal_code": "H0H 0H0"}, "hors de notre territoire"),
        ({"sector": "nope"}, "tous les secteurs sont affichés"),
        ({"municipality": "Atlantis"}, "Lieu inconnu"),
        ({"page": "0"}, "supérieure ou égale"),
        ({"page": "x"}, "nombre entier"),
        ({"age": "-4"}, "Âge"),
        ({"language": "zz"}, "Langue inconnue"),
        ({"q": "aide " * 100}, "très longue"),  # past the form limit, not the 4 KB URL one
    ],
)
def test_bad_values_give_a_message_and_results_never_an_error(client, food_bank, params, message):
    html = page(client, **{"q": "alimentaire", **params})
    assert message in html
    if "q" not in params:
        assert f'data-service-id="{food_bank.uuid}"' in html


def test_control_characters_and_odd_unicode_are_harmless(client, food_bank):
    html = page(client, q="alimentaire\x00\x1b\u202e \ufffd")
    assert f'data-service-id="{food_bank.uuid}"' in html
    for name in ("sector", "municipality", "language", "postal_code"):
        assert "data-result-count" in page(client, q="alimentaire", **{name: "a\x00b"})


def test_result_shows_names_distance_phone_municipality(client, food_bank):
    make_schedule(
        [(d, "00:00", "00:00") for d in range(7)], service=food_bank, closed_on_holidays=False
    )
    html = page(client, q="alimentaire", lat="45.7500", lon="-73.4500")
    assert f'data-service-id="{food_bank.uuid}"' in html
    assert "Banque alimentaire" in html and "Organisme" in html
    assert "0,9 km" in html
    assert 'href="tel:4505550100"' in html
    assert "Repentigny" in html
    assert "<strong>Ouvert 24 h sur 24</strong>" in html


def test_english_page_takes_the_same_parameters(client, food_bank):
    response = client.get("/en/search/", {"q": "food bank", "postal_code": "J5Y"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-service-id="{food_bank.uuid}"' in html
    assert "Food bank" in html


def test_zero_results_suggest_removing_a_filter_other_sectors_and_211(client, food_bank):
    html = page(client, q="alimentaire", sector="food-banks", free="on")
    assert "Aucun résultat" in html
    assert "free=" not in html.split("sans « gratuit »")[0].rsplit("href=", 1)[1]
    assert "tel:211" in html
    assert "Repas communautaires" in html  # a sibling of the chosen sector


def test_queries_per_page_do_not_grow_with_results(client):
    lookups.snapshot()  # reference data is read once per process (search/lookups.py)
    counts, made = [], 0
    for size in (5, 20, 50):
        while made < size:
            service = make_service(name_fr=f"Aide {made}", scope="mrc", sectors=["food"])
            locate(service)
            make_phone(service=service)
            make_schedule([(0, "09:00", "17:00")], service=service)
            made += 1
        with CaptureQueriesContext(connection) as queries:
            result = find({"q": "aide", "lat": "45.74", "lon": "-73.45"}, size=size).outcome
        assert len(result.hits) == size
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]


def test_results_page_queries_are_fixed(client):
    lookups.snapshot()  # reference data is read once per process (search/lookups.py)
    counts = []
    for size in (6, 12):  # past views.FEW: no suggested sectors to count
        while Service.objects.count() < size:
            service = make_service(name_fr="Aide", scope="mrc")
            locate(service)
            make_phone(service=service)
            make_schedule([(0, "09:00", "17:00")], service=service)
        with CaptureQueriesContext(connection) as queries:
            html = page(client, q="aide", lat="45.74", lon="-73.45")
        assert html.count("data-service-id") == size
        assert html.count('class="phone"') == html.count('class="hours"') == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_positions_are_rounded_to_about_100_metres():
    place = places.from_coordinates(45.742234, -73.450199)
    assert (place.latitude, place.longitude) == (45.742, -73.45)
    assert place.municipality.slug == "repentigny"


@pytest.mark.parametrize(
    ("value", "slug"),
    [("J5Y 1A1", "repentigny"), ("j5y", "repentigny"), ("J5X", "l-epiphanie")],
)
def test_postal_codes_resolve_through_the_offline_table(value, slug):
    prefix, _ = places.normalize_postal_code(value)
    assert places.from_postal_code(prefix).municipality.slug == slug


@pytest.mark.parametrize(
    ("value", "slug"),
    [
        ("Le Gardeur", "repentigny"),
        ("L'Épiphanie-Paroisse", "l-epiphanie"),
        ("charlemagne", "charlemagne"),
    ],
)
def test_municipality_names_and_aliases_resolve(value, slug):
    assert places.from_municipality(value).slug == slug


def test_coordinates_outside_the_territory_give_no_municipality():
    assert places.from_coordinates(48.4, -71.0).municipality is None


def test_english_page_speaks_english(client):
    html = client.get("/en/search/", {"q": "xyzzy", "free": "on"}).content.decode()
    assert "No results" in html and "Try without a filter" in html and "Dial 2-1-1" in html


def test_the_form_keeps_the_rounded_position_and_filters(client, food_bank):
    html = page(
        client, q="alimentaire", lat="45.742199", lon="-73.450111", age="30", sort="nearest"
    )
    assert 'name="lat" value="45.742"' in html and 'name="lon" value="-73.45"' in html
    assert 'value="45.742199"' not in html
    assert 'name="age" value="30"' in html and '<option value="nearest" selected>' in html


@pytest.mark.parametrize(
    ("lat", "lon", "echoed"),
    [
        ("45.742199", "-73.450111", "q=aide&amp;lat=45.742&amp;lon=-73.45"),
        ("nan", "-73.4501", "q=aide&amp;lon=-73.45"),
        ("200", "abc", "q=aide"),
    ],
)
def test_links_echo_a_rounded_position_or_none(client, lat, lon, echoed):
    html = page(client, q="aide", lat=lat, lon=lon)  # no results: links to other sectors too
    switcher = re.search(r'href="([^"]*)" hreflang="en"', html).group(1)
    assert switcher == f"/en/search/?{echoed}"
    position = echoed.removeprefix("q=aide").removeprefix("&amp;")
    sector_link = f"?{position}&amp;sector=" if position else "?sector="
    assert f'href="{sector_link}' in html  # suggested sectors' links drop the text
    assert "45.742199" not in html and "73.450111" not in html and "73.4501&" not in html
