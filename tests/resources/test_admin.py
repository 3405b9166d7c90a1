"""The staff admin: every page answers, translation tabs, the "mark verified" action, filters, and
changelists whose number of queries does not grow with the rows."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from resources.models import (
    Attribute,
    CorrectionRequest,
    CostOption,
    Location,
    MunicipalityAlias,
    OpeningPeriod,
    Organization,
    Phone,
    ProposedChange,
    Schedule,
    ScheduleClosure,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    VerificationRequest,
)
from tests.factories import locate, make_organization, make_phone, make_schedule, make_service

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "resources"),
    key=lambda model: model._meta.model_name,
)
INLINE_ONLY = {OpeningPeriod, ScheduleClosure, MunicipalityAlias, CostOption}
# Shown on the page of the record it describes (a service's feed attributes), not apart.
SHOWN_INSIDE = {Attribute}
# What an import keeps as a feed gave it: staff read it, never add or change it.
READ_ONLY = {Taxonomy, TaxonomyTerm}
# Staff queues: what the admin shows and acts on, never adds (resources/admin_verification.py).
QUEUES = {VerificationRequest, ProposedChange}
# What the public sends (resources/corrections.py): staff handle it, never add it.
NO_ADD = READ_ONLY | QUEUES | {CorrectionRequest}


def admin_url(model, view, *args):
    return reverse(f"admin:resources_{model._meta.model_name}_{view}", args=args)


def make_listing(sectors=("food",)):
    """A service with everything the admin shows around it: location, phones, area, schedule."""
    service = make_service(sectors=sectors, municipalities=["repentigny"])
    location = locate(service)
    make_phone(service=service)
    make_phone(location=location)
    make_phone(organization=service.organization)
    schedule = make_schedule([(0, "09:00", "17:00")], service=service)
    ScheduleClosure.objects.create(
        schedule=schedule,
        start_date=datetime.date(2026, 12, 24),
        end_date=datetime.date(2027, 1, 2),
        reason_fr="Vacances des Fêtes",
    )
    Schedule.objects.create(location=location, description_fr="Sur rendez-vous")
    taxonomy = Taxonomy.objects.create(name="Taxonomie d'un flux", version="2")
    term = TaxonomyTerm.objects.create(taxonomy=taxonomy, code="ALIM-01", name="Aide alimentaire")
    Attribute.objects.create(
        taxonomy_term=term,
        link_entity="service",
        link_id=service.uuid,
        link_type="service_type",
        value="Paniers",
    )
    CorrectionRequest.objects.create(service=service, kinds=["phone"], text="Mauvais numéro")
    request = VerificationRequest.objects.create(
        organization=service.organization, email="info@example.org", expires=timezone.now()
    )
    ProposedChange.objects.create(
        request=request, record=service, field="name_en", proposed_value="Food bank"
    )
    return service


@pytest.fixture
def listing():
    return make_listing()


def test_every_model_of_the_directory_is_in_the_admin_or_inlined():
    from django.apps import apps

    models = set(apps.get_app_config("resources").get_models())
    historical = {m for m in models if m.__name__.startswith("Historical")}
    assert models - historical - INLINE_ONLY - SHOWN_INSIDE == set(REGISTERED)


def views(model):
    return ["changelist", "change"] if model in NO_ADD else ["changelist", "add", "change"]


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.model_name)
def test_admin_pages_answer_for_a_superuser(admin_client, listing, model):
    obj = model.objects.first()
    assert obj is not None
    for view in views(model):
        url = admin_url(model, view, obj.pk) if view == "change" else admin_url(model, view)
        assert admin_client.get(url).status_code == 200, url


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.model_name)
def test_admin_pages_send_an_anonymous_visitor_to_login(client, listing, model):
    obj = model.objects.first()
    for url in (
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "model", [Organization, Service, Location, Phone, Schedule], ids=lambda m: m.__name__
)
def test_change_history_page_lists_the_records_versions(admin_client, listing, model):
    obj = model.objects.first()
    response = admin_client.get(admin_url(model, "history", obj.pk))
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == list(obj.history.all())
    assert len(response.context["page_obj"]) >= 1
    version = obj.history.last()
    url = admin_url(model, "simple_history", obj.pk, version.history_id)
    assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize("model", sorted(READ_ONLY, key=str), ids=lambda m: m.__name__)
def test_a_feeds_taxonomy_is_read_only(admin_client, listing, model):
    obj = model.objects.first()
    assert admin_client.get(admin_url(model, "add")).status_code == 403
    page = admin_client.get(admin_url(model, "change", obj.pk))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert admin_client.post(admin_url(model, "change", obj.pk), {"name": "x"}).status_code == 403
    obj.refresh_from_db()
    assert obj.name != "x"


def test_a_service_page_shows_its_feed_attributes(admin_client, listing):
    html = admin_client.get(admin_url(Service, "change", listing.pk)).content.decode()
    assert "ALIM-01 Aide alimentaire" in html and "Taxonomie d&#x27;un flux" in html
    assert "service_type" in html and "Paniers" in html
    terms = admin_client.get(admin_url(TaxonomyTerm, "changelist")).content.decode()
    assert "Aide alimentaire" in terms


def test_service_form_has_a_tab_per_language_for_translated_fields(admin_client, listing):
    response = admin_client.get(admin_url(Service, "change", listing.pk))
    form = response.context["adminform"].form
    for field in ("name_fr", "name_en", "description_fr", "description_en", "alert_en"):
        assert field in form.fields
    html = response.content.decode()
    assert 'name="name_fr"' in html and 'name="name_en"' in html
    assert "modeltranslation/js/tabbed_translation_fields.js" in html
    assert "js/vendor/jquery-ui/jquery-ui.min.js" in html


def test_admin_pages_request_no_third_party_resource(admin_client, listing):
    for url in (admin_url(Service, "change", listing.pk), admin_url(Location, "add")):
        html = admin_client.get(url).content.decode()
        sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
        assert sources
        assert [s for s in sources if s.startswith(("http:", "https:", "//"))] == []


def test_mark_verified_stamps_today_and_the_staff_members_name(client, django_user_model):
    staff = django_user_model.objects.create_superuser(
        "conseillere", "conseillere@example.org", None, first_name="Julie", last_name="Fortin"
    )
    client.force_login(staff)
    checked, left = make_service(), make_service(assured_date=datetime.date(2020, 1, 1))
    response = client.post(
        admin_url(Service, "changelist"),
        {"action": "mark_verified", "_selected_action": [checked.pk]},
        follow=True,
    )
    checked.refresh_from_db()
    left.refresh_from_db()
    assert (checked.assured_date, checked.assurer) == (timezone.localdate(), "Julie Fortin")
    assert left.assured_date == datetime.date(2020, 1, 1)
    assert "1 service marqué comme vérifié" in response.content.decode()
    assert checked.history.first().assurer == "Julie Fortin"


def test_mark_verified_on_organizations_marks_all_their_services(admin_client):
    organization = make_organization()
    services = [make_service(organization=organization) for _ in range(2)]
    other = make_service()
    admin_client.post(
        admin_url(Organization, "changelist"),
        {"action": "mark_verified", "_selected_action": [organization.pk]},
    )
    for service in services:
        service.refresh_from_db()
        assert service.assured_date == timezone.localdate()
        assert service.assurer == settings.DIRECTORY_NAME  # the account has no full name
    other.refresh_from_db()
    assert other.assured_date is None


def listed_names(admin_client, model, **params):
    response = admin_client.get(admin_url(model, "changelist"), params)
    assert response.status_code == 200
    return {str(obj) for obj in response.context["cl"].queryset}


def test_verification_age_filter_sorts_services_by_age(admin_client):
    today = timezone.localdate()
    for name, days in (("Récent", 30), ("Moyen", 270), ("Ancien", 500)):
        make_service(name_fr=name, assured_date=today - datetime.timedelta(days=days))
    make_service(name_fr="Jamais")
    assert listed_names(admin_client, Service, verified="recent") == {"Récent"}
    assert listed_names(admin_client, Service, verified="aging") == {"Moyen"}
    assert listed_names(admin_client, Service, verified="stale") == {"Ancien"}
    assert listed_names(admin_client, Service, verified="never") == {"Jamais"}


def test_sector_filter_keeps_services_of_subsectors(admin_client):
    make_service(name_fr="Banque", sectors=["food-banks"])
    make_service(name_fr="Cuisine", sectors=["collective-kitchens"])
    make_service(name_fr="Ailleurs", sectors=[])
    assert listed_names(admin_client, Service, sector="food") == {"Banque", "Cuisine"}
    assert listed_names(admin_client, Service, sector="food-banks") == {"Banque"}
    assert listed_names(admin_client, Service, sector="no-such-sector") == set()


def test_municipality_filter_finds_services_by_location_or_area(admin_client):
    located = make_service(name_fr="Sur place")
    locate(located, place="charlemagne")
    make_service(name_fr="Desservi", municipalities=["charlemagne"])
    make_service(name_fr="Ailleurs", municipalities=["repentigny"])
    assert listed_names(admin_client, Service, municipality="charlemagne") == {
        "Sur place",
        "Desservi",
    }


def test_status_filter_and_search(admin_client):
    make_service(name_fr="Friperie solidaire", status="temporarily closed")
    make_service(name_fr="Comptoir alimentaire")
    assert listed_names(admin_client, Service, status="temporarily closed") == {
        "Friperie solidaire"
    }
    assert listed_names(admin_client, Service, q="comptoir") == {"Comptoir alimentaire"}


def changelist_queries(admin_client, model):
    admin_client.get(admin_url(model, "changelist"))  # session and permission caches warm
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    return len(queries)


def test_changelist_queries_do_not_grow_with_the_rows(admin_client):
    listed = [Organization, Service, Location, ServiceAtLocation, Phone, ServiceArea, Schedule]
    for _ in range(3):
        make_listing()
    few = {model.__name__: changelist_queries(admin_client, model) for model in listed}
    for _ in range(27):
        make_listing()
    assert all(model.objects.count() >= 30 for model in listed)
    many = {model.__name__: changelist_queries(admin_client, model) for model in listed}
    assert many == few


@pytest.mark.parametrize(
    ("model_name", "field_name", "term", "expected"),
    [
        ("service", "organization", "Comptoir", "Comptoir du Nord"),
        ("service", "sectors", "alimentation", "Alimentation"),
        ("service", "languages", "anglais", "Anglais"),
        ("location", "municipality", "Le Gardeur", "Repentigny"),
        ("location", "municipality", "Epiphanie", "L'Épiphanie"),
    ],
)
def test_autocomplete_finds_related_records(admin_client, model_name, field_name, term, expected):
    make_organization(name_fr="Comptoir du Nord")
    query = {"app_label": "resources", "model_name": model_name, "field_name": field_name}
    response = admin_client.get(reverse("admin:autocomplete"), {**query, "term": term})
    assert response.status_code == 200
    assert expected in [result["text"] for result in response.json()["results"]]


def test_organization_list_shows_its_least_recently_verified_service(admin_client):
    checked = make_organization(name_fr="Vérifié")
    make_service(organization=checked, assured_date=datetime.date(2025, 3, 1))
    make_service(organization=checked, assured_date=datetime.date(2026, 2, 1))
    partly = make_organization(name_fr="En partie")
    make_service(organization=partly, assured_date=datetime.date(2026, 2, 1))
    make_service(organization=partly)
    response = admin_client.get(admin_url(Organization, "changelist"))
    rows = {o.name: o for o in response.context["cl"].result_list}
    model_admin = admin.site._registry[Organization]
    assert model_admin.oldest_verification(rows["Vérifié"]) == datetime.date(2025, 3, 1)
    assert model_admin.oldest_verification(rows["En partie"]) == "jamais"
    assert model_admin.service_count(rows["En partie"]) == 2
