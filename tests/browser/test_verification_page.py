"""An organization's verification page in a real browser (resources/views_verification.py):
no accessibility violation, and a proposal goes through the form, CSRF check included."""

import pytest

from resources import verification
from resources.models import ProposedChange
from tests.factories import locate, make_organization, make_phone, make_service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_organization_proposes_a_change_from_its_page(device_page, axe):
    organization = make_organization(name_fr="Maison Exemple", email="info@example.org")
    service = make_service(organization, name_fr="Hébergement", description_en="Shelter.")
    locate(service, address_1="12, rue Secrète", is_confidential=True)
    make_phone("450 555-0142", organization=organization)
    request = verification.send_request(organization, None, lambda path: path)
    path = verification.page_urls(request, lambda path: path)["fr"]

    device_page.goto(path)
    assert "12, rue Secrète" not in device_page.content()
    axe(device_page)
    device_page.fill(f"#id_service-{service.pk}-description_en", "Shelter for women.")
    device_page.click("text=Envoyer les changements proposés")
    device_page.wait_for_selector("h1:has-text('Merci')")
    change = ProposedChange.objects.get()
    assert (change.field, change.proposed_value) == ("description_en", "Shelter for women.")
