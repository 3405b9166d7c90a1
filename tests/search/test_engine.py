"""The search engine on factory data: text matching, both engines alike."""

import pytest

from tests.factories import locate, make_service
from tests.searching import found

pytestmark = pytest.mark.django_db


@pytest.fixture
def housing():
    service = make_service(
        name_fr="Logement social",
        description_fr="Aide à la recherche de logements abordables.",
        sectors=["housing"],
        scope="mrc",
    )
    locate(service, latitude=45.83, longitude=-73.43, place="l-assomption")
    return service


def test_accents_and_case_do_not_matter(food_bank):
    assert found(q="EPICERIE") == [food_bank]
    assert found(q="épicerie") == [food_bank]


def test_plural_finds_singular(housing):
    assert found(q="logements") == [housing]
    assert found(q="banques alimentaires") == []


def test_prefix_finds_longer_word(food_bank):
    assert found(q="aliment") == [food_bank]


def test_one_typo_is_forgiven_on_long_words(food_bank, housing):
    assert found(q="alimantaire") == [food_bank]
    assert found(q="logemnt") == [housing]


def test_two_typos_are_not_forgiven(food_bank):
    assert found(q="alimantairr") == []


def test_english_text_found_from_french_page(food_bank):
    assert found(q="food bank") == [food_bank]


def test_sector_name_finds_services_whose_text_does_not_say_it(food_bank, housing):
    assert found(q="alimentation") == [food_bank]


def test_synonym_expands_the_query(food_bank, housing):
    assert found(q="bouffe") == [food_bank]
    assert found(q="HLM") == [housing]


def test_all_words_are_required(food_bank, housing):
    assert found(q="logement alimentaire") == []


def test_excluded_word_removes_matches(food_bank, housing):
    assert found(q="aide -logements") == []
    assert found(q="aide") == [housing]


def test_or_accepts_either_word(food_bank, housing):
    assert set(found(q="épicerie or logement")) == {food_bank, housing}


def test_stop_words_only_query_matches_nothing(food_bank):
    assert found(q="de la") == []
