"""A small directory with every kind of record HSDS carries, in both languages."""

import datetime

import pytest

from resources.models import Language, ScheduleClosure, ServiceAtLocation
from tests.factories import (
    locate,
    make_location,
    make_organization,
    make_phone,
    make_schedule,
    make_service,
)

SECRET_STREET = "77, rue du Refuge-Secret"
SECRET_POSTCODE = "J5Z 9Z9"


@pytest.fixture
def directory(db):
    org = make_organization(
        name_fr="Maison d'entraide",
        name_en="Mutual Aid House",
        description_fr="Organisme fictif d'entraide.",
        description_en="Fictional mutual aid organization.",
        website="https://entraide.example.org",
        email="info@example.org",
        year_incorporated=1987,
    )
    make_phone(organization=org, number="450 555-0101", description_fr="Accueil")
    food = make_service(
        organization=org,
        sectors=["food", "food-banks"],
        municipalities=["repentigny", "charlemagne"],
        name_fr="Dépannage alimentaire",
        name_en="Emergency food",
        description_fr="Paniers d'épicerie.",
        alert_en="Closed for renovations",
        is_free=True,
        minimum_age=18,
        assured_date=datetime.date(2026, 3, 1),
        assurer="Équipe 211",
        required_documents_fr="Preuve de résidence",
    )
    food.languages.set(Language.objects.filter(code__in=["fra", "eng"]))
    make_phone(service=food, number="450 555-0102", extension="12")
    schedule = make_schedule(
        [(0, "09:00", "12:00"), (1, "09:00", "12:00"), (2, "13:00", "16:30")],
        service=food,
        description_fr="Sur rendez-vous",
    )
    ScheduleClosure.objects.create(
        schedule=schedule,
        start_date=datetime.date(2026, 12, 20),
        end_date=datetime.date(2027, 1, 5),
        reason_fr="Vacances",
    )
    place = locate(food, name_fr="Comptoir", transportation_fr="Autobus 5")
    place.accessibility_fr = "Rampe à l'entrée"
    place.wheelchair_accessible = True
    place.save()
    shelter_org = make_organization(name_fr="Maison d'hébergement fictive")
    shelter = make_service(organization=shelter_org, sectors=["food"], scope="mrc")
    hidden = make_location(
        shelter_org,
        place="l-assomption",
        name_fr="Hébergement",
        address_1=SECRET_STREET,
        postal_code=SECRET_POSTCODE,
        latitude=45.8234,
        longitude=-73.4321,
        transportation_fr="Près du dépanneur",
        is_confidential=True,
    )
    ServiceAtLocation.objects.create(service=shelter, location=hidden)
    hidden.address_1 = SECRET_STREET + " (porte arrière)"
    hidden.save()
    make_schedule(
        [(d, "00:00", "00:00") for d in range(7)], service=shelter, closed_on_holidays=False
    )
    return {"organization": org, "food": food, "shelter": shelter, "hidden": hidden}
