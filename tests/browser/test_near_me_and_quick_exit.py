""" "Près de moi" (the browser's position, on a tap only) and the quick exit of the violence
pages, in a real browser (static/js/near-exit.js)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import DEVICES, wait_until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SEARCH = {"fr": "/fr/recherche/", "en": "/en/search/"}
VIOLENCE = {"fr": "/fr/secteurs/violence/", "en": "/en/sectors/violence/"}
NEAR_ME = {"fr": "Près de moi", "en": "Near me"}
EXIT_URL = "https://meteo.gc.ca/"
FAILED = {
    "fr": "Position non disponible : écrivez votre code postal ou votre municipalité.",
    "en": "Position not available: type your postal code or your municipality.",
}
# An exact position: what reaches the server is rounded to 3 decimals.
HERE = {"latitude": 45.742183, "longitude": -73.450794}


def near_me(page):
    return page.locator("button[data-near-me]")


def neutral_page(page):
    """The quick exit's page, answered by the test (the browser is offline)."""
    page.context.route(
        f"{EXIT_URL}**", lambda route: route.fulfill(content_type="text/html", body="<p>Météo</p>")
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_near_me_searches_with_the_rounded_position_keeping_the_need(directory, new_page, lang):
    page = new_page(**DEVICES["mobile"], permissions=["geolocation"], geolocation=HERE)
    page.goto(f"/{lang}/")
    button = near_me(page)
    assert button.is_visible()
    page.fill("#q", "banque alimentaire")
    button.click()
    page.wait_for_url(re.compile(re.escape(SEARCH[lang]) + r"\?"))
    params = parse_qs(urlsplit(page.url).query)
    assert params == {"q": ["banque alimentaire"], "lat": ["45.742"], "lon": ["-73.451"]}
    assert page.locator(f'[data-service-id="{directory["service"].uuid}"]').is_visible()


def test_near_me_on_the_results_page_keeps_the_filters_and_drops_the_place(directory, new_page):
    page = new_page(**DEVICES["desktop"], permissions=["geolocation"], geolocation=HERE)
    page.goto(f"{SEARCH['fr']}?q=alimentaire&place=Repentigny&open_now=on&sector=food")
    near_me(page).click()
    page.wait_for_url(re.compile(r"lat="))
    params = parse_qs(urlsplit(page.url).query)
    assert params == {  # empty fields (sort) left out
        "q": ["alimentaire"],
        "open_now": ["on"],
        "sector": ["food"],
        "lat": ["45.742"],
        "lon": ["-73.451"],
    }


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_refused_position_says_so_and_puts_the_focus_in_the_place_field(
    directory, mobile_page, lang
):
    page = mobile_page  # no geolocation permission: the browser refuses
    page.goto(SEARCH[lang] + "?q=aide")
    near_me(page).click()
    status = page.locator("#near-me-status")
    # Not has_text="Position": it matches any case, so "Recherche de votre position…" too.
    status.filter(has_text=FAILED[lang]).wait_for()
    assert status.get_attribute("role") == "status"
    assert status.inner_text() == FAILED[lang]
    wait_until(page, "document.activeElement.id === 'id_place'")
    assert "near-me-status" in page.locator("#id_place").get_attribute("aria-describedby")
    assert urlsplit(page.url).path == SEARCH[lang]  # no search ran


def test_without_javascript_there_is_no_near_me_button_but_the_place_field(directory, new_page):
    page = new_page(java_script_enabled=False, locale="fr-CA")
    page.goto("/fr/")
    assert near_me(page).count() == 1
    assert not near_me(page).is_visible()
    page.fill("#id_place", "J6A")
    page.fill("#q", "banque alimentaire")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(re.compile(r"/fr/recherche/\?"))
    assert parse_qs(urlsplit(page.url).query)["place"] == ["J6A"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_quick_exit_by_click_leaves_and_back_does_not_return(directory, mobile_page, lang):
    page = mobile_page
    neutral_page(page)
    page.goto(f"/{lang}/")
    page.goto(VIOLENCE[lang])
    exit_link = page.locator("a.quick-exit")
    assert exit_link.is_visible()
    exit_link.click()
    page.wait_for_url(EXIT_URL)
    page.go_back()
    assert urlsplit(page.url).path == f"/{lang}/"  # the page before, not the violence page


def test_quick_exit_by_escape_leaves_and_back_does_not_return(directory, desktop_page):
    page = desktop_page
    neutral_page(page)
    page.goto("/fr/")
    page.goto(VIOLENCE["fr"])
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)
    page.go_back()
    assert urlsplit(page.url).path == "/fr/"


def test_escape_in_a_field_keeps_its_own_use(directory, desktop_page):
    page = desktop_page
    neutral_page(page)
    page.goto(SEARCH["fr"] + "?sector=domestic-violence")
    assert page.locator("a.quick-exit").is_visible()
    page.fill("#id_q", "refuge")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert urlsplit(page.url).path == SEARCH["fr"]
    page.locator("h1").click()  # out of the field, Escape leaves
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)


def test_the_quick_exit_stays_in_view_and_does_not_hide_the_page_end(directory, mobile_page):
    page = mobile_page
    page.goto(VIOLENCE["fr"])
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    box = page.locator("a.quick-exit").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 740 and box["height"] >= 24
    last_line = page.locator(".site-footer > p").last.bounding_box()
    assert last_line["y"] + last_line["height"] <= box["y"]


@pytest.mark.browser_matrix
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_home_and_violence_pages_have_no_accessibility_violations(
    directory, device_page, axe, lang
):
    device_page.goto(f"/{lang}/")
    assert near_me(device_page).is_visible()
    axe(device_page)
    device_page.goto(VIOLENCE[lang])
    assert device_page.locator("a.quick-exit").is_visible()
    axe(device_page)
