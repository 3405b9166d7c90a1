"""The map of the results and service pages in a real browser (static/js/map.js): nothing of
Leaflet nor any tile before the visitor opens it; then Leaflet from our static files, a marker per
public place, reachable by keyboard, and no accessibility violation, on a phone and a desktop, in
both languages. The tile server is answered by the test: the browser stays offline.

Set MAP_SCREENSHOTS to a folder to keep a picture of each opened map there."""

import os
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.browser.conftest import DEVICES, wait_until
from tests.factories import locate, make_organization, make_phone, make_service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TILES = "https://tile.openstreetmap.org/"
SEARCH = {"fr": "/fr/recherche/", "en": "/en/search/"}


def said(lang, text):
    """`text` (a French msgid) in `lang`, as the catalogue has it."""
    with translation.override(lang):
        return gettext(text)


SHOW = {lang: said(lang, "Voir la carte") for lang in SEARCH}
HIDE = {lang: said(lang, "Masquer la carte") for lang in SEARCH}


def tile_png():
    """A 256 px tile, pale with a few 'streets', so that a screenshot reads as a map."""
    size = 256
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            street = x % 64 in (30, 31, 32) or y % 80 in (40, 41, 42) or abs(x - y) < 2
            row += bytes((255, 255, 255) if street else (236, 240, 232))
        rows.append(bytes(row))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


TILE = tile_png()


@pytest.fixture
def places():
    """Three food services at public places, one of them at two; a shelter at a confidential
    address; a phone line without any place."""
    organization = make_organization(slug="entraide", name_fr="Entraide Exemple")
    make_phone("450 555-0150", organization=organization)
    kitchen = make_service(
        organization,
        sectors=["food-banks"],
        scope="mrc",
        slug="cuisine-collective",
        name_fr="Cuisine collective alimentaire",
        name_en="Community kitchen",
    )
    locate(kitchen, name_fr="Cuisine du centre", latitude=45.7422, longitude=-73.4501)
    locate(kitchen, name_fr="Cuisine du nord", latitude=45.7718, longitude=-73.4745)
    pantry = make_service(
        organization, sectors=["food-banks"], scope="mrc", name_fr="Comptoir alimentaire"
    )
    locate(pantry, place="charlemagne", latitude=45.7188, longitude=-73.4876)
    market = make_service(
        organization, sectors=["food-banks"], scope="mrc", name_fr="Marché solidaire alimentaire"
    )
    locate(market, place="l-assomption", latitude=45.8235, longitude=-73.4293)
    shelter = make_service(
        organization, sectors=["food-banks"], scope="mrc", name_fr="Repas alimentaire"
    )
    locate(shelter, latitude=45.7791, longitude=-73.4212, is_confidential=True)
    make_service(organization, sectors=["food-banks"], scope="mrc", name_fr="Ligne alimentaire")
    return {"kitchen": kitchen}


def offline_tiles(page):
    """Answers the tile server from here; returns the list of tile requests' Referer headers."""
    referers = []

    def answer(route):
        referers.append(route.request.headers.get("referer", ""))
        route.fulfill(status=200, content_type="image/png", body=TILE)

    page.context.route(f"{TILES}**", answer)
    return referers


def requested(page):
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def open_map(page, lang, markers):
    button = page.get_by_role("button", name=SHOW[lang])
    assert button.is_visible()
    assert button.get_attribute("aria-expanded") == "false"
    button.click()
    page.locator(".leaflet-marker-icon").nth(markers - 1).wait_for()
    wait_until(
        page,
        "Array.from(document.querySelectorAll('.leaflet-tile')).some(t => t.complete"
        " && t.classList.contains('leaflet-tile-loaded'))",
    )
    opened = page.get_by_role("button", name=HIDE[lang])
    assert opened.get_attribute("aria-expanded") == "true"
    assert page.locator(".leaflet-marker-icon").count() == markers
    region = page.locator("#map-region")
    assert region.is_visible() and region.get_attribute("role") == "region"
    assert region.get_attribute("aria-label")
    return opened


def popup_opened(page):
    """The popup's link, once it has faded in (axe reads colours as they are shown)."""
    link = page.locator(".leaflet-popup-content a")
    link.wait_for()
    wait_until(page, "getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    return link


def keep_picture(page, name):
    folder = os.environ.get("MAP_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.locator("[data-map]").scroll_into_view_if_needed()
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


# Each page type on both screens and in both languages, in two runs each (in four when keeping
# pictures).
SCREENS = [("mobile", "fr"), ("desktop", "en")]
OTHER_SCREENS = [("mobile", "en"), ("desktop", "fr")]
if os.environ.get("MAP_SCREENSHOTS"):
    SCREENS = OTHER_SCREENS = [*SCREENS, *OTHER_SCREENS]


@pytest.mark.parametrize(("device", "lang"), SCREENS)
def test_results_map_opens_on_a_tap_with_the_places_and_the_rounded_position(
    places, new_page, axe, device, lang
):
    page = new_page(**DEVICES[device])
    referers = offline_tiles(page)
    urls = requested(page)
    page.goto(f"{SEARCH[lang]}?q=alimentaire&lat=45.7421834&lon=-73.4507946")
    page.wait_for_load_state("load")
    # Before the tap: only our map.js, no Leaflet file, no tile.
    assert any(url.endswith("/static/js/map.js") for url in urls)
    assert not [url for url in urls if "leaflet" in url or url.startswith(TILES)]
    summary = page.locator(".map-summary").inner_text()
    assert summary.startswith("4 ") and " 2 " in summary
    if lang == "fr":
        assert summary.startswith("4 lieux sur la carte. 2 services de cette page n'y figurent")

    opened = open_map(page, lang, markers=4)
    # The markers' images loaded (a busy machine may report their requests after the markers).
    wait_until(
        page,
        "[...document.querySelectorAll('img.leaflet-marker-icon')]"
        ".every(img => img.complete && img.naturalWidth > 0)",
    )
    assert any("/static/leaflet/leaflet.js" in url for url in urls)
    assert any("/static/leaflet/images/marker-icon" in url for url in urls)
    # The visitor's position: one round mark, at the rounded point.
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 1
    assert page.evaluate("window.L !== undefined")
    # The tile server learns no more than this site's origin (never the position in the URL).
    assert referers and all("lat=" not in referer for referer in referers)
    names = page.locator(".leaflet-marker-icon").evaluate_all("els => els.map(e => e.alt)")
    kitchen = "Cuisine collective alimentaire" if lang == "fr" else "Community kitchen"
    assert sorted(names) == sorted(
        [kitchen, kitchen, "Comptoir alimentaire", "Marché solidaire alimentaire"]
    )
    keep_picture(page, f"results-{device}-{lang}")
    axe(page)

    # By keyboard: a marker takes the focus and Enter opens its popup, linking to the service.
    page.locator(f'.leaflet-marker-icon[alt="{kitchen}"]').first.focus()
    page.keyboard.press("Enter")
    link = popup_opened(page)
    assert link.inner_text() == kitchen
    with translation.override(lang):
        assert link.get_attribute("href") == places["kitchen"].get_absolute_url()
    close = page.locator(".leaflet-popup-close-button")
    assert close.get_attribute("aria-label") == said(lang, "Fermer")
    keep_picture(page, f"results-{device}-{lang}-popup")
    axe(page)

    opened.click()
    assert page.locator("#map-region").is_hidden()
    page.get_by_role("button", name=SHOW[lang]).click()
    assert page.locator("#map-region").is_visible()


@pytest.mark.parametrize(("device", "lang"), OTHER_SCREENS)
def test_service_page_map_shows_its_public_places(places, new_page, axe, device, lang):
    page = new_page(**DEVICES[device])
    offline_tiles(page)
    urls = requested(page)
    page.goto(f"/{lang}/services/cuisine-collective/")
    page.wait_for_load_state("load")
    assert not [url for url in urls if "leaflet" in url or url.startswith(TILES)]
    open_map(page, lang, markers=2)
    keep_picture(page, f"service-{device}-{lang}")
    axe(page)
    page.locator(".leaflet-marker-icon").first.focus()
    page.keyboard.press("Enter")
    link = popup_opened(page)
    assert re.fullmatch(r"#lieu-[0-9a-f-]{36}", link.get_attribute("href"))
    assert page.locator(link.get_attribute("href")).count() == 1
    assert "100, rue Exemple" in page.locator(".map-popup-detail").inner_text()


def test_without_javascript_no_map_button_and_the_list_remains(places, new_page):
    page = new_page(**DEVICES["mobile"], java_script_enabled=False)
    urls = requested(page)
    page.goto("/fr/services/cuisine-collective/")
    assert page.get_by_role("button", name=SHOW["fr"]).count() == 0
    assert page.locator(".map-summary").is_hidden()
    assert page.locator(".directions").count() == 2
    assert not [url for url in urls if "leaflet" in url or url.startswith(TILES)]


def test_a_failed_load_says_so_and_leaves_the_list(places, new_page):
    # No service worker: the page's own request for Leaflet is the one made to fail.
    page = new_page(**DEVICES["desktop"], service_workers="block")
    page.route("**/static/leaflet/leaflet.js", lambda route: route.abort())
    page.goto("/fr/services/cuisine-collective/")
    page.get_by_role("button", name=SHOW["fr"]).click()
    status = page.locator("[data-map-status]")
    status.filter(has_text="La carte n'a pas pu être chargée").wait_for()
    assert status.get_attribute("role") == "status"
    assert page.locator("#map-region").is_hidden()
    assert page.locator(".directions").count() == 2
