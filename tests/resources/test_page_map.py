"""The map of the results and service pages, as the server sends it (resources/maps.py,
templates/includes/map.html): public places only, as a JSON data block; no Leaflet file and no
tile before the visitor opens it; tiles and attribution from settings."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from resources.models import Location
from tests.factories import locate, make_organization, make_service

pytestmark = pytest.mark.django_db

SECRET = (45.7791, -73.4212)  # a confidential location's exact point: never sent
SEARCH = "/fr/recherche/"


def get(url, **params):
    response = Client().get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def service_page(service, language="fr"):
    with translation.override(language):
        return get(service.get_absolute_url())


def map_data(html):
    found = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)
    assert found, "no map data block"
    return json.loads(found.group(1))


def points(data):
    return [(m["lat"], m["lon"]) for m in data["markers"]]


@pytest.fixture
def shelter():
    """A service at a public place, an online one, a place without coordinates and a
    confidential shelter."""
    organization = make_organization(slug="refuge", name_fr="Refuge Exemple")
    service = make_service(
        organization,
        sectors=["food-banks"],
        scope="mrc",
        slug="hebergement-et-repas",
        name_fr="Hébergement et repas",
        name_en="Shelter and meals",
        description_fr="Repas chauds et dépannage alimentaire.",
    )
    public = locate(service, name_fr="Comptoir du centre", latitude=45.7422, longitude=-73.4501)
    locate(service, name_fr="En ligne", location_type=Location.Type.VIRTUAL, longitude=-73.4)
    locate(service, name_fr="Sans point", latitude=None, longitude=None)
    locate(
        service,
        name_fr="Maison secrète",
        address_1="12, rue Cachée",
        latitude=SECRET[0],
        longitude=SECRET[1],
        is_confidential=True,
    )
    return {"service": service, "public": public}


def test_the_service_page_maps_its_public_place_only(shelter):
    html = service_page(shelter["service"])
    data = map_data(html)
    public = shelter["public"]
    assert data["markers"] == [
        {
            "lat": 45.7422,
            "lon": -73.4501,
            "name": "Comptoir du centre",
            "href": f"#lieu-{public.uuid}",
            "detail": "100, rue Exemple, Repentigny J6A 1A1",
        }
    ]
    assert data["position"] is None
    assert f'id="lieu-{public.uuid}"' in html  # the popup's link leads to the place listed
    # The confidential place: neither its point, nor its street, nor its name, anywhere.
    for secret in ("45.7791", "73.4212", "Cachée", "Maison secrète"):
        assert secret not in html
    assert "1 lieu sur la carte. 3 lieux n'y figurent pas" in html


def test_the_results_page_maps_the_public_points_of_the_services_shown(shelter):
    other = make_service(sectors=["food-banks"], scope="mrc", name_fr="Banque alimentaire")
    locate(other, latitude=45.7001, longitude=-73.5002, is_confidential=True)
    phone_only = make_service(sectors=["food-banks"], scope="mrc", name_fr="Ligne alimentaire")
    html = get(SEARCH, q="alimentaire")
    data = map_data(html)
    service = shelter["service"]
    assert data["markers"] == [
        {
            "lat": 45.7422,
            "lon": -73.4501,
            "name": service.name_fr,
            "href": service.get_absolute_url(),
        }
    ]
    assert phone_only.name_fr in html and other.name_fr in html
    assert data["position"] is None  # not ranked by a position
    for secret in ("45.7001", "73.5002", "45.7791", "73.4212"):
        assert secret not in html
    assert "1 lieu sur la carte. 2 services de cette page n'y figurent pas" in html


def test_the_position_the_results_are_ranked_by_is_rounded(shelter):
    html = get(SEARCH, q="alimentaire", lat="45.7421834", lon="-73.4507946")
    data = map_data(html)
    assert data["position"] == {
        "lat": 45.742,
        "lon": -73.451,
        "label": "Votre position approximative",
        "mine": True,
    }
    assert "Le point rouge marque votre position approximative." in html
    assert "45.7421834" not in html and "45.74218" not in html
    ranked = get(SEARCH, q="alimentaire", sort="relevance", lat="45.742", lon="-73.451")
    by_relevance = map_data(ranked)
    assert by_relevance["position"] is None


def test_an_english_page_names_the_markers_in_english_and_marks_french_fallbacks(shelter):
    data = map_data(get("/en/search/", q="alimentaire"))
    assert data["markers"][0]["name"] == "Shelter and meals" and "lang" not in data["markers"][0]
    place = map_data(service_page(shelter["service"], "en"))["markers"][0]
    assert place["name"] == "Comptoir du centre" and place["lang"] == "fr"


def test_no_leaflet_file_and_no_tile_before_the_map_is_opened(shelter):
    for html in (service_page(shelter["service"]), get(SEARCH, q="alimentaire")):
        scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
        sheets = re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', html)
        assert "/static/js/map.js" in scripts
        assert all("leaflet" not in url for url in scripts + sheets)
        assert "tile.openstreetmap.org" not in re.sub(r'data-tile-url="[^"]*"', "", html)
        # The map's box, button included, appears only with JavaScript; no inline code.
        assert re.search(r'<div class="page-map" data-map[^>]* hidden>', html)
        assert 'aria-expanded="false"' in html and 'aria-controls="map-region"' in html
        assert "style=" not in html and "<style" not in html
        blocks = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        assert ' id="map-data" type="application/json"' in blocks
        assert all(re.search(r'type="application/(ld\+)?json"', block) for block in blocks)


def test_leaflet_and_its_marker_images_are_served_from_our_static_files(shelter):
    html = service_page(shelter["service"])
    urls = re.findall(r'data-(?:leaflet-css|leaflet-js|icon|icon-2x|icon-shadow)="([^"]+)"', html)
    assert len(urls) == 5
    for url in urls:
        assert url.startswith("/static/leaflet/")
        assert finders.find(url.removeprefix("/static/")), url
    leaflet = Path(finders.find("leaflet/leaflet.js")).read_text()
    assert "Leaflet 1.9" in leaflet[:200]
    # Installed from PyPI (django-leaflet), never a copy of ours.
    assert not (settings.BASE_DIR / "static" / "leaflet").exists()
    # The tile layer and icon set-up both maps share, ours, loaded with Leaflet.
    (setup,) = re.findall(r'data-leaflet-setup="([^"]+)"', html)
    assert setup == "/static/js/leaflet-setup.js"
    assert "Dir211Leaflet" in Path(finders.find("js/leaflet-setup.js")).read_text()


@override_settings(
    MAP_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png",
    MAP_TILE_ATTRIBUTION='© <a href="https://example.org/">Example</a>',
)
def test_tiles_and_attribution_come_from_settings(shelter):
    html = service_page(shelter["service"])
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    attribution = "© &lt;a href=&quot;https://example.org/&quot;&gt;Example&lt;/a&gt;"
    assert f'data-attribution="{attribution}"' in html


def test_a_page_without_any_public_place_has_no_map():
    service = make_service(slug="maison", name_fr="Maison d'hébergement")
    locate(service, is_confidential=True, latitude=SECRET[0], longitude=SECRET[1])
    html = service_page(service)
    assert "data-map" not in html and "map-data" not in html and "map.js" not in html
    assert "45.7791" not in html


@override_settings(MAP_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png")
def test_the_privacy_page_names_the_tile_server_asked_only_when_the_map_is_opened():
    with translation.override("fr"):
        html = get(reverse("privacy"))
    assert "au serveur de cartes tiles.example.org" in html
    assert "Tant que vous n'ouvrez pas la carte, aucune demande ne lui est faite." in html
