"""The results page shows the quick exit when the sector chosen or a need understood is of the
violence family (resources/safety.py, search/views.py)."""

import pytest

pytestmark = pytest.mark.django_db

EXIT = 'class="quick-exit"'


def html(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("sector", ["violence", "domestic-violence", "victims"])
def test_a_violence_sector_chosen_shows_the_quick_exit(client, sector):
    assert EXIT in html(client, "/fr/recherche/", sector=sector)
    assert EXIT in html(client, "/en/search/", sector=sector)


def test_a_violence_need_understood_shows_the_quick_exit(client):
    page = html(client, "/fr/recherche/", q="violence conjugale")
    assert "data-need-sectors" in page
    assert EXIT in page


@pytest.mark.parametrize("params", [{"sector": "food"}, {"q": "banque alimentaire"}, {}])
def test_other_searches_have_no_quick_exit(client, params):
    assert EXIT not in html(client, "/fr/recherche/", **params)
