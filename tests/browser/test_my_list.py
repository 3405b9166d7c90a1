""" "Ma liste" without JavaScript: built by following "Ajouter à ma liste" links, reordered by
plain links, printed with the note typed on the page; no accessibility violation."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.conftest import DEVICES
from tests.factories import locate, make_phone, make_schedule, make_service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The printed list's picture in docs/screenshots/ is refreshed only when asked
# (KEEP_SCREENSHOTS=1): a test run leaves the repository as it found it.
SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "screenshots" / "ma-liste-print.png"


@pytest.fixture
def two_services(directory):
    second = make_service(slug="halte-chaleur", name_fr="Halte-chaleur", sectors=["food-banks"])
    make_phone("450 555-0150", service=second)
    locate(second, address_1="25, rue du Refuge", place="charlemagne")
    make_schedule([(day, "18:00", "23:00") for day in range(5)], second)
    return directory["service"], second


def _listed(page):
    return page.locator(".list-item").evaluate_all("items => items.map(i => i.dataset.serviceId)")


def test_a_list_built_reordered_and_printed_without_javascript(two_services, new_page):
    first, second = two_services
    page = new_page(java_script_enabled=False, **DEVICES["desktop"])
    page.goto(first.get_absolute_url())
    page.get_by_role("link", name=f"Ajouter {first.name} à ma liste").click()
    assert page.url.endswith(f"/fr/ma-liste/?ids={first.uuid}")
    # Another page carrying the current list (its `liste` parameter) adds to it.
    page.goto(f"{second.get_absolute_url()}?liste={first.uuid}")
    page.get_by_role("link", name=f"Ajouter {second.name} à ma liste").click()
    assert page.url.endswith(f"/fr/ma-liste/?ids={first.uuid},{second.uuid}")
    assert page.locator(".list-item h2").all_inner_texts() == [first.name, second.name]

    page.get_by_role("link", name=f"Monter {second.name}").click()
    assert page.url.endswith(f"?ids={second.uuid},{first.uuid}")
    assert page.locator(".list-item h2").all_inner_texts() == [second.name, first.name]
    assert page.get_by_label("Lien de la liste").input_value() == page.url

    page.get_by_role("textbox", name="Note pour la personne").fill("Appeler lundi matin.")
    assert "Appeler" not in page.url
    page.emulate_media(media="print")
    assert page.locator(".printed-on").is_visible()
    assert page.locator(".list-helpline").is_visible()
    assert not page.locator(".list-actions").first.is_visible()
    assert not page.locator(".list-share").is_visible()
    assert not page.locator(".site-header").is_visible()
    assert page.locator("#list-note").input_value() == "Appeler lundi matin."
    picture = page.screenshot(full_page=True)
    assert picture.startswith(b"\x89PNG")
    if os.environ.get("KEEP_SCREENSHOTS"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(picture)


@pytest.mark.parametrize("filled", [True, False])
def test_the_list_page_has_no_accessibility_violations(two_services, device_page, axe, filled):
    first, second = two_services
    query = f"?ids={first.uuid},{second.uuid}" if filled else ""
    response = device_page.goto(f"/fr/ma-liste/{query}")
    assert response.status == 200
    axe(device_page)
