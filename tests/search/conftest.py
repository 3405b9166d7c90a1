"""Records the search tests share."""

import pytest

from tests.factories import locate, make_organization, make_phone, make_service


@pytest.fixture
def food_bank():
    """A located food bank serving the MRC, with a phone."""
    service = make_service(
        organization=make_organization(name_fr="Organisme d'entraide de Repentigny"),
        name_fr="Banque alimentaire",
        name_en="Food bank",
        description_fr="Épicerie communautaire et dépannage pour les familles.",
        sectors=["food-banks"],
        scope="mrc",
    )
    locate(service)
    make_phone(service=service)
    return service
