"""The one place field: a postal code or a municipality's name, however it is written
(search/places.py `resolve`), with choices when several places begin with it; the older
`postal_code` and `municipality` parameters read by the same resolver."""

import re

import pytest

from search import lookups, places
from search.finder import find
from tests.searching import results_page as page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("repentigny", "repentigny"),
        ("REPENTIGNY", "repentigny"),
        ("  Repentigny ", "repentigny"),
        ("Le Gardeur", "repentigny"),  # an alias
        ("st-sulpice", "saint-sulpice"),
        ("Saint Sulpice", "saint-sulpice"),
        ("ST SULPICE", "saint-sulpice"),
        ("L'Epiphanie", "l-epiphanie"),
        ("lépiphanie-paroisse", None),  # not a way of writing it: no word boundary
        ("Joliette", "joliette"),  # a place of places.csv
        ("Montreal (downtown)", "montreal"),  # an English name
        ("repent", "repentigny"),  # the unique beginning of a name
        ("lachen", "lachenaie"),
        ("sulpice", "saint-sulpice"),  # the beginning of one of its words
        ("saint-sulpice", "saint-sulpice"),  # a slug (the choices' links)
        ("j5w", "l-assomption"),
        ("J5W 2B3", "l-assomption"),
        ("j5w2b3", "l-assomption"),
        ("j5y", "repentigny"),
        ("Xyzzyville", None),
        ("re", None),  # too short for a beginning, and no whole word
    ],
)
def test_place_texts_resolve(text, slug):
    found = places.resolve(text)
    assert not found.choices
    assert (found.place and found.place.municipality.slug) == slug


@pytest.mark.parametrize(
    ("text", "slugs"),
    [
        ("saint", ["l-assomption", "saint-sulpice", "saint-roch-de-l-achigan"]),
        ("st", ["l-assomption", "saint-sulpice", "saint-roch-de-l-achigan"]),
        ("l'", ["l-assomption", "l-epiphanie", "saint-roch-de-l-achigan"]),
        ("lav", ["lavaltrie", "laval"]),
    ],
)
def test_a_text_several_places_begin_with_offers_them(text, slugs):
    found = places.resolve(text)
    assert found.place is None
    assert sorted(m.slug for m in found.choices) == sorted(slugs)


def test_postal_codes_outside_our_table_are_said_so():
    found = places.resolve("H0H 0H0")
    assert found.place is None and found.postal_code and not found.choices


def test_abbreviations_are_written_out_for_every_name_resolver():
    assert lookups.place_key("Ste-Julienne") == "sainte julienne"
    assert lookups.place_key("St-Roch-de-l'Achigan") == "saint roch de l achigan"
    assert lookups.municipality("St-Roch-de-l'Achigan").slug == "saint-roch-de-l-achigan"


@pytest.mark.parametrize(
    ("params", "slug"),
    [
        ({"place": "repentigny"}, "repentigny"),
        ({"place": "J5W 2B3"}, "l-assomption"),
        ({"postal_code": "j5y"}, "repentigny"),
        ({"postal_code": "Charlemagne"}, "charlemagne"),  # the old parameter takes names too
        ({"municipality": "saint-sulpice"}, "saint-sulpice"),  # the municipality pages' links
        ({"municipality": "St Sulpice"}, "saint-sulpice"),
        # The place typed wins over a position kept from an earlier search.
        ({"place": "Joliette", "lat": "45.742", "lon": "-73.45"}, "joliette"),
    ],
)
def test_criteria_keep_their_shape(params, slug):
    found = find({"q": "aide", **params})
    assert not found.form.messages()
    assert found.criteria.municipality.slug == slug
    assert found.criteria.point is not None


def test_an_unknown_place_is_said_and_the_search_runs_without_it(client, food_bank):
    html = page(client, q="alimentaire", place="Xyzzyville")
    assert "Lieu inconnu : essayez un code postal." in html
    assert f'data-service-id="{food_bank.uuid}"' in html
    assert 'name="place" value="Xyzzyville"' in html  # kept, to be corrected
    criteria = find({"q": "alimentaire", "place": "Xyzzyville"}).criteria
    assert criteria.municipality is None and criteria.point is None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"place": "123 ABC"}, "Code postal mal formé"),
        ({"place": "H0H 0H0"}, "hors de notre territoire"),
        ({"postal_code": "123 ABC"}, "Code postal mal formé"),
        ({"municipality": "Atlantis"}, "Lieu inconnu"),
    ],
)
def test_place_messages(client, food_bank, params, message):
    html = page(client, q="alimentaire", **params)
    assert message in html
    assert f'data-service-id="{food_bank.uuid}"' in html


def test_an_ambiguous_place_offers_its_choices_as_links(client, food_bank):
    html = page(client, q="alimentaire", place="saint", free="on", page="2")
    assert "Plusieurs lieux correspondent :" in html
    choices = re.search(r'<div class="place-choices".*?</div>', html, re.S).group(0)
    links = dict(re.findall(r'<a href="([^"]+)">([^<]+)</a>', choices))
    assert set(links.values()) == {
        "L&#x27;Assomption",
        "Saint-Sulpice",
        "Saint-Roch-de-l&#x27;Achigan",
    }
    link = next(href for href, name in links.items() if name == "Saint-Sulpice")
    assert link == "?q=alimentaire&amp;place=saint-sulpice&amp;free=on"  # same search, page 1
    assert 'aria-describedby="place-choices"' in html
    assert "Lieu inconnu" not in html
    # The link's page shows the place by its name.
    html = page(client, q="alimentaire", place="saint-sulpice", free="on")
    assert 'name="place" value="Saint-Sulpice"' in html
    assert "Plusieurs lieux" not in html
    # Searched without a place meanwhile.
    assert find({"q": "alimentaire", "place": "saint"}).criteria.municipality is None
    assert f'data-service-id="{food_bank.uuid}"' in page(client, q="alimentaire", place="st")


def test_the_place_field_is_a_named_control_with_suggestions(client):
    html = page(client, q="aide", municipality="l-epiphanie")
    field = re.search(r'<input type="text" id="id_place"[^>]*>', html).group(0)
    assert 'name="place"' in field and 'list="place-names"' in field
    assert 'autocomplete="off"' in field and "postal-code" not in field
    assert 'value="L&#x27;Épiphanie"' in field  # reached from the municipality's page
    assert '<label for="id_place">Code postal ou municipalité</label>' in html
    datalist = re.search(r'<datalist id="place-names">.*?</datalist>', html, re.S).group(0)
    assert '<option value="Joliette">' in datalist and '<option value="Repentigny">' in datalist
    assert 'name="municipality"' not in html  # the place field carries it
    assert 'name="lat"' not in html  # a municipality is not a position to keep


def test_the_place_field_keeps_what_was_typed(client):
    assert 'name="place" value="J5W 2B3"' in page(client, q="aide", place="J5W 2B3")
    assert 'name="place" value="j5y"' in page(client, q="aide", postal_code="j5y")
    html = page(client, q="aide", lat="45.742199", lon="-73.450111")
    assert 'name="place" value=""' in html
    assert 'name="lat" value="45.742"' in html  # a browser position is kept, rounded


def test_the_suggestions_cost_no_query(client, django_assert_max_num_queries):
    lookups.snapshot()
    form = find({"q": "aide"}).form
    with django_assert_max_num_queries(0):
        names = form.place_names()
        languages = form.language_choices()
    assert "Saint-Roch-de-l'Achigan" in names and len(languages) > 20


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("repentigny", "repentigny"),
        ("REPENTIGNY", "repentigny"),
        ("st-sulpice", "saint-sulpice"),
        ("Saint Sulpice", "saint-sulpice"),
        ("L'Epiphanie", "l-epiphanie"),
        ("Le Gardeur", "repentigny"),
        ("Joliette", "joliette"),
        ("j5w", "l-assomption"),
        ("J5W 2B3", "l-assomption"),
        ("j5w2b3", "l-assomption"),
    ],
)
def test_on_the_demo_directory_a_place_gives_the_nearest_results_first(demo_data, text, slug):
    found = find({"q": "aide", "place": text}, size=50)
    assert found.criteria.municipality.slug == slug
    outcome = found.outcome
    assert outcome.sort == "nearest" and len(outcome.hits) > 5
    distances = [hit.distance_km for hit in outcome.hits if hit.distance_km is not None]
    assert len(distances) > 5 and distances == sorted(distances)


def test_on_the_demo_directory_an_unknown_place_still_returns_the_query_results(demo_data):
    with_place = find({"q": "aide", "place": "Xyzzyville"}).outcome
    without = find({"q": "aide"}).outcome
    assert with_place.total == without.total > 0
