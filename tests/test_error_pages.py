"""Error pages keep the 2-1-1 and the crisis numbers and need no database; the API answers its
errors in JSON."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "words"),
    [("/fr/nexiste-pas/", "Page introuvable"), ("/en/nothing-here/", "Page not found")],
)
def test_a_missing_page_keeps_the_211_and_crisis_numbers_without_the_database(
    client, django_assert_num_queries, url, words
):
    with django_assert_num_queries(0):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 404
    assert words in page and 'href="tel:211"' in page and 'href="tel:988"' in page


def test_a_missing_api_record_is_json(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404
    assert response.json()["status"] == 404


@override_settings(ROOT_URLCONF="tests.error_urls")
@pytest.mark.parametrize(
    ("url", "first", "second"),
    [
        ("/fr/en-panne/", "Le répertoire ne répond pas", "Try again in a few minutes"),
        ("/en/broken/", "The directory is not answering", "Réessayez dans quelques minutes"),
    ],
)
def test_a_failure_shows_both_languages_the_211_and_no_detail(
    client, django_assert_num_queries, url, first, second
):
    client.raise_request_exception = False
    with django_assert_num_queries(0):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 500
    assert first in page and second in page
    assert 'href="tel:211"' in page and "RuntimeError" not in page


@override_settings(ROOT_URLCONF="tests.error_urls")
def test_an_api_failure_is_json(client):
    client.raise_request_exception = False
    response = client.get("/api/broken")
    assert response.status_code == 500 and response.json()["status"] == 500
