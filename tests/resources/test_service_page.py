"""The service page answers everything: whom to call, where to go and how, what to bring, how
fresh the record is, and what else the organization offers; never a confidential address."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import dateformat, timezone, translation
from django.utils.html import strip_tags

from resources.models import Language, Location, Phone, Service
from resources.querysets import verification_due
from tests.factories import locate, make_organization, make_phone, make_service

pytestmark = pytest.mark.django_db


def page(service, language="fr"):
    with translation.override(language):
        url = service.get_absolute_url()
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def other_services(html):
    start = html.index("data-other-services")
    return html[start : html.index("</section>", start)]


def call_links(html):
    return re.findall(r'<a class="call" href="((?:tel|sms):[^"]+)"', html)


def test_every_phone_is_a_call_button_with_its_description_and_languages():
    service = make_service()
    first = make_phone(service=service, number="450 555-0160", description_fr="Accueil")
    first.languages.set(Language.objects.filter(code__in=["fra", "eng"]))
    make_phone(service=service, number="450 555-0161", extension="22")
    html = page(service)
    assert call_links(html) == ["tel:4505550160", "tel:4505550161;ext=22"]
    assert "Accueil" in html and "Anglais, Français" in html
    english = page(service, "en")
    assert "English, French" in english and "Anglais" not in english


def test_a_texting_line_opens_a_message_and_a_fax_is_no_button():
    service = make_service()
    make_phone(service=service, number="450 555-0170", type=Phone.Type.TEXT)
    make_phone(service=service, number="450 555-0171", type=Phone.Type.FAX)
    html = page(service)
    assert call_links(html) == ["sms:4505550170"]
    assert "450 555-0171" in html and "tel:4505550171" not in html


def test_phones_fall_back_to_the_locations_then_to_the_organization():
    organization = make_organization()
    make_phone(organization=organization, number="450 555-0180")
    service = make_service(organization=organization)
    assert call_links(page(service)) == ["tel:4505550180"]
    make_phone(location=locate(service), number="450 555-0181")
    make_phone(location=locate(service, place="charlemagne"), number="450 555-0182")
    assert sorted(call_links(page(service))) == ["tel:4505550181", "tel:4505550182"]
    make_phone(service=service, number="450 555-0183")
    assert call_links(page(service)) == ["tel:4505550183"]


@override_settings(
    DIRECTIONS_URL="https://maps.example.org/route?to={lat}%2C{lon}",
    DIRECTIONS_SEARCH_URL="https://maps.example.org/find?q={address}",
)
def test_directions_follow_the_settings_point_first_else_the_address():
    service = make_service()
    locate(service, latitude=45.7422, longitude=-73.4501)
    html = page(service)
    assert (
        'class="directions" href="https://maps.example.org/route?to=45.742200%2C-73.450100"' in html
    )
    Location.objects.update(latitude=None, longitude=None, address_1="12, rue de l'Église")
    html = page(service)
    assert (
        'href="https://maps.example.org/find?q=12%2C%20rue%20de%20l%27%C3%89glise%2C%20'
        'Repentigny%2C%20QC%2C%20J6A%201A1"'
    ) in html


def test_a_confidential_location_gives_only_its_municipality():
    service = make_service()
    locate(
        service,
        is_confidential=True,
        address_1="99, rue Secrète",
        postal_code="J6A 9Z9",
        transportation_fr="Autobus 100, arrêt Secret",
        wheelchair_accessible=True,
    )
    html = page(service)
    assert "Adresse confidentielle — Repentigny" in html
    assert "Secrète" not in html and "J6A 9Z9" not in html and "Secret" not in html
    assert "directions" not in html and "45.74" not in html and "openstreetmap" not in html
    assert 'data-wheelchair="yes"' in html


def test_a_location_shows_its_transit_and_accessibility():
    service = make_service()
    locate(service, transportation_fr="Autobus 9, arrêt Notre-Dame", wheelchair_accessible=False)
    locate(service, place="charlemagne", accessibility_fr="Rampe à l'arrière.")
    html = page(service)
    assert "Autobus 9, arrêt Notre-Dame" in html and "Rampe à l&#x27;arrière." in html
    assert 'data-wheelchair="no"' in html and 'data-wheelchair="unknown"' in html
    english = page(service, "en")
    assert 'lang="fr">Autobus 9' in english


def test_a_virtual_location_is_a_link():
    service = make_service()
    locate(
        service,
        location_type="virtual",
        url="https://clavardage.example.org/",
        name_fr="Clavardage",
    )
    html = page(service)
    assert '<a href="https://clavardage.example.org/" rel="noopener">Clavardage</a>' in html
    assert "directions" not in html


def test_website_and_email_are_the_services_else_the_organizations():
    organization = make_organization(
        website="https://organisme.example.org/", email="info@organisme.example.org"
    )
    service = make_service(organization=organization)
    html = page(service)
    assert '<a class="website" href="https://organisme.example.org/" rel="noopener">' in html
    assert 'href="mailto:info@organisme.example.org"' in html
    Service.objects.filter(pk=service.pk).update(
        url="https://service.example.org/aide", email="aide@organisme.example.org"
    )
    html = page(service)
    assert (
        'href="https://service.example.org/aide" rel="noopener">service.example.org/aide<' in html
    )
    assert 'href="mailto:aide@organisme.example.org"' in html
    assert "mailto:info@" not in html


def test_what_to_know_before_applying_is_listed():
    service = make_service(
        eligibility_description_fr="Résider dans la MRC.",
        required_documents_fr="Preuve de résidence.",
        application_process_fr="Téléphonez.",
        fees_description_fr="5 $ par visite.",
        minimum_age=12,
        maximum_age=17,
    )
    service.languages.set(Language.objects.filter(code__in=["fra", "eng"]))
    html = page(service)
    for text in ("Résider dans la MRC.", "Preuve de résidence.", "Téléphonez.", "5 $ par visite."):
        assert text in html
    assert "De 12 à 17 ans" in html and 'data-ages="12-17"' in html
    assert 'data-languages="eng fra"' in html or 'data-languages="fra eng"' in html
    assert '<dl class="facts">' in page(service, "en")


def test_a_record_not_verified_for_12_months_says_to_call_first():
    today = timezone.localdate()
    fresh = make_service(assured_date=today - datetime.timedelta(days=30))
    stale = make_service(assured_date=today - datetime.timedelta(days=400))
    never = make_service(assured_date=None)
    html = page(fresh)
    assert 'data-verification="due"' not in html
    with translation.override("fr"):
        assert f"Dernière vérification : {dateformat.format(fresh.assured_date, 'j F Y')}" in html
    with translation.override("en"):
        shown = dateformat.format(fresh.assured_date, "j F Y")
    assert shown in page(fresh, "en")
    notice = "À vérifier : cette fiche n'a pas été vérifiée depuis plus de 12 mois."
    assert notice in strip_tags(page(stale)).replace("&#x27;", "'")
    assert "Appelez avant de vous déplacer." in page(stale)
    assert 'data-verification="due"' in page(never)
    assert 'data-verification="due"' in page(stale, "en")


def test_the_page_and_the_verification_queue_share_one_rule():
    today = datetime.date(2026, 11, 28)
    for days in (0, 364, 365, 366, 400):
        date = today - datetime.timedelta(days=days)
        service = make_service(assured_date=date)
        queued = Service.objects.not_verified_since(12, today=today).filter(pk=service.pk).exists()
        assert verification_due(date, 12, today=today) == queued


def test_other_active_services_of_the_organization_are_listed_up_to_ten():
    organization = make_organization()
    service = make_service(organization=organization)
    make_service(organization=organization, name_fr="Aaa fermé", status="defunct")
    for n in range(3):
        make_service(organization=organization, name_fr=f"Autre {n}")
    others = other_services(page(service))
    assert others.count("<li>") == 3 and "Aaa fermé" not in others
    assert service.name_fr not in others
    assert organization.get_absolute_url() not in others
    for n in range(3, 12):
        make_service(organization=organization, name_fr=f"Autre {n:02}")
    others = other_services(page(service))
    assert others.count("<li>") == 10 and organization.get_absolute_url() in others


def test_an_organization_with_one_service_lists_no_others():
    assert "data-other-services" not in page(make_service())


def _queries(service):
    page(service)  # the helpline banner, dropped by any edit of a service, is read again once
    with CaptureQueriesContext(connection) as queries:
        page(service)
    return len(queries)


def test_the_page_makes_as_many_queries_however_much_it_shows():
    """One of each thing the page shows, then many: the same number of queries."""
    organization = make_organization(website="https://organisme.example.org/")
    service = make_service(organization=organization)
    languages = Language.objects.filter(code__in=["fra", "eng"])
    service.languages.set(languages)

    def add_one_of_each(n):
        make_service(organization=organization)
        place = ["repentigny", "charlemagne", "saint-sulpice", "l-epiphanie"][n]
        make_phone(location=locate(service, place=place, transportation_fr="Autobus"))
        make_phone(service=service).languages.set(languages)

    add_one_of_each(0)
    few = _queries(service)
    for n in (1, 2, 3):
        add_one_of_each(n)
    for _ in range(10):
        make_service(organization=organization)
    assert _queries(service) == few


def _demo_services():
    return (
        Service.objects.active()
        .with_listing_data()
        .prefetch_related("service_at_locations__location__phones")
        .order_by("pk")
    )


def _kinds(service, phones):
    """What a service page may show differently: its kinds of phones, of places, their count."""
    places = [sal.location for sal in service.service_at_locations.all()]
    return {f"phone-{phone.type}" for phone in phones} | {
        f"places-{min(len(places), 2)}",
        *(
            f"place-{p.location_type}-{p.is_confidential}-{bool(p.address_1)}-{bool(p.directions_url)}"
            for p in places
        ),
    }


def _assert_page_reaches_its_phones_and_hides_confidential_places(service, phones):
    html = page(service)
    for phone in phones:
        if phone.type == Phone.Type.FAX:
            assert str(phone) in html
        else:
            href = phone.sms_href if phone.type == Phone.Type.TEXT else phone.tel_href
            assert f'href="{href}"' in html, (service.slug, phone.number)
    for sal in service.service_at_locations.all():
        location = sal.location
        if location.is_confidential:
            if location.address_1:
                assert location.address_1 not in html
            assert location.directions_url is None
    assert html.count('class="directions"') == sum(
        bool(sal.location.directions_url) for sal in service.service_at_locations.all()
    )


@pytest.mark.demo_pages
def test_every_demo_service_page_reaches_all_its_phones_and_hides_confidential_places(demo_data):
    from resources.calls import phones_to_call

    for service in _demo_services():
        _assert_page_reaches_its_phones_and_hides_confidential_places(
            service, phones_to_call(service)
        )


def test_demo_service_pages_of_every_kind_reach_their_phones_and_hide_confidential_places(
    demo_data,
):
    """The test above (`-m demo_pages`) on a fixed sample: every fifth demo service, and each
    service showing a kind of phone or place (texting line, fax, confidential place with an
    address, several places...) not yet seen."""
    from resources.calls import phones_to_call

    seen, checked = set(), 0
    for number, service in enumerate(_demo_services()):
        phones = phones_to_call(service)
        kinds = _kinds(service, phones)
        if number % 5 and kinds <= seen:
            continue
        seen |= kinds
        checked += 1
        _assert_page_reaches_its_phones_and_hides_confidential_places(service, phones)
    assert checked > 40
    assert {"phone-text", "phone-fax", "places-2", "place-physical-True-False-False"} <= seen, seen
