"""The search results page in a real browser: accessible with results, without, and on bad input."""

import pytest
from playwright.sync_api import expect

from resources.models import Language
from tests.factories import make_phone, make_service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SEARCH = {"fr": "/fr/recherche/", "en": "/en/search/"}


@pytest.mark.browser_matrix
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_results_page_lists_the_nearest_food_bank_without_accessibility_violations(
    directory,
    device_page,
    axe,
    lang,
):
    response = device_page.goto(f"{SEARCH[lang]}?q=alimentaire&postal_code=J6A")
    assert response.status == 200
    result = device_page.locator(f'[data-service-id="{directory["service"].uuid}"]')
    assert result.is_visible()
    assert result.locator('a[href^="tel:"]').count() == 1
    axe(device_page)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_zero_results_page_offers_the_211_line_without_accessibility_violations(
    directory,
    mobile_page,
    axe,
    lang,
):
    mobile_page.goto(f"{SEARCH[lang]}?q=zzzyyyxxx")
    assert mobile_page.locator("[data-service-id]").count() == 0
    assert mobile_page.locator('main a[href="tel:211"]').count() >= 1
    axe(mobile_page)


def test_bad_coordinates_show_a_message_and_still_search(directory, mobile_page, axe):
    response = mobile_page.goto("/fr/recherche/?q=alimentaire&lat=200&lon=-73.4")
    assert response.status == 200
    assert mobile_page.locator(f'[data-service-id="{directory["service"].uuid}"]').is_visible()
    axe(mobile_page)


def test_results_page_needs_no_horizontal_scrolling_at_320_pixels(directory, new_page):
    page = new_page(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    page.goto("/fr/recherche/?q=alimentaire&postal_code=J6A&open_now=on&free=on")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


@pytest.mark.browser_matrix
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_place_choices_and_more_filters_without_accessibility_violations(
    directory,
    device_page,
    axe,
    lang,
):
    response = device_page.goto(f"{SEARCH[lang]}?q=alimentaire&place=saint&language=eng&age=30")
    assert response.status == 200
    assert device_page.locator(".place-choices a").count() == 3
    assert device_page.locator("details.more-filters[open]").count() == 1
    language = device_page.get_by_role("combobox", name="Langue" if lang == "fr" else "Language")
    assert language.input_value() == "eng"
    device_page.locator(".place-choices a", has_text="Saint-Sulpice").click()
    assert device_page.locator("#id_place").input_value() == "Saint-Sulpice"
    axe(device_page)


def test_the_filters_are_usable_at_360_pixels(directory, mobile_page):
    mobile_page.goto("/fr/recherche/?q=alimentaire&place=saint&free=on")
    overflow = mobile_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    for name in ("open_now", "free", "wheelchair"):
        box = mobile_page.locator(f'label[for="id_{name}"]').bounding_box()
        assert box["height"] >= 44  # a whole label to tap, checkbox and words on one line
        assert box["height"] < 60
    mobile_page.get_by_label("Gratuit").uncheck()
    mobile_page.get_by_label("Code postal ou municipalité").fill("repent")
    mobile_page.get_by_role("button", name="Chercher").click()
    mobile_page.wait_for_load_state()  # the click returns once loading starts
    assert "place=repent" in mobile_page.url and "free=" not in mobile_page.url
    assert mobile_page.locator("#id_place").input_value() == "repent"
    assert "— Repentigny" in mobile_page.locator(".listing-heading").inner_text()


@pytest.mark.browser_matrix
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_crisis_block_and_partial_matches_without_accessibility_violations(
    directory,
    device_page,
    axe,
    lang,
):
    line = make_service(
        sectors=["suicide-prevention"],
        scope="mrc",
        slug="ligne-prevention-exemple",
        name_fr="Ligne de prévention du suicide",
        name_en="Suicide prevention line",
    )
    make_phone("1 800 555-0199", service=line)
    device_page.goto(f"{SEARCH[lang]}?q=je+veux+en+finir&place=repentigny")
    crisis = device_page.locator("[data-crisis]")
    assert crisis.is_visible()
    assert crisis.locator('a[href="tel:911"]').is_visible()
    assert crisis.locator('a[href^="tel:"]').count() == 3  # 9-1-1, 9-8-8 and the line
    axe(device_page)
    device_page.goto(f"{SEARCH[lang]}?q=dépannage+alimentaire+zorglub")
    partial = device_page.locator("[data-results-partial]")
    assert partial.locator(f'[data-service-id="{directory["service"].uuid}"]').is_visible()
    assert "zorglub" not in partial.inner_text()  # the words held, not the others
    axe(device_page)


SECTOR = {"fr": "/fr/secteurs/food/", "en": "/en/sectors/food/"}
CHIP = {"fr": "Anglais", "en": "English"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_sector_page_is_filtered_by_place_language_and_age_without_javascript(
    directory, new_page, axe, lang
):
    english = make_service(
        sectors=["meals"],
        municipalities=["repentigny"],
        name_fr="Popote anglophone",
        minimum_age=65,
    )
    english.languages.set(Language.objects.filter(code="eng"))
    for javascript in (False, True):
        page = new_page(viewport={"width": 360, "height": 780}, java_script_enabled=javascript)
        page.goto(SECTOR[lang])
        assert page.locator("[data-service-id]").count() == 2
        page.locator("#id_place").fill("Repentigny")
        page.locator(".more-filters summary").click()
        page.locator("#id_language").select_option("eng")
        page.locator("#id_age").fill("70")
        page.locator('button[type="submit"]').click()
        # the click returns once the next page starts loading: wait until it has loaded
        page.wait_for_url(lambda url: "age=70" in url)
        assert SECTOR[lang] in page.url and "language=eng" in page.url and "age=70" in page.url
        expect(page.locator("[data-service-id]")).to_have_count(1)
        assert page.locator(f'[data-service-id="{english.uuid}"]').is_visible()
        assert "Repentigny" in page.locator(".listing-heading").inner_text()
        if javascript:  # axe runs in the page
            axe(page)
        page.locator(".chips a", has_text=CHIP[lang]).click()  # drops the language only
        page.wait_for_url(lambda url: "language=" not in url)
        assert "language=" not in page.url and "age=70" in page.url
        assert page.locator("#id_age").input_value() == "70"
