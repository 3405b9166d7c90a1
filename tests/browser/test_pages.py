"""The public pages in a real browser: accessibility (axe-core), keyboard, small screens, no JS."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


PAGES = {
    "home": "/{lang}/",
    "sector": "/{lang}/{sectors}/food/",
    "subsector": "/{lang}/{sectors}/food-banks/",
    "municipality": "/{lang}/{municipalities}/repentigny/",
    "organization": "/{lang}/{organizations}/partage-exemple/",
    "service": "/{lang}/services/depannage-alimentaire/",
    "about": "/{lang}/{about}/",
    "privacy": "/{lang}/{privacy}/",
    "accessibility": "/{lang}/{accessibility}/",
}
INFORMATION_PAGES = ["about", "privacy", "accessibility"]
PATH_WORDS = {
    "fr": {"sectors": "secteurs", "municipalities": "municipalites", "organizations": "organismes"},
    "en": {
        "sectors": "sectors",
        "municipalities": "municipalities",
        "organizations": "organizations",
    },
}


def url(page_name, lang):
    # The information pages' words as the catalogue translates them (its English may be new).
    with translation.override(lang):
        words = {name: reverse(name).strip("/").split("/")[-1] for name in INFORMATION_PAGES}
    return PAGES[page_name].format(lang=lang, **PATH_WORDS[lang], **words)


@pytest.mark.browser_matrix
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_home_page_has_no_accessibility_violations(directory, device_page, axe, lang):
    response = device_page.goto(url("home", lang))
    assert response.status == 200
    assert device_page.locator("html").get_attribute("lang") == lang
    axe(device_page)


@pytest.mark.browser_matrix
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("page_name", ["sector", "subsector", "municipality", "organization"])
def test_browsing_pages_have_no_accessibility_violations(
    directory, mobile_page, axe, page_name, lang
):
    response = mobile_page.goto(url(page_name, lang))
    assert response.status == 200
    axe(mobile_page)


@pytest.mark.browser_matrix
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("page_name", INFORMATION_PAGES)
def test_information_pages_have_no_accessibility_violations(
    directory, device_page, axe, page_name, lang
):
    response = device_page.goto(url(page_name, lang))
    assert response.status == 200
    assert device_page.locator("html").get_attribute("lang") == lang
    axe(device_page)


@pytest.mark.browser_matrix
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_service_page_has_no_accessibility_violations(directory, device_page, axe, lang):
    response = device_page.goto(url("service", lang))
    assert response.status == 200
    assert device_page.get_by_role("heading", level=1).inner_text() == "Dépannage alimentaire"
    axe(device_page)


def test_home_page_works_and_searches_without_javascript(directory, new_page):
    page = new_page(java_script_enabled=False, locale="fr-CA")
    page.goto("/fr/")
    assert page.get_by_role("heading", level=1).is_visible()
    page.get_by_role("link", name="Alimentation", exact=True).click()
    # Waits for the sector page to have loaded (a bare URL check passes once the navigation
    # commits, before the page is drawn: it failed once under load).
    page.wait_for_url("**/fr/secteurs/food/")
    assert page.get_by_role("link", name="Dépannage alimentaire", exact=True).is_visible()
    page.goto("/fr/")
    page.get_by_label("Que cherchez-vous ?").fill("banque alimentaire")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Rechercher").click()
    assert navigation.value.ok
    assert "/fr/recherche/?q=banque+alimentaire" in page.url


def test_language_switcher_keeps_the_page_and_the_query(directory, mobile_page):
    mobile_page.goto("/fr/organismes/partage-exemple/")
    mobile_page.get_by_role("link", name="English").click()
    mobile_page.wait_for_load_state()  # the click returns once loading starts
    assert mobile_page.url.endswith("/en/organizations/partage-exemple/")
    assert mobile_page.locator("html").get_attribute("lang") == "en"
    assert mobile_page.get_by_role("heading", level=1).inner_text() == "Example Sharing"
    mobile_page.get_by_role("link", name="Français").click()
    mobile_page.wait_for_load_state()  # the click returns once loading starts
    assert mobile_page.url.endswith("/fr/organismes/partage-exemple/")

    mobile_page.goto("/fr/recherche/?q=banque")
    mobile_page.get_by_role("link", name="English").click()
    mobile_page.wait_for_load_state()  # the click returns once loading starts
    assert mobile_page.url.endswith("/en/search/?q=banque")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_helpline_banner_and_crisis_numbers_are_tap_to_call(directory, mobile_page, lang):
    mobile_page.goto(url("home", lang))
    for number, href in [
        ("2-1-1", "tel:211"),
        ("9-1-1", "tel:911"),
        ("9-8-8", "tel:988"),
        ("8-1-1", "tel:811"),
    ]:
        link = mobile_page.locator(f'a[href="{href}"]')
        assert link.count() == 1, href
        assert link.is_visible()
        assert number in link.inner_text()
    banner = mobile_page.get_by_role("complementary", name="2-1-1")
    assert banner.is_visible()
    assert ("24 h sur 24" if lang == "fr" else "24/7") in banner.inner_text()


def test_keyboard_reaches_the_skip_link_first_and_it_moves_focus_to_main(directory, desktop_page):
    page = desktop_page
    page.goto("/fr/")
    page.keyboard.press("Tab")
    skip_link = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert skip_link.is_visible()
    box = skip_link.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0  # on screen while focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert page.evaluate("document.activeElement.id") == "q"  # the search box comes first


@pytest.mark.browser_matrix
@pytest.mark.parametrize("page_name", ["home", "sector", "organization", "service"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_320_pixel_wide_screen_needs_no_horizontal_scrolling(
    directory, new_page, page_name, lang
):
    page = new_page(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    page.goto(url(page_name, lang))
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
