""" "Ma liste" in a real browser.

Without JavaScript: built by following "Ajouter à ma liste" links, reordered by plain links,
printed with the note typed on the page. With JavaScript (static/js/my-list.js): also kept in
the browser's storage, added and removed without leaving the page, reordered, removed and
cleared in place, copied and shared as a link (never the note), printed with the note as text.
No accessibility violation."""

import json
import os
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.browser.conftest import DEVICES, wait_until
from tests.factories import locate, make_phone, make_schedule, make_service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The pictures in docs/screenshots/ are refreshed only when asked (KEEP_SCREENSHOTS=1): a test
# run leaves the repository as it found it.
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
STORAGE = "directory211-my-list"
EXIT_URL = "https://meteo.gc.ca/"
# A small sample of the phone/desktop × French/English matrix.
SAMPLE = [
    pytest.param("mobile", "fr", id="mobile-fr"),
    pytest.param("desktop", "en", id="desktop-en"),
]


@pytest.fixture
def two_services(directory):
    second = make_service(slug="halte-chaleur", name_fr="Halte-chaleur", sectors=["food-banks"])
    make_phone("450 555-0150", service=second)
    locate(second, address_1="25, rue du Refuge", place="charlemagne")
    make_schedule([(day, "18:00", "23:00") for day in range(5)], second)
    return directory["service"], second


def _in(lang, name, **kwargs):
    with translation.override(lang):
        return reverse(name, **kwargs)


def _page_of(service, lang):
    with translation.override(lang):
        return service.get_absolute_url()


def _listed(page):
    return page.locator(".list-item").evaluate_all("items => items.map(i => i.dataset.serviceId)")


def _ids(*services):
    return ",".join(str(s.uuid) for s in services)


def _said(page):
    """What the live region my-list.js adds at the end of the page last said."""
    return page.locator("body > p[role=status]").inner_text()


def _count(page):
    badge = page.locator(".my-list-link .my-list-count")
    return badge.inner_text() if badge.is_visible() else None


def _kept(page):
    return page.evaluate(f"localStorage.getItem({STORAGE!r})")


def _focused(locator):
    return locator.evaluate("element => element === document.activeElement")


def _mark(page):
    """Marks the document: the mark is gone if the page is ever reloaded or left."""
    page.evaluate("window.sameDocument = true")


def _same_document(page):
    return page.evaluate("window.sameDocument === true")


def test_a_list_built_reordered_and_printed_without_javascript(two_services, new_page):
    first, second = two_services
    page = new_page(java_script_enabled=False, **DEVICES["desktop"])
    page.goto(first.get_absolute_url())
    page.get_by_role("link", name=f"Ajouter {first.name} à ma liste").click()
    page.wait_for_load_state()  # the click returns once loading starts
    assert page.url.endswith(f"/fr/ma-liste/?ids={first.uuid}")
    # Another page carrying the current list (its `liste` parameter) adds to it.
    page.goto(f"{second.get_absolute_url()}?liste={first.uuid}")
    page.get_by_role("link", name=f"Ajouter {second.name} à ma liste").click()
    page.wait_for_load_state()  # the click returns once loading starts
    assert page.url.endswith(f"/fr/ma-liste/?ids={first.uuid},{second.uuid}")
    assert page.locator(".list-item h2").all_inner_texts() == [first.name, second.name]

    page.get_by_role("link", name=f"Monter {second.name}").click()
    page.wait_for_load_state()  # the click returns once loading starts
    assert page.url.endswith(f"?ids={second.uuid},{first.uuid}")
    assert page.locator(".list-item h2").all_inner_texts() == [second.name, first.name]
    assert page.get_by_label("Lien de la liste").input_value() == page.url
    # The JavaScript controls stay hidden; the plain words say where the list lives.
    assert not page.get_by_role("button", name="Copier le lien").is_visible()
    assert page.get_by_text("La liste n'est gardée que dans l'adresse").is_visible()

    page.get_by_role("textbox", name="Note pour la personne").fill("Appeler lundi matin.")
    assert "Appeler" not in page.url
    page.emulate_media(media="print")
    assert page.locator(".printed-on").is_visible()
    assert page.locator(".list-helpline").is_visible()
    assert not page.locator(".list-actions").first.is_visible()
    assert not page.locator(".list-share").is_visible()
    assert not page.locator(".site-header").is_visible()
    assert page.locator("#list-note").is_visible()
    assert page.locator("#list-note").input_value() == "Appeler lundi matin."

    page.emulate_media(media="screen")
    page.get_by_role("link", name="Vider la liste").click()
    page.wait_for_load_state()  # the click returns once loading starts
    assert page.url.endswith("/fr/ma-liste/")
    assert page.locator(".list-empty").is_visible()


@pytest.mark.parametrize(("device", "lang"), SAMPLE)
def test_services_are_added_and_removed_without_leaving_the_page(
    two_services, new_page, axe, device, lang
):
    first, second = two_services
    page = new_page(**DEVICES[device])
    sector = _in(lang, "resources:sector-detail", kwargs={"slug": "food"})
    page.goto(sector)
    _mark(page)
    card = page.locator(f'.result[data-service-id="{first.uuid}"]')
    card.locator("a.add-to-list").click()
    assert card.locator(".list-added").is_visible()
    assert not card.locator("a.add-to-list").is_visible()
    remove = card.locator("button.list-remove")
    assert _focused(remove)
    assert first.name in remove.get_attribute("aria-label")
    assert first.name in _said(page)
    assert _count(page) == "1"
    assert _kept(page) == str(first.uuid)
    assert page.url.endswith(sector) and _same_document(page)
    axe(page)

    page.goto(_page_of(second, lang))
    _mark(page)
    add = page.locator(".service-page .add-to-list a")
    add.click()
    assert _count(page) == "2"
    assert _kept(page) == _ids(first, second)
    list_url = _in(lang, "resources:my-list")
    header = page.locator(".my-list-link a")
    assert header.get_attribute("href") == f"{list_url}?ids={_ids(first, second)}"
    # Removed, then added again, on the page itself.
    page.locator(".service-page button.list-remove").click()
    assert _count(page) == "1" and _kept(page) == str(first.uuid)
    assert add.is_visible() and _focused(add)
    assert second.name in _said(page)
    add.click()
    assert _count(page) == "2" and _same_document(page)

    # The list is kept across pages: the sector page shows its card as added.
    page.goto(sector)
    assert page.locator(f'.result[data-service-id="{second.uuid}"] .list-added').is_visible()
    header.click()
    page.wait_for_url(f"**{list_url}?ids={_ids(first, second)}")
    assert _listed(page) == [str(first.uuid), str(second.uuid)]


@pytest.mark.parametrize(("device", "lang"), SAMPLE)
def test_the_list_page_reads_the_browser_and_reorders_in_place(
    two_services, new_page, device, lang
):
    first, second = two_services
    page = new_page(**DEVICES[device])
    page.goto(_page_of(first, lang))
    page.locator(".add-to-list a").click()
    page.goto(_page_of(second, lang))
    page.locator(".add-to-list a").click()
    page.goto(f"/{lang}/")
    list_url = _in(lang, "resources:my-list")

    # Opened without ids (a bookmark, the offline page), it shows the list this browser keeps
    # and the address holds it again.
    page.goto(list_url)
    wait_until(page, f"location.search === '?ids={_ids(first, second)}'")
    assert _listed(page) == [str(first.uuid), str(second.uuid)]
    _mark(page)
    note = page.locator("#list-note")
    note.fill("Apporter une preuve d'adresse.")

    up = page.locator(f'[data-service-id="{second.uuid}"] [data-list-action="up"]')
    assert up.evaluate("element => element.tagName") == "BUTTON"
    up.focus()
    page.keyboard.press("Enter")
    wait_until(page, f"location.search === '?ids={_ids(second, first)}'")
    assert _listed(page) == [str(second.uuid), str(first.uuid)]
    # At the top it cannot go up: the focus stays on the same service, on "down".
    assert _focused(page.locator(f'[data-service-id="{second.uuid}"] [data-list-action="down"]'))
    assert second.name in _said(page)
    assert _kept(page) == _ids(second, first)
    assert page.locator("#share-link").input_value().endswith(f"?ids={_ids(second, first)}")
    assert note.input_value() == "Apporter une preuve d'adresse."
    assert _same_document(page)

    page.locator(f'[data-service-id="{first.uuid}"] [data-list-action="remove"]').click()
    wait_until(page, f"location.search === '?ids={second.uuid}'")
    assert _listed(page) == [str(second.uuid)]
    assert _focused(page.locator(f'[data-service-id="{second.uuid}"] [data-list-action="remove"]'))
    assert _count(page) == "1" and _kept(page) == str(second.uuid)

    page.goto(f"/{lang}/")
    page.goto(list_url)
    wait_until(page, f"location.search === '?ids={second.uuid}'")
    assert _listed(page) == [str(second.uuid)]

    _mark(page)
    page.locator("[data-list-clear]").click()
    wait_until(page, "location.search === ''")
    assert page.locator(".list-empty").is_visible()
    assert _kept(page) is None and _count(page) is None
    assert _focused(page.locator("h1")) and _same_document(page)


def test_a_shared_link_opens_the_same_list_on_another_device(two_services, new_page):
    first, second = two_services
    page = new_page(**DEVICES["desktop"], permissions=["clipboard-read", "clipboard-write"])
    # Headless Chromium on Linux has no Web Share: stand in for the phone's share sheet.
    page.add_init_script("navigator.share = (data) => Promise.resolve((window.shared = data))")
    page.goto(f"/fr/ma-liste/?ids={_ids(second, first)}")
    assert page.get_by_text("Ce navigateur la garde aussi").is_visible()
    page.get_by_role("textbox", name="Note pour la personne").fill("Madame Exemple, lundi")

    page.get_by_role("button", name="Copier le lien").click()
    wait_until(page, "document.querySelector('body > p[role=status]').textContent !== ''")
    assert _said(page) == "Lien copié."
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.get_by_label("Lien de la liste").input_value()
    assert link.endswith(f"/fr/ma-liste/?ids={_ids(second, first)}")
    page.get_by_role("button", name="Partager…").click()
    shared = page.evaluate("window.shared")
    assert shared["url"] == link
    mail = unquote(page.locator(".list-mailto").get_attribute("href"))
    assert link in mail and first.name in mail and "450 555-0150" in mail
    for sent in (link, json.dumps(shared), mail):
        assert "Madame" not in sent

    other = new_page(**DEVICES["mobile"])
    other.goto(link)
    assert _listed(other) == [str(second.uuid), str(first.uuid)]
    assert _kept(other) == _ids(second, first) and _count(other) == "2"
    assert other.locator("#list-note").input_value() == ""


def test_the_list_prints_as_a_handout_with_the_note_as_text(two_services, new_page):
    first, second = two_services
    page = new_page(**DEVICES["desktop"])
    page.goto(f"/fr/ma-liste/?ids={_ids(first, second)}")
    assert page.get_by_role("button", name="Imprimer la liste").is_visible()
    assert not page.get_by_text("utilisez la commande Imprimer").is_visible()
    note = "Appeler lundi matin, avant 10 h.\nApporter une preuve d'adresse.\nDemander Julie."
    page.get_by_role("textbox", name="Note pour la personne").fill(note)
    page.emulate_media(media="print")
    printed = page.locator(".list-note-print")
    assert printed.is_visible() and printed.inner_text() == note
    assert not page.locator("#list-note").is_visible()
    for hidden in (".site-header", ".list-share", ".list-clear", ".clear-offline"):
        assert not page.locator(hidden).is_visible(), hidden
    assert not page.locator(".list-actions").first.is_visible()
    assert page.locator(".printed-on").is_visible() and page.locator(".list-helpline").is_visible()
    assert "450 555-0124" in page.locator(".list-items").inner_text()
    picture = page.screenshot(full_page=True)
    assert picture.startswith(b"\x89PNG")
    if os.environ.get("KEEP_SCREENSHOTS"):
        (SCREENSHOTS / "ma-liste-print.png").write_bytes(picture)

    phone = new_page(**DEVICES["mobile"])
    phone.set_viewport_size({"width": 360, "height": 780})
    phone.goto(f"/fr/ma-liste/?ids={_ids(first, second)}")
    # Nothing wider than the phone's screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    if os.environ.get("KEEP_SCREENSHOTS"):
        phone.screenshot(path=SCREENSHOTS / "list-360-fr.png", full_page=True)


def test_clearing_the_device_and_the_quick_exit_empty_the_list(two_services, new_page):
    first, _second = two_services
    page = new_page(**DEVICES["desktop"])
    page.goto(f"/fr/ma-liste/?ids={first.uuid}")
    assert _kept(page) == str(first.uuid)
    page.goto("/fr/confidentialite/")
    assert _count(page) == "1"
    page.get_by_role("button", name="Tout effacer de cet appareil").click()
    wait_until(page, "document.querySelector('.clear-offline-status').textContent !== ''")
    assert _kept(page) is None and _count(page) is None

    shelter = make_service(
        sectors=["domestic-violence"], slug="refuge-exemple", name_fr="Refuge Exemple"
    )
    page.context.route(
        f"{EXIT_URL}**", lambda route: route.fulfill(content_type="text/html", body="<p>Météo</p>")
    )
    page.goto(shelter.get_absolute_url())
    page.locator(".add-to-list a").click()
    assert _kept(page) == str(shelter.uuid)
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)
    other = page.context.new_page()
    other.goto("/fr/ma-liste/")
    assert other.locator(".list-empty").is_visible() and _kept(other) is None


@pytest.mark.parametrize("filled", [True, False])
def test_the_list_page_has_no_accessibility_violations(two_services, device_page, axe, filled):
    first, second = two_services
    query = f"?ids={first.uuid},{second.uuid}" if filled else ""
    response = device_page.goto(f"/fr/ma-liste/{query}")
    assert response.status == 200
    if filled:
        device_page.locator("#list-note").fill("Appeler lundi.")
    axe(device_page)
