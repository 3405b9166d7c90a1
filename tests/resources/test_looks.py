"""The site's look as HTTP sees it: one drawn icon per sector, and a listing's block of services
that do not serve the place saying why, also when no words were typed."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from resources.models import Sector
from resources.templatetags.icons import SECTOR_ICONS
from tests.factories import locate, make_service

pytestmark = pytest.mark.django_db

SPRITE = Path(settings.BASE_DIR) / "static" / "img" / "icons.svg"


def test_every_top_level_sector_has_its_own_icon_in_the_sprite():
    symbols = set(re.findall(r'<symbol id="([^"]+)"', SPRITE.read_text()))
    top_level = set(Sector.objects.filter(parent=None).values_list("slug", flat=True))
    assert len(top_level) == 21
    assert top_level == SECTOR_ICONS
    assert symbols >= SECTOR_ICONS


def test_home_page_shows_each_sector_with_its_icon_hidden_from_screen_readers(client):
    html = client.get("/fr/").content.decode()
    icons = re.findall(
        r'<svg class="icon" aria-hidden="true" focusable="false">'
        r'<use href="[^"]*icons\.svg#([a-z-]+)"',
        html,
    )
    assert sorted(icons) == sorted(SECTOR_ICONS)


def test_a_subsector_page_shows_its_parent_sectors_icon(client):
    html = client.get("/fr/secteurs/food-banks/").content.decode()
    heading = html.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert 'icons.svg#food"' in heading
    assert "aria-hidden" in heading


def test_municipality_page_says_why_services_are_apart_when_no_words_were_typed(client):
    elsewhere = make_service(
        name_fr="Seulement Saint-Sulpice",
        sectors=["food-banks"],
        scope="local",
        municipalities=["saint-sulpice"],
    )
    locate(elsewhere, latitude=45.83, longitude=-73.35)
    html = client.get("/fr/municipalites/repentigny/", {"sector": "food-banks"}).content.decode()
    apart = html.split("data-results-apart", 1)[1].split("</section>", 1)[0]
    assert "Seulement Saint-Sulpice" in apart
    assert "Ces services ne desservent pas Repentigny" in apart
    assert "mais leur territoire n'inclut pas Repentigny." in apart
    assert "du secteur « Dépannage et banques alimentaires »" in apart
    assert "votre municipalité" not in apart  # the page's place, not necessarily the visitor's


def test_results_page_with_words_says_they_match_the_search(client):
    elsewhere = make_service(
        name_fr="Seulement Saint-Sulpice",
        description_fr="Aide alimentaire.",
        scope="local",
        municipalities=["saint-sulpice"],
    )
    locate(elsewhere, latitude=45.83, longitude=-73.35)
    html = client.get(
        "/en/search/", {"q": "alimentaire", "municipality": "repentigny"}
    ).content.decode()
    apart = html.split("data-results-apart", 1)[1].split("</section>", 1)[0]
    assert "Seulement Saint-Sulpice" in apart
    assert "Repentigny" in apart
