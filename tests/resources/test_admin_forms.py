"""Bad input in the admin forms: a clear message on the field at fault, nothing saved, never a
500 nor the raw "Constraint … is violated"."""

import datetime

import pytest
from django.urls import reverse

from resources.models import Location, Organization, Phone, Schedule, ScheduleClosure, Service
from tests.factories import locate, make_organization, make_schedule, make_service

pytestmark = pytest.mark.django_db


def management_forms(*prefixes, total=0, initial=0):
    forms = {}
    for prefix in prefixes:
        forms[f"{prefix}-TOTAL_FORMS"] = str(total)
        forms[f"{prefix}-INITIAL_FORMS"] = str(initial)
    return forms


def refused(response):
    """{field: [messages]} of the main form and its inline forms, after checking the page."""
    assert response.status_code == 200
    errors = dict(response.context["adminform"].form.errors)
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            errors.update(form.errors)
    assert errors
    assert "Constraint" not in str(errors)
    return {field: " ".join(messages) for field, messages in errors.items()}


def service_data(organization, **fields):
    data = {
        "organization": organization.pk,
        "name_fr": "Halte-garderie",
        "slug": "halte-garderie",
        "description_fr": "Garde d'enfants.",
        "status": "active",
        **management_forms(
            "phones", "cost_options", "service_areas", "service_at_locations", "schedules"
        ),
    }
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("ages", "message"),
    [
        ({"minimum_age": "18", "maximum_age": "12"}, "inférieur à l'âge minimum"),
        ({"maximum_age": "200"}, "Au plus 130 ans"),
    ],
)
def test_service_form_explains_impossible_ages(admin_client, ages, message):
    url = reverse("admin:resources_service_add")
    response = admin_client.post(url, service_data(make_organization(), **ages))
    assert message in refused(response)["maximum_age"]
    assert not Service.objects.exists()


def test_service_form_saves_sensible_ages(admin_client):
    data = service_data(make_organization(), minimum_age="12", maximum_age="17")
    response = admin_client.post(reverse("admin:resources_service_add"), data)
    assert response.status_code == 302
    assert Service.objects.get().maximum_age == 17


def test_an_oversized_description_is_a_form_error_and_loses_nothing(admin_client):
    """1.2 MB used to be a 500 (PostgreSQL's full-text limit) and the edit was lost: the size
    rule (resources/text_limits.py) refuses it on the form, the typed text shown back."""
    service = make_service(description_fr="Avant.")
    url = reverse("admin:resources_service_change", args=[service.pk])
    text = "Très longue description. " * 50_000
    data = service_data(service.organization, slug=service.slug, description_fr=text)
    errors = refused(admin_client.post(url, data))
    assert "au plus 10000 caractères" in errors["description_fr"]
    service.refresh_from_db()
    assert service.description_fr == "Avant."


@pytest.mark.parametrize(
    ("field", "limit"),
    [("eligibility_description_en", 4000), ("description_en", 10000)],
)
def test_every_long_text_has_its_limit_on_the_form(admin_client, field, limit):
    data = service_data(make_organization(), **{field: "x" * (limit + 1)})
    errors = refused(admin_client.post(reverse("admin:resources_service_add"), data))
    assert f"au plus {limit} caractères" in errors[field]
    assert not Service.objects.exists()
    data[field] = "x" * limit
    assert admin_client.post(reverse("admin:resources_service_add"), data).status_code == 302


@pytest.mark.parametrize(
    ("coordinates", "field", "message"),
    [
        ({"latitude": "45.74"}, "longitude", "ou aucune des deux"),
        ({"longitude": "-73.45"}, "latitude", "ou aucune des deux"),
        ({"latitude": "95", "longitude": "-73.45"}, "latitude", "de -90 à 90"),
        ({"latitude": "45.74", "longitude": "-273"}, "longitude", "de -180 à 180"),
    ],
)
def test_location_form_explains_bad_coordinates(admin_client, coordinates, field, message):
    data = {
        "organization": make_organization().pk,
        "location_type": "physical",
        **coordinates,
        **management_forms("phones", "schedules"),
    }
    response = admin_client.post(reverse("admin:resources_location_add"), data)
    assert message in refused(response)[field]
    assert not Location.objects.exists()


def test_location_coordinates_typed_by_hand_are_saved(admin_client):
    data = {
        "organization": make_organization().pk,
        "location_type": "physical",
        "name_fr": "Comptoir",
        "latitude": "45.7422",
        "longitude": "-73.4501",
        **management_forms("phones", "schedules"),
    }
    response = admin_client.post(reverse("admin:resources_location_add"), data)
    assert response.status_code == 302
    location = Location.objects.get(name_fr="Comptoir")
    assert (location.latitude, location.longitude) == (45.7422, -73.4501)


def test_phone_form_asks_for_an_owner(admin_client):
    data = {"number": "450 555-0102", "type": "voice", "position": "0"}
    response = admin_client.post(reverse("admin:resources_phone_add"), data)
    assert "organisme, un service ou un lieu" in refused(response)["organization"]
    assert not Phone.objects.exists()


def schedule_data(**fields):
    data = {"closed_on_holidays": "on", **management_forms("periods", "closures")}
    data.update(fields)
    return data


@pytest.mark.parametrize("owners", ["none", "two"])
def test_schedule_form_asks_for_exactly_one_owner(admin_client, owners):
    service = make_service()
    location = locate(service)
    chosen = {} if owners == "none" else {"service": service.pk, "location": location.pk}
    response = admin_client.post(reverse("admin:resources_schedule_add"), schedule_data(**chosen))
    assert "un seul" in refused(response)["service"]
    assert not Schedule.objects.exists()


def test_schedule_form_refuses_validity_ending_before_it_starts(admin_client):
    data = schedule_data(service=make_service().pk, valid_from="2026-09-01", valid_to="2026-06-30")
    response = admin_client.post(reverse("admin:resources_schedule_add"), data)
    assert "précède" in refused(response)["valid_to"]


def test_closure_inline_refuses_an_end_before_the_start(admin_client):
    schedule = make_schedule([(0, "09:00", "17:00")])
    period = schedule.periods.get()
    data = {
        "service": schedule.service_id,
        "closed_on_holidays": "on",
        **management_forms("periods", total=1, initial=1),
        "periods-0-id": period.pk,
        "periods-0-schedule": schedule.pk,
        "periods-0-weekday": "0",
        "periods-0-opens_at": "09:00",
        "periods-0-closes_at": "17:00",
        **management_forms("closures", total=1),
        "closures-0-schedule": schedule.pk,
        "closures-0-start_date": "2026-12-24",
        "closures-0-end_date": "2026-12-20",
    }
    url = reverse("admin:resources_schedule_change", args=[schedule.pk])
    assert "finit avant" in refused(admin_client.post(url, data))["end_date"]
    assert not ScheduleClosure.objects.exists()


def test_closure_inline_saves_a_closure(admin_client):
    schedule = make_schedule([])
    data = {
        "service": schedule.service_id,
        "closed_on_holidays": "on",
        **management_forms("periods"),
        **management_forms("closures", total=1),
        "closures-0-schedule": schedule.pk,
        "closures-0-start_date": "2026-12-24",
        "closures-0-end_date": "2027-01-04",
        "closures-0-reason_fr": "Vacances des Fêtes",
    }
    url = reverse("admin:resources_schedule_change", args=[schedule.pk])
    assert admin_client.post(url, data).status_code == 302
    closure = ScheduleClosure.objects.get()
    assert closure.end_date == datetime.date(2027, 1, 4)


def test_a_website_typed_without_its_scheme_is_taken_as_https(admin_client):
    page = admin_client.get(reverse("admin:resources_organization_add"))
    prefixes = [inline.formset.prefix for inline in page.context["inline_admin_formsets"]]
    data = {
        "name_fr": "Entraide fictive",
        "slug": "entraide-fictive",
        "description_fr": "Organisme fictif.",
        "website": "entraide.example.org",
        "is_active": "on",
        **management_forms(*prefixes),
    }
    response = admin_client.post(reverse("admin:resources_organization_add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert Organization.objects.get(slug="entraide-fictive").website == (
        "https://entraide.example.org"
    )
