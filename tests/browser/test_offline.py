"""Offline on a phone, in a real browser: the site's service worker (templates/offline/sw.js,
registered by static/js/near-exit.js) keeps the pages viewed, shows the offline page for the
others, never keeps a violence page, and the clear button and the quick exit empty what it kept.
`localhost` is a secure context, so the live server may install a worker."""

import os
import re
from pathlib import Path

import pytest

from tests.browser.conftest import DEVICES, wait_until
from tests.factories import make_service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SERVICE = {"fr": "/fr/services/depannage-alimentaire/", "en": "/en/services/depannage-alimentaire/"}
SEARCH = {"fr": "/fr/recherche/", "en": "/en/search/"}
OFFLINE_TITLE = "Pas de connexion"
EXIT_URL = "https://meteo.gc.ca/"
# Screenshots for a person to look at, when asked (never in the repository).
SHOTS = os.environ.get("OFFLINE_SHOTS")

KEPT = """() => caches.open("directory211-pages")
  .then((cache) => cache.keys())
  .then((keys) => keys.map((r) => new URL(r.url).pathname + new URL(r.url).search))"""


def under_worker(page, url):
    """`url` opened once the worker controls the page, then again through it (so kept)."""
    page.goto(url)
    wait_until(page, "navigator.serviceWorker.controller !== null")
    page.reload()
    wait_kept(page, url)


def wait_kept(page, url):
    wait_until(page, f"({KEPT})().then((kept) => kept.includes({url!r}))")


def kept(page):
    return page.evaluate(KEPT)


@pytest.fixture
def shelter():
    return make_service(
        sectors=["domestic-violence"], slug="refuge-exemple", name_fr="Refuge Exemple"
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_viewed_service_page_is_read_offline_and_another_shows_the_offline_page(
    directory, mobile_page, lang
):
    page = mobile_page
    under_worker(page, SERVICE[lang])
    page.context.set_offline(True)
    page.reload()
    assert page.locator("h1").inner_text() == "Dépannage alimentaire"
    assert "450 555-0124" in page.content()
    page.goto(f"{SEARCH[lang]}?q=aide")  # never viewed
    assert OFFLINE_TITLE in page.locator("h1").inner_text()  # the h1 holds both languages
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("a[href='tel:211']").is_visible()
    assert page.locator("a[href='tel:988']").count() == 1


def test_a_violence_page_viewed_is_never_kept(directory, shelter, mobile_page):
    page = mobile_page
    under_worker(page, SERVICE["fr"])
    page.goto("/fr/services/refuge-exemple/")
    assert page.locator("a.quick-exit").is_visible()
    page.goto("/fr/secteurs/violence/")
    page.goto("/fr/recherche/?q=aide&lat=45.742&lon=-73.451")  # a position: not kept either
    page.goto("/fr/")
    wait_kept(page, "/fr/")
    assert not [url for url in kept(page) if re.search("violence|refuge|lat=", url)]
    page.context.set_offline(True)
    page.goto("/fr/services/refuge-exemple/")
    assert page.locator("h1").inner_text().startswith(OFFLINE_TITLE)
    assert "Refuge" not in page.content()


def test_the_list_is_read_offline_from_the_header_link(directory, mobile_page):
    page = mobile_page
    service = directory["service"]
    under_worker(page, f"/fr/ma-liste/?ids={service.uuid}")
    page.context.set_offline(True)
    page.goto("/fr/ma-liste/")  # the bare address: the last list viewed
    assert page.locator(f'[data-service-id="{service.uuid}"]').is_visible()


def test_the_clear_button_empties_the_list_and_the_kept_pages(directory, desktop_page):
    page = desktop_page
    service = directory["service"]
    under_worker(page, SERVICE["fr"])
    page.goto(f"/fr/ma-liste/?ids={service.uuid}")
    wait_kept(page, f"/fr/ma-liste/?ids={service.uuid}")
    button = page.get_by_role("button", name="Tout effacer de cet appareil")
    assert button.is_visible()
    button.click()
    page.wait_for_url(re.compile(r"/fr/ma-liste/#clear-offline$"))
    assert page.locator(".list-empty").is_visible()
    assert "effacé" in page.locator(".clear-offline-status").inner_text()
    assert not [url for url in kept(page) if url != "/fr/ma-liste/"]
    page.context.set_offline(True)
    page.goto(SERVICE["fr"])
    assert page.locator("h1").inner_text().startswith(OFFLINE_TITLE)
    page.goto(f"/fr/ma-liste/?ids={service.uuid}")  # only the empty list is left
    assert page.locator(f'[data-service-id="{service.uuid}"]').count() == 0


def test_the_quick_exit_empties_the_kept_pages(directory, shelter, mobile_page):
    page = mobile_page
    page.context.route(
        f"{EXIT_URL}**", lambda route: route.fulfill(content_type="text/html", body="<p>Météo</p>")
    )
    under_worker(page, SERVICE["fr"])
    page.goto("/fr/services/refuge-exemple/")
    page.locator("a.quick-exit").click()
    page.wait_for_url(EXIT_URL)
    other = page.context.new_page()
    other.goto("/fr/a-propos/")
    wait_until(other, f"({KEPT})().then((kept) => !kept.includes({SERVICE['fr']!r}))", timeout=5000)
    assert SERVICE["fr"] not in kept(other)


@pytest.mark.browser_matrix
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("device", DEVICES)
def test_the_404_and_offline_pages_are_accessible(new_page, axe, lang, device):
    page = new_page(**DEVICES[device])
    response = page.goto(f"/{lang}/nothing-here/")
    assert response.status == 404
    axe(page)
    shoot(page, f"404-{lang}-{device}")
    under_worker(page, f"/{lang}/")
    page.context.set_offline(True)
    page.goto(f"/{lang}/never-viewed/")
    assert page.locator("a[href='tel:211']").is_visible()
    axe(page)
    shoot(page, f"offline-{lang}-{device}")


def shoot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
