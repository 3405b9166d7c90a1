"""The home page's search form (need, place, "Près de moi") and the quick exit of the
violence pages (resources/safety.py)."""

import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from resources.models import Municipality
from tests.factories import make_service

pytestmark = pytest.mark.django_db

EXIT = 'class="quick-exit"'


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_home_form_has_the_place_field_with_the_place_names(client, lang):
    page = html(client, f"/{lang}/")
    form = re.search(r'<form class="search-form home-form".*?</form>', page, re.S).group()
    assert f'action="/{lang}/' in form
    assert re.search(r'<input type="text" id="id_place" name="place" list="place-names"', form)
    label = "Code postal ou municipalité" if lang == "fr" else "Postal code or municipality"
    assert f'<label for="id_place">{label}</label>' in form
    names = re.findall(r'<option value="([^"]+)">', form)
    assert "Repentigny" in names and "L&#x27;Assomption" in names
    assert len(names) == len({m.name for m in Municipality.objects.all()})


def test_home_place_names_are_those_of_the_results_page(client):
    home = html(client, "/fr/")
    results = html(client, "/fr/recherche/?q=aide")
    datalist = re.compile(r'<datalist id="place-names">.*?</datalist>', re.S)
    assert datalist.search(home).group() == datalist.search(results).group()


@pytest.mark.parametrize("url", ["/fr/", "/en/", "/fr/recherche/?q=aide", "/en/search/?q=help"])
def test_near_me_button_is_rendered_hidden_for_javascript_to_show(client, url):
    page = html(client, url)
    button = re.search(r"<button [^>]*data-near-me[^>]*>", page).group()
    assert 'type="button"' in button and button.endswith(" hidden>")
    assert 'data-place-field="id_place"' in button
    message = (
        "Position not available: type your postal code or your municipality."
        if url.startswith("/en/")
        else "Position non disponible : écrivez votre code postal ou votre municipalité."
    )
    assert message in button
    assert '<p class="near-me-status" id="near-me-status" role="status"></p>' in page
    assert "js/near-exit.js" in page


@pytest.mark.parametrize(
    "url",
    [
        "/fr/secteurs/violence/",
        "/fr/secteurs/domestic-violence/",
        "/en/sectors/sexual-assault/",
    ],
)
def test_violence_sector_pages_have_the_quick_exit(client, url):
    page = html(client, url)
    assert EXIT in page
    assert 'href="https://meteo.gc.ca/" rel="noreferrer" data-quick-exit' in page


@override_settings(QUICK_EXIT_URL="https://example.org/neutre")
def test_the_quick_exit_goes_where_the_setting_says(client):
    assert 'href="https://example.org/neutre"' in html(client, "/fr/secteurs/violence/")


@pytest.mark.parametrize("url", ["/fr/", "/fr/secteurs/food/", "/en/sectors/food-banks/"])
def test_other_pages_have_no_quick_exit(client, url):
    assert EXIT not in html(client, url)


def test_a_service_classed_in_violence_has_the_quick_exit(client):
    make_service(sectors=["domestic-violence"], slug="maison-refuge")
    make_service(sectors=["violence"], slug="ligne-ecoute")
    make_service(sectors=["food-banks"], slug="comptoir")
    assert EXIT in html(client, "/fr/services/maison-refuge/")
    assert EXIT in html(client, "/en/services/maison-refuge/")
    assert EXIT in html(client, "/fr/services/ligne-ecoute/")
    assert EXIT not in html(client, "/fr/services/comptoir/")


@pytest.mark.parametrize("slug", ["maison-refuge", "comptoir"])
def test_a_service_page_tells_the_quick_exit_from_the_sectors_it_has_read(client, slug):
    """The family is told from the service's sectors, read with their parents in the page's
    prefetch, not by a query of its own."""
    make_service(sectors=["domestic-violence"], slug="maison-refuge")
    make_service(sectors=["food-banks"], slug="comptoir")
    html(client, f"/fr/services/{slug}/")  # reference data read once
    with CaptureQueriesContext(connection) as queries:
        html(client, f"/fr/services/{slug}/")
    assert not [q["sql"] for q in queries if "violence" in q["sql"]]
