"""A service page showing everything (call buttons, links, places, the "À vérifier" notice, other
services) in a real browser: no accessibility violation, large call targets, no sideways scroll."""

import datetime

import pytest
from django.utils import timezone

from resources.models import Language
from tests.factories import locate, make_organization, make_phone, make_service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def full_service():
    organization = make_organization(
        slug="maison-exemple",
        website="https://maison-exemple.example.org/",
        email="accueil@maison-exemple.example.org",
    )
    service = make_service(
        organization,
        slug="aide-complete",
        name_fr="Aide complète",
        eligibility_description_fr="Résider dans la MRC.",
        required_documents_fr="Preuve de résidence.",
        application_process_fr="Téléphonez pour un rendez-vous.",
        is_free=True,
        minimum_age=18,
        assured_date=timezone.localdate() - datetime.timedelta(days=500),
    )
    languages = Language.objects.filter(code__in=["fra", "eng"])
    service.languages.set(languages)
    make_phone("450 555-0190", service=service, description_fr="Accueil").languages.set(languages)
    make_phone("450 555-0191", service=service, type="fax")
    locate(service, transportation_fr="Autobus 9", wheelchair_accessible=True)
    locate(service, place="charlemagne", is_confidential=True)
    make_service(organization, slug="autre-aide", name_fr="Autre aide")
    return service


@pytest.mark.browser_matrix
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_full_service_page_has_no_accessibility_violations(full_service, device_page, axe, lang):
    response = device_page.goto(f"/{lang}/services/aide-complete/")
    assert response.status == 200
    assert device_page.locator("[data-verification=due]").count() == 1
    axe(device_page)


def test_call_buttons_and_directions_are_large_targets_on_a_phone(full_service, mobile_page):
    mobile_page.goto("/fr/services/aide-complete/")
    for selector in (".call", ".directions"):
        box = mobile_page.locator(selector).first.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, selector
    assert mobile_page.locator(".directions").count() == 1  # not for the confidential place


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_full_service_page_needs_no_sideways_scrolling_at_320_pixels(
    full_service, new_page, lang
):
    page = new_page(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    page.goto(f"/{lang}/services/aide-complete/")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
