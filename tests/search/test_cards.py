"""What a result shows comes from the index (search/cards.py): it follows staff edits at once,
and its hours follow the same rules as the service page (resources/models/schedules.py)."""

import datetime
import re
import zoneinfo

import pytest

from resources.models import Municipality, OpeningPeriod, Schedule, ScheduleClosure, Sector
from search.finder import find
from search.forms import SearchForm
from tests.factories import locate, make_organization, make_phone, make_schedule, make_service
from tests.searching import outcome

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo("America/Toronto")
MONDAY_NOON = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=ZONE)


def only_hit(text="comptoir", now=MONDAY_NOON):
    hits = outcome(q=text, now=now).hits
    assert len(hits) == 1
    return hits[0]


def test_organization_rename_and_phones_reach_the_result():
    org = make_organization(name_fr="Ancien nom")
    service = make_service(organization=org, name_fr="Comptoir", scope="mrc")
    assert only_hit().phone is None
    make_phone("450 555-0142", organization=org)
    assert str(only_hit().phone) == "450 555-0142"  # the organization's, for want of its own
    phone = make_phone("450 555-0143", service=service, extension="12")
    assert str(only_hit().phone) == "450 555-0143 #12"
    assert only_hit().phone.tel_href == "tel:4505550143;ext=12"
    phone.delete()
    assert str(only_hit().phone) == "450 555-0142"
    org.name_fr = "Nouveau nom"
    org.save()
    assert only_hit().service.organization.name_fr == "Nouveau nom"


def test_municipality_names_follow_the_gazetteer():
    service = make_service(name_fr="Comptoir", scope="mrc")
    locate(service)
    assert [m.name for m in only_hit().municipalities] == ["Repentigny"]
    Municipality.objects.filter(slug="repentigny").update(name_fr="Repentigny-test")
    Municipality.objects.get(slug="repentigny").save()  # a staff edit sends its signal
    assert [m.name for m in only_hit().municipalities] == ["Repentigny-test"]


def test_todays_hours_and_open_now():
    service = make_service(name_fr="Comptoir", scope="mrc")
    make_schedule([(0, "09:00", "12:30"), (0, "13:30", "17:00"), (1, "09:00", "17:00")], service)
    hit = only_hit()
    assert hit.open_now is True
    assert hit.hours_today == [
        (datetime.time(9), datetime.time(12, 30)),
        (datetime.time(13, 30), datetime.time(17)),
    ]
    assert only_hit(now=MONDAY_NOON.replace(hour=13)).open_now is False
    sunday = only_hit(now=MONDAY_NOON - datetime.timedelta(days=1))
    assert sunday.open_now is False and sunday.hours_today == []


def test_a_service_without_hours_says_nothing_about_being_open():
    make_service(name_fr="Comptoir", scope="mrc")
    hit = only_hit()
    assert hit.open_now is None and hit.hours_today == []


def test_closures_holidays_and_validity_close_the_day():
    service = make_service(name_fr="Comptoir", scope="mrc")
    schedule = make_schedule([(0, "09:00", "17:00")], service)
    closure = ScheduleClosure.objects.create(
        schedule=schedule,
        start_date=datetime.date(2026, 11, 23),
        end_date=datetime.date(2026, 11, 23),
    )
    hit = only_hit()
    assert hit.open_now is False and hit.hours_today == []
    closure.delete()
    assert only_hit().open_now is True
    # Labour Day 2026 is Monday 7 September: closed on holidays by default.
    labour_day = datetime.datetime(2026, 9, 7, 12, tzinfo=ZONE)
    assert only_hit(now=labour_day).open_now is False
    Schedule.objects.filter(pk=schedule.pk).update(closed_on_holidays=False)
    schedule.refresh_from_db()
    schedule.save()
    assert only_hit(now=labour_day).open_now is True
    schedule.valid_to = datetime.date(2026, 11, 1)
    schedule.save()
    assert only_hit().open_now is False and only_hit().hours_today == []


def test_a_night_period_is_open_after_midnight_and_listed_on_its_evening():
    service = make_service(name_fr="Comptoir", scope="mrc")
    make_schedule([(6, "21:00", "07:00")], service)  # Sunday night to Monday morning
    early_monday = MONDAY_NOON.replace(hour=6, minute=30)
    hit = only_hit(now=early_monday)
    assert hit.open_now is True and hit.hours_today == []
    assert only_hit(now=MONDAY_NOON).open_now is False
    sunday = only_hit(now=MONDAY_NOON - datetime.timedelta(days=1))
    assert sunday.hours_today == [(datetime.time(21), datetime.time(7))]


def test_hours_of_the_location_count_when_the_service_has_none():
    service = make_service(name_fr="Comptoir", scope="mrc")
    location = locate(service)
    schedule = Schedule.objects.create(location=location)
    OpeningPeriod.objects.create(
        schedule=schedule, weekday=0, opens_at=datetime.time(8), closes_at=datetime.time(16)
    )
    hit = only_hit()
    assert hit.open_now is True
    assert hit.hours_today == [(datetime.time(8), datetime.time(16))]


def test_a_new_sector_is_searchable_at_once():
    form = SearchForm({"sector": "ateliers-de-velo"})
    assert form.is_valid() is False  # unknown, and the reference data is now in memory
    parent = Sector.objects.get(slug="transport")
    Sector.objects.create(slug="ateliers-de-velo", name_fr="Ateliers de vélo", parent=parent)
    service = make_service(name_fr="Vélo-Partage", scope="mrc", sectors=["ateliers-de-velo"])
    for sector in ("transport", "ateliers-de-velo"):
        found = find({"sector": sector})
        assert found.form.is_valid()
        assert [h.service.pk for h in found.outcome.hits] == [service.pk]


def test_a_new_alias_resolves_at_once():
    assert SearchForm({"municipality": "Le Bas-Village"}).is_valid() is False
    Municipality.objects.get(slug="l-assomption").aliases.create(name="Le Bas-Village")
    form = SearchForm({"municipality": "le bas village"})
    assert form.is_valid()
    assert form.criteria().municipality.slug == "l-assomption"


def test_a_closure_closes_the_periods_opening_on_its_days_only():
    service = make_service(name_fr="Comptoir", scope="mrc")
    schedule = make_schedule([(6, "21:00", "07:00"), (0, "09:00", "17:00")], service)
    early_monday = MONDAY_NOON.replace(hour=6, minute=30)
    monday, sunday = datetime.date(2026, 11, 23), datetime.date(2026, 11, 22)
    closure = ScheduleClosure.objects.create(schedule=schedule, start_date=monday, end_date=monday)
    assert only_hit(now=early_monday).open_now is True  # Sunday's night is not Monday's
    assert only_hit().open_now is False
    closure.start_date = closure.end_date = sunday
    closure.save()
    assert only_hit(now=early_monday).open_now is False
    assert only_hit().open_now is True


def english_for(msgid):
    """The English catalogue's translation of `msgid`; the test waits (skipped) while
    locale/ has none yet (the catalogue is regenerated apart from the code)."""
    from django.utils import translation

    with translation.override("en"):
        text = translation.gettext(msgid)
    if text == msgid:
        pytest.skip(f"no English translation of {msgid!r} in locale/ yet")
    return text


def result_html(client, language="fr", text="comptoir"):
    url = {"fr": "/fr/recherche/", "en": "/en/search/"}[language]
    html = client.get(url, {"q": text}).content.decode()
    return re.search(r'<li class="result".*?</li>', html, re.S).group(0)


@pytest.mark.parametrize(
    "periods",
    [
        [(d, "00:00", "00:00") for d in range(7)],
        [(d, "00:00", "23:59") for d in range(7)],
        [p for d in range(7) for p in ((d, "00:00", "12:00"), (d, "12:00", "00:00"))],
    ],
)
def test_a_whole_day_reads_open_24_hours(client, periods):
    service = make_service(name_fr="Comptoir", scope="mrc")
    make_schedule(periods, service, closed_on_holidays=False)
    card = result_html(client)
    assert "<strong>Ouvert 24 h sur 24</strong>" in card
    assert "Aujourd&#x27;hui" not in card and "00:00" not in card
    assert english_for("Ouvert 24 h sur 24") == "Open 24 hours"
    assert "<strong>Open 24 hours</strong>" in result_html(client, "en")


def test_part_of_a_day_keeps_its_hours(client):
    service = make_service(name_fr="Comptoir", scope="mrc")
    make_schedule([(d, "00:00", "23:00") for d in range(7)], service, closed_on_holidays=False)
    card = result_html(client)
    assert "24 h sur 24" not in card and "00:00–23:00" in card


def test_a_service_only_at_confidential_locations_says_so_with_its_municipality(client):
    service = make_service(name_fr="Comptoir", scope="mrc")
    locate(service, is_confidential=True)
    card = result_html(client)
    assert "Adresse confidentielle — Repentigny" in card
    assert "Sans adresse physique" not in card
    assert "100, rue Exemple" not in card and "45.74" not in card
    card = result_html(client, "en")
    assert "Confidential address — Repentigny" in card
    assert "No physical address" not in card


def test_confidential_and_other_places_are_told_apart(client):
    service = make_service(name_fr="Comptoir", scope="mrc")
    locate(service, is_confidential=True)
    locate(service, place="charlemagne", latitude=None, longitude=None, location_type="virtual")
    card = result_html(client)
    assert "Adresse confidentielle — Repentigny</span> · Charlemagne" in card


def test_a_service_with_no_location_keeps_no_physical_address(client):
    make_service(name_fr="Comptoir", scope="mrc")
    card = result_html(client)
    assert "Sans adresse physique (téléphone, en ligne ou à domicile)</span></p>" in card
    assert "confidentielle" not in card and " · " not in card  # nothing to separate


def test_a_located_service_shows_its_distance_not_confidential(client):
    service = make_service(name_fr="Comptoir", scope="mrc")
    locate(service)
    locate(service, place="charlemagne", is_confidential=True)
    html = client.get("/fr/recherche/", {"q": "comptoir", "place": "J6A"}).content.decode()
    card = re.search(r'<li class="result".*?</li>', html, re.S).group(0)
    assert 'class="distance"' in card and "confidentielle" not in card
