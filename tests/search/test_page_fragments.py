"""What the results page builds once and keeps (search/fragments.py, resources/card_html.py) reads
as the template wrote it, and follows an edit at once."""

import re

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.formats import get_format

from resources.card_html import one_decimal
from resources.models import Language, Sector
from tests.searching import results_page as page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fr", "en"])
def test_distances_read_as_floatformat_wrote_them(language):
    values = [0, 0.04, 0.05, 0.15, 0.25, 1.45, 2.25, 2.35, 9.95, 12.349999, 99.99, 1234.56]
    values += [n / 1000 for n in range(0, 20000, 7)]
    with translation.override(language):
        separator = get_format("DECIMAL_SEPARATOR")
        assert [one_decimal(v, separator) for v in values] == [floatformat(v, 1) for v in values]


def options(html, select):
    found = re.search(rf'<select id="id_{select}" name="{select}">(.*?)</select>', html, re.S)
    return found.group(1)


def test_a_renamed_sector_and_language_show_in_the_form_at_once(client):
    food = Sector.objects.get(slug="food")
    assert f">{food.name_fr}</option>" in options(page(client), "sector")
    food.name_fr = "Alimentation et épicerie"
    food.save()
    language = Language.objects.get(code="spa")
    language.name_fr = "Castillan"
    language.save()
    html = page(client)
    assert ">Alimentation et épicerie</option>" in options(html, "sector")
    assert '<option value="spa">Castillan</option>' in options(html, "language")


def test_the_chosen_sector_and_language_are_selected_in_either_language(client):
    html = page(client, sector="food", language="eng")
    sectors = options(html, "sector")
    assert '<option value="food" selected>' in sectors
    assert "(tous)</option>" in sectors  # a top-level sector chosen offers its subsectors
    assert options(html, "language").count(" selected") == 1
    assert '<option value="eng" selected>' in options(html, "language")
    english = client.get("/en/search/", {"sector": "food"}).content.decode()
    assert "(all)</option>" in options(english, "sector")
    assert '<option value="food" selected>' in options(english, "sector")
    assert " selected" not in options(page(client), "sector")
