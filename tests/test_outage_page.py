"""The outage page: a database that cannot be reached gives a 503 in both languages with the 2-1-1
and crisis numbers, built without the database; the API a JSON 503; any other error stays a 500.
The real outage (PostgreSQL stopped and frozen under a running server) is tests/test_outage.py."""

import pytest
from django.test import override_settings

from tests.outage_urls import unreachable_cause

pytestmark = pytest.mark.django_db


def assert_outage_page(response, first_heading):
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "no-store" in response["Cache-Control"]
    assert f"<h1>{first_heading}</h1>" in page
    assert 'lang="fr"' in page and 'lang="en"' in page
    assert "Le répertoire ne répond pas" in page and "The directory is not answering" in page
    assert "Réessayez dans quelques minutes" in page and "Try again in a few minutes" in page
    assert 'href="tel:211"' in page and 'href="tel:988"' in page and 'href="tel:911"' in page


@override_settings(ROOT_URLCONF="tests.outage_urls")
@pytest.mark.parametrize(
    ("url", "first_heading"),
    [
        ("/fr/base-absente/", "Le répertoire ne répond pas"),
        ("/en/database-gone/", "The directory is not answering"),
    ],
)
def test_an_unreachable_database_gives_the_bilingual_outage_page_without_a_query(
    client, django_assert_num_queries, url, first_heading
):
    with django_assert_num_queries(0):
        response = client.get(url)
    assert_outage_page(response, first_heading)


@override_settings(ROOT_URLCONF="tests.outage_urls")
def test_the_api_answers_an_outage_in_json(client):
    response = client.get("/api/database-gone")
    assert response.status_code == 503 and response.json()["status"] == 503
    assert response["Retry-After"].isdigit() and "no-store" in response["Cache-Control"]


@override_settings(ROOT_URLCONF="tests.outage_urls")
@pytest.mark.parametrize("url", ["/fr/bogue-sql/", "/fr/autre-erreur/"])
def test_other_database_errors_stay_a_500(client, url):
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 500 and "Retry-After" not in response


def test_a_failure_in_the_211_banner_while_rendering_gives_the_outage_page(client, monkeypatch):
    def unreachable():
        raise unreachable_cause()

    from resources import context_processors

    monkeypatch.setattr(context_processors._line, "get", unreachable)
    assert_outage_page(client.get("/fr/"), "Le répertoire ne répond pas")


class FailingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise unreachable_cause()


def test_an_outage_raised_in_a_middleware_gets_the_outage_page_too(client, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_outage_page.FailingMiddleware"]
    client.raise_request_exception = False
    assert_outage_page(client.get("/en/"), "The directory is not answering")
    api = client.get("/api/")
    assert api.status_code == 503 and api.json()["status"] == 503


@pytest.fixture
def slow_failures_pause(monkeypatch):
    """Every outage counts as slow (a hung database's, 2.5 s); the pause ends after the test."""
    from directory211 import outage

    monkeypatch.setattr(outage, "SLOW_FAILURE_SECONDS", 0)
    yield
    outage.end_pause()


@override_settings(ROOT_URLCONF="tests.outage_urls")
def test_after_a_slow_failure_pages_answer_the_outage_at_once_for_a_pause(
    client, django_assert_num_queries, slow_failures_pause
):
    from directory211 import outage

    assert client.get("/fr/base-absente/").status_code == 503
    with django_assert_num_queries(0):
        assert_outage_page(client.get("/fr/"), "Le répertoire ne répond pas")
        assert client.get("/api/").status_code == 503
        assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200

    outage.end_pause()
    assert client.get("/fr/").status_code == 200


def test_a_fast_failure_pauses_nothing(client, settings):
    settings.ROOT_URLCONF = "tests.outage_urls"
    assert client.get("/en/database-gone/").status_code == 503
    settings.ROOT_URLCONF = "directory211.urls"
    assert client.get("/en/").status_code == 200
