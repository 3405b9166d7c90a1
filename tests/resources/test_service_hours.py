"""The service page's opening hours: open now or not, until when or from when, the week with
today marked, repeating periods in words, closures and holidays ahead; the hours of its places
when it has none of its own; a fixed number of queries however many places it has."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from resources.models import OpeningPeriod, Phone, Schedule, ScheduleClosure
from tests.factories import at, locate, make_phone, make_schedule, make_service

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)


def page(client, service, moment, monkeypatch, language="fr"):
    monkeypatch.setattr(timezone, "now", lambda: moment)
    with translation.override(language):
        url = service.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def counter():
    service = make_service(name_fr="Comptoir")
    make_schedule([(0, "09:00", "12:00"), (0, "13:00", "16:00"), (2, "09:00", "16:00")], service)
    return service


def test_open_now_until_the_end_of_the_day_today_marked(client, counter, monkeypatch):
    html = page(client, counter, at(MONDAY, 10), monkeypatch)
    assert "Heures d'ouverture" in html
    assert "<strong>Ouvert maintenant</strong> · ferme à 12:00" in html
    today = html.split('class="today" aria-current="date"')[1].split("</tr>")[0]
    assert "Lundi" in today and "09:00–12:00" in today and "13:00–16:00" in today
    assert "Mardi</th>\n<td>Fermé</td>" in html


def test_closed_says_when_it_opens_next(client, counter, monkeypatch):
    assert "ouvre aujourd'hui à 13:00" in page(client, counter, at(MONDAY, 12, 30), monkeypatch)
    assert "ouvre le mercredi 25 novembre à 09:00" in page(
        client, counter, at(MONDAY, 17), monkeypatch
    )
    tuesday = page(client, counter, at(MONDAY + datetime.timedelta(1), 20), monkeypatch)
    assert "<strong>Fermé maintenant</strong> · ouvre demain à 09:00" in tuesday


def test_closures_and_holidays_ahead_are_announced(client, counter, monkeypatch):
    schedule = counter.schedules.get()
    ScheduleClosure.objects.create(
        schedule=schedule,
        start_date=datetime.date(2026, 12, 21),
        end_date=datetime.date(2027, 1, 4),
        reason_fr="Vacances des fêtes",
        reason_en="Holidays",
    )
    html = page(client, counter, at(MONDAY, 10), monkeypatch)
    assert "Fermetures à venir" in html
    assert "Du 21 décembre au 4 janvier 2027 — Vacances des fêtes" in html
    english = page(client, counter, at(MONDAY, 10), monkeypatch, language="en")
    assert "Closures ahead" in english and "Holidays" in english
    assert "Christmas Day" in english  # 25 December, within 60 days, closed on holidays
    assert "Jour de Noël" in html


def test_a_repeating_period_is_said_in_words(client, counter, monkeypatch):
    schedule = counter.schedules.get()
    OpeningPeriod.objects.create(
        schedule=schedule,
        weekday=1,
        opens_at=datetime.time(19),
        closes_at=datetime.time(21),
        frequency="MONTHLY",
        week_of_month=-1,
    )
    html = page(client, counter, at(MONDAY, 10), monkeypatch)
    assert '19:00–21:00 <span class="rule">(Dernier mardi du mois)</span>' in html
    english = page(client, counter, at(MONDAY, 10), monkeypatch, language="en")
    assert "(Last Tuesday of the month)" in english
    # 24 November 2026 is the last Tuesday of November: open that evening only.
    assert "ferme à 21:00" in page(
        client, counter, at(MONDAY + datetime.timedelta(1), 20), monkeypatch
    )
    december_first = datetime.date(2026, 12, 1)
    assert "Fermé maintenant" in page(client, counter, at(december_first, 20), monkeypatch)


def test_without_hours_of_its_own_the_places_hours_count(client, monkeypatch):
    service = make_service(name_fr="Friperie")
    place = locate(service)
    schedule = Schedule.objects.create(location=place)
    OpeningPeriod.objects.create(
        schedule=schedule, weekday=0, opens_at=datetime.time(8), closes_at=datetime.time(11)
    )
    assert "ferme à 11:00" in page(client, service, at(MONDAY, 10), monkeypatch)
    bare = make_service(name_fr="Ligne d'écoute")
    assert "Heures d'ouverture" not in page(client, bare, at(MONDAY, 10), monkeypatch)


def test_the_page_makes_as_many_queries_with_one_place_or_five(client, monkeypatch):
    def counted(places):
        service = make_service(name_fr=f"Aide {places}")
        for _ in range(places):
            place = locate(service)
            schedule = Schedule.objects.create(location=place)
            OpeningPeriod.objects.create(
                schedule=schedule, weekday=0, opens_at=datetime.time(9), closes_at=datetime.time(17)
            )
            ScheduleClosure.objects.create(
                schedule=schedule, start_date=MONDAY, end_date=MONDAY, reason_fr="Formation"
            )
        monkeypatch.setattr(timezone, "now", lambda: at(MONDAY, 10))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(service.get_absolute_url()).status_code == 200
        return len(queries)

    assert counted(1) == counted(5)


def _place_reads(client, service, monkeypatch):
    """The page's queries that read schedules or phones through the service's places; it
    checks that the organization's numbers were read only when the page had no other."""
    monkeypatch.setattr(timezone, "now", lambda: at(MONDAY, 10))
    client.get(service.get_absolute_url())  # reference data and the 2-1-1 line read once
    with CaptureQueriesContext(connection) as queries:
        html = client.get(service.get_absolute_url()).content.decode()
    owners = ('"service_at_location_id" IN', '"resources_schedule"."location_id" IN')
    schedules = [q["sql"] for q in queries if any(o in q["sql"] for o in owners)]
    phones = [q["sql"] for q in queries if '"resources_phone"."location_id" IN' in q["sql"]]
    organization = [q for q in queries if '"resources_phone"."organization_id" IN' in q["sql"]]
    # The organization's numbers: read only when the page has no other to show.
    assert len(organization) == (0 if phones_found(service) else 1)
    return html, len(queries), schedules, phones


def phones_found(service):
    """Whether the page has numbers before its organization's: the service's or its places'."""
    return (
        service.phones.exists()
        or Phone.objects.filter(location__service_at_locations__service=service).exists()
    )


def test_the_places_hours_and_numbers_are_read_only_when_the_service_has_none(client, monkeypatch):
    """A service's own hours and numbers are what its page shows: its places' are read (and
    shown) only when it has none, so a service with its own costs fewer queries."""
    own = make_service(name_fr="Avec ses heures")
    make_schedule([(0, "09:00", "17:00")], own)
    make_phone("450 555-0101", service=own)
    place = locate(own, place="repentigny")
    Schedule.objects.create(location=place)
    html, own_count, schedules, phones = _place_reads(client, own, monkeypatch)
    assert "ferme à 17:00" in html and "450 555-0101" in html
    assert schedules == [] and phones == []

    bare = make_service(name_fr="Sans heures")
    place = locate(bare, place="repentigny")
    schedule = Schedule.objects.create(location=place)
    OpeningPeriod.objects.create(
        schedule=schedule, weekday=0, opens_at=datetime.time(8), closes_at=datetime.time(20)
    )
    make_phone("450 555-0102", location=place)
    html, bare_count, schedules, phones = _place_reads(client, bare, monkeypatch)
    assert "ferme à 20:00" in html and "450 555-0102" in html
    assert len(schedules) == 2 and len(phones) == 1  # the places', then the locations'
    assert own_count < bare_count

    # Neither its own number nor its places': the organization's, read for it alone.
    unreached = make_service(name_fr="Sans numéro")
    locate(unreached, place="repentigny")
    make_phone("450 555-0103", organization=unreached.organization)
    html, _, _, phones = _place_reads(client, unreached, monkeypatch)
    assert "450 555-0103" in html and len(phones) == 1
