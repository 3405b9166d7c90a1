"""A service area over a whole MRC or region names which one: staff choose it among the
gazetteer's, a code the gazetteer does not have for that scope is refused, and the public pages
name the territory."""

import pytest
from django.urls import reverse

from resources.models import ServiceArea
from tests.factories import make_organization, make_service
from tests.resources.test_admin_forms import management_forms, refused, service_data
from tests.resources.test_public_pages import json_ld

pytestmark = pytest.mark.django_db


def with_area(organization, scope, territory):
    return service_data(
        organization,
        **management_forms("phones", "cost_options", "service_at_locations", "schedules"),
        **management_forms("service_areas", total=1),
        **{"service_areas-0-scope": scope, "service_areas-0-territory_code": territory},
    )


def test_the_territory_is_chosen_among_the_gazetteers_mrcs_and_regions(admin_client):
    html = admin_client.get(reverse("admin:resources_service_add")).content.decode()
    for option in ("Joliette (610)", "L&#x27;Assomption (600)", "Laval (13)", "Lanaudière (14)"):
        assert option in html


@pytest.mark.parametrize(
    ("scope", "territory", "message"),
    [
        ("mrc", "999", "Aucune municipalité du répertoire"),
        ("mrc", "14", "Aucune municipalité du répertoire"),  # a region's code, not an MRC's
        ("region", "610", "Aucune municipalité du répertoire"),
        ("province", "610", "Seules les portées MRC et région"),
    ],
)
def test_a_territory_not_in_the_gazetteer_for_the_scope_is_refused(
    admin_client, scope, territory, message
):
    url = reverse("admin:resources_service_add")
    response = admin_client.post(url, with_area(make_organization(), scope, territory))
    assert message in refused(response)["territory_code"]
    assert not ServiceArea.objects.exists()


@pytest.mark.parametrize(("scope", "territory"), [("mrc", "610"), ("region", "13"), ("mrc", "")])
def test_a_territory_of_the_gazetteer_is_saved(admin_client, scope, territory):
    url = reverse("admin:resources_service_add")
    response = admin_client.post(url, with_area(make_organization(), scope, territory))
    assert response.status_code == 302
    area = ServiceArea.objects.get()
    assert (area.scope, area.territory_code) == (scope, territory)


@pytest.mark.parametrize(
    ("scope", "territory", "name"),
    [
        ("mrc", "610", "MRC de Joliette"),
        ("mrc", "", "MRC de L'Assomption"),
        ("region", "13", "Laval"),
        ("region", "", "Lanaudière"),
    ],
)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_service_page_names_the_territory_served(client, scope, territory, name, language):
    service = make_service()
    ServiceArea.objects.create(service=service, scope=scope, territory_code=territory)
    url = f"/{language}{service.get_absolute_url()[3:]}"
    (data,) = json_ld(client.get(url).content.decode())
    if language == "fr":
        assert data["areaServed"] == [name]
    else:  # English words its MRCs its own way ("Joliette RCM"), with the same name
        assert name.removeprefix("MRC de ") in data["areaServed"][0]
