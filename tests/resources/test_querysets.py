"""The directory's read filters (resources/querysets.py), each on data that tells it apart."""

import datetime

import pytest

from resources.models import Language, Organization, Sector, Service
from tests.factories import locate, make_organization, make_service, municipality

pytestmark = pytest.mark.django_db


def names(queryset):
    return {service.name for service in queryset}


def test_active_keeps_active_and_temporarily_closed_services_of_active_organizations():
    make_service(name_fr="Actif")
    make_service(name_fr="Fermé temporairement", status="temporarily closed")
    make_service(name_fr="Inactif", status="inactive")
    make_service(name_fr="Fermé", status="defunct")
    make_service(name_fr="Organisme inactif", organization=make_organization(is_active=False))
    assert names(Service.objects.active()) == {"Actif", "Fermé temporairement"}


def test_active_organizations():
    make_organization(name_fr="Ouvert")
    make_organization(name_fr="Dissous", is_active=False)
    assert {o.name for o in Organization.objects.active()} == {"Ouvert"}


def test_in_sector_includes_subsectors_once():
    food = Sector.objects.get(slug="food")
    make_service(name_fr="Banque", sectors=["food-banks"])
    make_service(name_fr="Les deux", sectors=["food", "meals", "collective-kitchens"])
    make_service(name_fr="Autre secteur", sectors=["housing"])
    in_food = Service.objects.in_sector(food)
    assert names(in_food) == {"Banque", "Les deux"}
    assert in_food.count() == 2
    assert names(Service.objects.in_sector(Sector.objects.get(slug="meals"))) == {"Les deux"}


def test_serving_by_listed_municipalities():
    make_service(name_fr="Repentigny", municipalities=["repentigny", "charlemagne"])
    make_service(name_fr="L'Assomption", municipalities=["l-assomption"])
    make_service(name_fr="Sans territoire")
    assert names(Service.objects.serving(municipality("charlemagne"))) == {"Repentigny"}
    assert names(Service.objects.serving(municipality("l-assomption"))) == {"L'Assomption"}


def test_joliette_only_local_service_does_not_serve_repentigny():
    make_service(name_fr="Joliette seulement", scope="local", municipalities=["joliette"])
    assert names(Service.objects.serving(municipality("repentigny"))) == set()
    assert names(Service.objects.serving(municipality("joliette"))) == {"Joliette seulement"}


def test_serving_by_scope():
    make_service(name_fr="MRC", scope="mrc")
    make_service(name_fr="Région", scope="region")
    make_service(name_fr="Grand Montréal", scope="metro")
    make_service(name_fr="Québec", scope="province")
    serving = {slug: names(Service.objects.serving(municipality(slug))) for slug in PLACES}
    assert serving == PLACES


PLACES = {
    # In the MRC, the region and the metropolitan community.
    "repentigny": {"MRC", "Région", "Grand Montréal", "Québec"},
    # Lanaudière, another MRC, outside the metropolitan community.
    "joliette": {"Région", "Québec"},
    # Another MRC, in the metropolitan community.
    "terrebonne": {"Région", "Grand Montréal", "Québec"},
    # Another region, in the metropolitan community.
    "laval": {"Grand Montréal", "Québec"},
}


def test_serving_lists_a_service_once_when_several_areas_cover_the_place():
    service = make_service(name_fr="Partout", scope="mrc")
    service.service_areas.create(scope="province")
    service.service_areas.create(scope="local").municipalities.add(municipality("repentigny"))
    assert Service.objects.serving(municipality("repentigny")).count() == 1


def test_free():
    make_service(name_fr="Gratuit", is_free=True)
    make_service(name_fr="Payant")
    assert names(Service.objects.free()) == {"Gratuit"}


def test_for_age_respects_both_bounds_and_open_ends():
    make_service(name_fr="Ados", minimum_age=12, maximum_age=17)
    make_service(name_fr="Aînés", minimum_age=65)
    make_service(name_fr="Enfants", maximum_age=11)
    make_service(name_fr="Tous")
    assert names(Service.objects.for_age(12)) == {"Ados", "Tous"}
    assert names(Service.objects.for_age(17)) == {"Ados", "Tous"}
    assert names(Service.objects.for_age(11)) == {"Enfants", "Tous"}
    assert names(Service.objects.for_age(70)) == {"Aînés", "Tous"}


def test_offered_in_a_language():
    french, english = Language.objects.get(code="fra"), Language.objects.get(code="eng")
    make_service(name_fr="Bilingue").languages.set([french, english])
    make_service(name_fr="Français").languages.set([french])
    make_service(name_fr="Non précisé")
    assert names(Service.objects.offered_in("eng")) == {"Bilingue"}
    assert names(Service.objects.offered_in("fra")) == {"Bilingue", "Français"}
    assert Service.objects.offered_in("fra").count() == 2


def test_wheelchair_accessible_needs_an_accessible_location():
    accessible = make_service(name_fr="Accessible")
    locate(accessible, wheelchair_accessible=False)
    locate(accessible, wheelchair_accessible=True)
    locate(accessible, wheelchair_accessible=True)
    locate(make_service(name_fr="Marches"), wheelchair_accessible=False)
    make_service(name_fr="Sans lieu")
    assert names(Service.objects.wheelchair_accessible()) == {"Accessible"}
    assert Service.objects.wheelchair_accessible().count() == 1


def test_not_verified_since_lists_never_and_long_ago_verified_services():
    today = datetime.date(2026, 11, 27)
    make_service(name_fr="Jamais")
    make_service(name_fr="Il y a 13 mois", assured_date=datetime.date(2025, 10, 20))
    make_service(name_fr="Il y a 11 mois", assured_date=datetime.date(2025, 12, 27))
    make_service(name_fr="Hier", assured_date=datetime.date(2026, 11, 26))
    assert names(Service.objects.not_verified_since(12, today=today)) == {
        "Jamais",
        "Il y a 13 mois",
    }
    assert names(Service.objects.not_verified_since(6, today=today)) == {
        "Jamais",
        "Il y a 13 mois",
        "Il y a 11 mois",
    }


def test_verified_within_is_the_complement_of_not_verified_since():
    today = datetime.date(2026, 11, 27)
    for days in (0, 100, 200, 364, 366, 400):
        make_service(assured_date=today - datetime.timedelta(days=days))
    make_service()
    recent = set(Service.objects.verified_within(12, today=today))
    queue = set(Service.objects.not_verified_since(12, today=today))
    assert recent.isdisjoint(queue)
    assert recent | queue == set(Service.objects.all())
    assert len(recent) == 4
