"""The results page's filters a person can choose: languages by any ISO 639 code, an age, and
"Plus de filtres" open when one of its filters is in force."""

import re

import pytest
from django.utils import translation

from resources.languages import ISO_639_1, iso_639_2
from resources.models import Language
from search.finder import find
from tests.factories import make_service
from tests.searching import outcome

pytestmark = pytest.mark.django_db

URL = "/fr/recherche/"


def page(client, url=URL, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def names(result):
    return [hit.service.name for hit in result.hits]


@pytest.fixture
def bilingual():
    """A service in French and English, one in French and Spanish."""
    both = make_service(name_fr="Bilingue", scope="mrc")
    both.languages.set(Language.objects.filter(code__in=["fra", "eng"]))
    spanish = make_service(name_fr="Hispanophone", scope="mrc")
    spanish.languages.set(Language.objects.filter(code__in=["fra", "spa"]))
    return both, spanish


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("en", "eng"),
        ("EN", "eng"),
        ("eng", "eng"),
        ("Eng", "eng"),
        ("fr", "fra"),
        ("fra", "fra"),
        ("fre", "fra"),  # ISO 639-2 bibliographic
        ("fr-CA", "fra"),
        ("es", "spa"),
        ("spa", "spa"),
    ],
)
def test_a_language_filters_as_its_iso_639_2_code(bilingual, given, code):
    found = find({"language": given})
    assert not found.form.messages()
    assert found.criteria.language == code
    assert names(found.outcome) == names(outcome(language=code))


def test_the_codes_filter_the_right_services(bilingual):
    assert names(outcome(language="en")) == ["Bilingue"]
    assert names(outcome(language="ES")) == ["Hispanophone"]
    assert sorted(names(outcome(language="fr"))) == ["Bilingue", "Hispanophone"]


@pytest.mark.parametrize("given", ["zz", "zzz", "e", "english", "1"])
def test_an_unknown_language_is_said_and_dropped(client, bilingual, given):
    found = find({"language": given})
    assert found.criteria.language == ""
    assert any("Langue inconnue" in m for m in found.form.messages())
    html = page(client, language=given)
    assert "Langue inconnue : toutes les langues sont affichées." in html
    assert html.count("data-service-id") == 2


def test_every_listed_language_with_a_two_letter_code_is_in_the_table():
    listed = set(Language.objects.values_list("code", flat=True))
    assert {code for code in ISO_639_1.values() if code in listed} == listed - {
        "cmn",  # Mandarin and Cantonese: zh is Chinese (zho), which says neither
        "yue",
        "kab",  # no ISO 639-1 code
        "atj",
        "fcs",
        "ase",
    }
    assert iso_639_2("zh") == "zho" and iso_639_2("ht") == "hat"
    assert iso_639_2("x1") is None and iso_639_2("") is None


def test_the_form_offers_a_language_select_and_an_age_field(client, bilingual):
    html = page(client, q="")
    select = re.search(r'<select id="id_language" name="language">.*?</select>', html, re.S)
    options = re.findall(r'<option value="([a-z]*)"( selected)?>([^<]+)</option>', select.group(0))
    assert options[0] == ("", "", "Toutes les langues")
    assert len(options) == 1 + Language.objects.count()
    labels = [label for _, _, label in options[1:]]
    assert "Anglais" in labels and "Créole haïtien" in labels
    assert labels == sorted(labels, key=lambda x: x.lower().replace("é", "e"))
    assert '<label for="id_language">Langue</label>' in html
    age = re.search(r'<input type="number" id="id_age"[^>]*>', html).group(0)
    assert 'name="age"' in age and 'min="0"' in age and 'max="130"' in age
    assert 'inputmode="numeric"' in age
    assert '<label for="id_age">Âge de la personne</label>' in html


def test_the_chosen_values_are_kept_and_open_more_filters(client, bilingual):
    html = page(client, language="en", age="30")
    assert '<option value="eng" selected>Anglais</option>' in html
    assert 'name="age" value="30"' in html
    assert '<details class="more-filters" open>' in html
    html = page(client, q="", open_now="on")  # not one of the more filters
    assert '<details class="more-filters">' in html
    assert re.search(r'id="id_open_now" name="open_now" value="on" checked', html)
    for params in ({"free": "on"}, {"wheelchair": "on"}, {"age": "0"}, {"sort": "relevance"}):
        assert '<details class="more-filters" open>' in page(client, **params)
    assert '<details class="more-filters">' in page(client, language="zz")  # dropped


def test_language_names_follow_the_page_language(client, bilingual):
    html = page(client, "/en/search/", language="spa")
    assert '<option value="spa" selected>Spanish</option>' in html
    with translation.override("en"):
        labels = [x.name for x in find({}).form.language_choices()]
    assert labels[:3] == ["American Sign Language (ASL)", "Arabic", "Atikamekw"]


def test_each_checkbox_sits_in_its_label(client):
    html = page(client, q="")
    for name in ("open_now", "free", "wheelchair"):
        assert re.search(
            rf'<label for="id_{name}"><input type="checkbox" id="id_{name}" name="{name}"', html
        )
