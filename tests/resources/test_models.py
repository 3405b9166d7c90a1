"""The database itself refuses bad data, whatever code writes it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from resources.models import (
    Location,
    Municipality,
    OpeningPeriod,
    Phone,
    Schedule,
    ScheduleClosure,
    Sector,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from tests.factories import locate, make_organization, make_schedule, make_service

pytestmark = pytest.mark.django_db


def refused(create, **fields):
    """True when the database rejects the row (the check runs inside its own savepoint)."""
    try:
        with transaction.atomic():
            create(**fields)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    "coordinates",
    [
        {"latitude": 91, "longitude": -73.4},
        {"latitude": -90.5, "longitude": -73.4},
        {"latitude": 45.7, "longitude": 180.1},
        {"latitude": 45.7, "longitude": -181},
        {"latitude": 45.7, "longitude": None},
        {"latitude": None, "longitude": -73.4},
    ],
)
def test_location_coordinates_out_of_range_or_half_set_are_refused(coordinates):
    organization = make_organization()
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.create(organization=organization, **coordinates)


def test_location_with_both_or_no_coordinates_is_accepted():
    organization = make_organization()
    Location.objects.create(organization=organization, latitude=90, longitude=-180)
    Location.objects.create(organization=organization, latitude=None, longitude=None)
    assert Location.objects.count() == 2


def test_municipality_coordinates_out_of_range_are_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        Municipality.objects.create(
            slug="nulle-part", name_fr="Nulle part", latitude=95, longitude=0
        )


def test_minimum_age_above_maximum_age_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_service(minimum_age=18, maximum_age=12)


def test_equal_minimum_and_maximum_ages_are_accepted():
    assert make_service(minimum_age=12, maximum_age=12).pk


def test_implausible_maximum_age_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_service(maximum_age=200)


def test_unknown_service_status_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_service(status="maybe")


def test_unknown_service_area_scope_is_refused():
    service = make_service()
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceArea.objects.create(service=service, scope="planet")


def test_phone_without_owner_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        Phone.objects.create(number="450 555-0101")


def test_phone_of_a_service_is_accepted():
    assert Phone.objects.create(number="450 555-0101", service=make_service()).pk


def test_schedule_needs_exactly_one_owner():
    service = make_service()
    location = locate(service)
    service_at_location = ServiceAtLocation.objects.get(service=service)
    assert refused(Schedule.objects.create)
    assert refused(Schedule.objects.create, service=service, location=location)
    assert refused(
        Schedule.objects.create, location=location, service_at_location=service_at_location
    )
    assert not refused(Schedule.objects.create, service_at_location=service_at_location)


def test_schedule_valid_to_before_valid_from_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_schedule([], valid_from=datetime.date(2026, 6, 1), valid_to=datetime.date(2026, 5, 31))


def test_closure_ending_before_it_starts_is_refused():
    schedule = make_schedule([])
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduleClosure.objects.create(
            schedule=schedule,
            start_date=datetime.date(2026, 12, 24),
            end_date=datetime.date(2026, 12, 23),
        )


def test_one_day_closure_is_accepted():
    schedule = make_schedule([])
    day = datetime.date(2026, 12, 24)
    assert ScheduleClosure.objects.create(schedule=schedule, start_date=day, end_date=day).pk


def test_weekday_outside_monday_to_sunday_is_refused():
    schedule = make_schedule([])
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningPeriod.objects.create(
            schedule=schedule,
            weekday=7,
            opens_at=datetime.time(9),
            closes_at=datetime.time(17),
        )


def test_same_service_twice_at_one_location_is_refused():
    service = make_service()
    location = locate(service)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceAtLocation.objects.create(service=service, location=location)


@pytest.mark.parametrize(
    "create",
    [
        lambda: make_organization(slug="meme-slug"),
        lambda: make_service(slug="meme-slug"),
        lambda: Sector.objects.create(slug="meme-slug", name_fr="Secteur"),
        lambda: Municipality.objects.create(
            slug="meme-slug", name_fr="Lieu", latitude=45.7, longitude=-73.4
        ),
    ],
    ids=["organization", "service", "sector", "municipality"],
)
def test_slugs_are_unique(create):
    create()
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_sector_cannot_be_its_own_parent():
    sector = Sector.objects.get(slug="food")
    sector.parent_id = sector.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        sector.save()


def test_full_clean_refuses_a_sub_subsector():
    subsector = Sector.objects.get(slug="food-banks")
    deeper = Sector(slug="banques-du-quartier", name_fr="Banques du quartier", parent=subsector)
    with pytest.raises(ValidationError) as error:
        deeper.full_clean()
    assert "parent" in error.value.message_dict


def test_full_clean_accepts_a_subsector():
    food = Sector.objects.get(slug="food")
    subsector = Sector(slug="epiceries-solidaires", name_fr="Épiceries solidaires", parent=food)
    subsector.full_clean()
    subsector.save()
    assert Service.objects.in_sector(food).count() == 0
    assert food.children.filter(slug="epiceries-solidaires").exists()
