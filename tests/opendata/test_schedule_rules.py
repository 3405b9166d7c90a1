"""Schedules beyond "every week" (HSDS `freq`, `interval`, `byday` positions, `dtstart`, `until`,
`count`): imported from a feed, they open the service on the very days RFC 5545 says, everywhere
a visitor looks: the "open now" filter (SQL), the result card, the service page, the schedule
itself; and they survive export → import unchanged.

The expected days come from dateutil's own parser of the RRULE text (`rrulestr`), not from the
code under test."""

import datetime
import io
import json

import pytest
from dateutil import rrule
from django.core.management import call_command
from django.utils import timezone

from opendata.hsds import validation
from opendata.hsds.importer import ImportFailed, import_path
from resources.models import OpeningPeriod, Schedule, Service
from tests.factories import at
from tests.opendata.helpers import empty_directory, read_folder
from tests.searching import outcome

pytestmark = pytest.mark.django_db

ORG = "9e1f0c2a-0000-4000-8000-000000000001"
START, END = datetime.date(2025, 12, 1), datetime.date(2027, 3, 31)

# name: (HSDS schedule properties, the same rule as an RRULE with its DTSTART)
RULES = {
    "A": ({"freq": "MONTHLY", "byday": "2TU"}, "DTSTART:20250101\nRRULE:FREQ=MONTHLY;BYDAY=2TU"),
    "B": ({"freq": "MONTHLY", "byday": "-1FR"}, "DTSTART:20250101\nRRULE:FREQ=MONTHLY;BYDAY=-1FR"),
    "C": (
        {"freq": "WEEKLY", "interval": 2, "byday": "MO,TH", "dtstart": "2026-01-07"},
        "DTSTART:20260107\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;WKST=MO",
    ),
    "D": (
        {"freq": "MONTHLY", "interval": 3, "byday": "1MO", "dtstart": "2026-02-01"},
        "DTSTART:20260201\nRRULE:FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO",
    ),
    "E": (
        {"freq": "WEEKLY", "byday": "WE", "dtstart": "2026-03-01", "count": 5},
        "DTSTART:20260301\nRRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=5",
    ),
    "F": (
        {"freq": "WEEKLY", "byday": "SA", "dtstart": "2026-04-15", "until": "2026-06-30"},
        "DTSTART:20260415\nRRULE:FREQ=WEEKLY;BYDAY=SA;UNTIL=20260630",
    ),
    "G": (
        {"freq": "MONTHLY", "interval": 2, "byday": "-2WE,3SU", "dtstart": "2026-01-15"},
        "DTSTART:20260115\nRRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=-2WE,3SU",
    ),
}


def service_id(name):
    return f"9e1f0c2a-0000-4000-8000-0000000001{ord(name):02x}"


def feed(path, rules=None):
    """A feed of one organization and one service per rule, open 10:00-11:00 on its days,
    holidays included (so that only the rule decides)."""
    path.mkdir(exist_ok=True)
    services = [
        {
            "id": service_id(name),
            "name": f"Halte répit {name}",
            "description": "Halte-garderie fictive.",
            "status": "active",
            "organization": {"id": ORG, "name": "Répit fictif", "description": "Fictif."},
            "schedules": [
                {
                    "id": service_id(name).replace("-0000-4000", "-0001-4000"),
                    "service_id": service_id(name),
                    "opens_at": "10:00",
                    "closes_at": "11:00",
                    "x211_closed_on_holidays": False,
                    **rule,
                }
            ],
        }
        for name, (rule, _) in (rules or RULES).items()
    ]
    (path / "services.json").write_text(json.dumps(services), encoding="utf-8")
    return path


def import_feed(path):
    out = io.StringIO()
    call_command("import_hsds", path, stdout=out, stderr=out)
    return out.getvalue()


def expected_days():
    days = {}
    for name, (_, text) in RULES.items():
        found = rrule.rrulestr(text).between(
            datetime.datetime.combine(START, datetime.time()),
            datetime.datetime.combine(END, datetime.time()),
            inc=True,
        )
        days[name] = {moment.date() for moment in found}
    return days


@pytest.fixture
def imported(tmp_path):
    empty_directory()
    return import_feed(feed(tmp_path / "feed"))


def test_the_rules_are_kept_as_the_feed_gives_them(imported):
    assert "kept as text only" not in imported
    period = OpeningPeriod.objects.get(schedule__service__uuid=service_id("G"), weekday=6)
    assert (period.frequency, period.interval, period.week_of_month) == ("MONTHLY", 2, 3)
    assert period.starts_on == datetime.date(2026, 1, 15)
    five = OpeningPeriod.objects.get(schedule__service__uuid=service_id("E"))
    assert (five.count, five.starts_on) == (5, datetime.date(2026, 3, 1))


def test_open_now_agrees_everywhere_day_by_day(imported):
    """Every day from December 2025 to March 2027 at 10:30: the set of services the open-now
    search finds, the cards saying open, and the schedules saying open are the RRULE's."""
    expected = expected_days()
    names = {service_id(n): n for n in RULES}
    schedules = {
        names[str(s.service.uuid)]: s
        for s in Schedule.objects.select_related("service").prefetch_related("periods", "closures")
    }
    assert all(expected.values())
    day = START
    while day <= END:
        moment = at(day, 10, 30)
        wanted = {n for n, days in expected.items() if day in days}
        found = {
            names[str(h.service.uuid)] for h in outcome(q="halte", open_now="on", now=moment).hits
        }
        cards = outcome(q="halte", now=moment).hits
        said_open = {names[str(h.service.uuid)] for h in cards if h.open_now}
        today = {
            names[str(h.service.uuid)]
            for h in cards
            if h.hours_today == [(datetime.time(10), datetime.time(11))]
        }
        by_schedule = {n for n, s in schedules.items() if s.is_open_at(moment)}
        assert (found, said_open, today, by_schedule) == (wanted,) * 4, day
        day += datetime.timedelta(days=1)


def test_the_service_page_says_open_on_the_second_tuesday_only(imported, client, monkeypatch):
    service = Service.objects.get(uuid=service_id("A"))
    second_tuesday, first_tuesday = datetime.date(2026, 12, 8), datetime.date(2026, 12, 1)
    monkeypatch.setattr(timezone, "now", lambda: at(second_tuesday, 10, 30))
    page = client.get(service.get_absolute_url()).content.decode()
    assert "2e mardi du mois" in page
    assert "Ouvert maintenant" in page
    monkeypatch.setattr(timezone, "now", lambda: at(first_tuesday, 10, 30))
    page = client.get(service.get_absolute_url()).content.decode()
    assert "Ouvert maintenant" not in page
    assert "Fermé maintenant" in page


def test_rules_survive_export_then_import_unchanged(imported, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("export_hsds", first)
    rows = [
        row
        for service in json.loads((first / "services.json").read_text())
        for row in service.get("schedules", [])
        if row.get("service_id") == service_id("G")
    ]
    assert [(r["freq"], r["interval"], r["byday"], r["dtstart"]) for r in rows] == [
        ("MONTHLY", 2, "-2WE,3SU", "2026-01-15")
    ]
    assert "schedules unchanged: 7" in import_feed(first)
    call_command("export_hsds", second)
    assert read_folder(first) == read_folder(second)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"freq": "WEEKLY", "byday": "2TU"}, "'2TU' is not a day"),
        ({"freq": "MONTHLY", "byday": "9TU"}, "position -5 to 5"),
        ({"freq": "MONTHLY", "byday": "TU", "interval": "two"}, "interval"),
        ({"freq": "MONTHLY", "byday": "TU", "dtstart": "soon"}, "must be dates"),
        (
            {"freq": "WEEKLY", "byday": "TU", "dtstart": "2026-05-01", "until": "2026-01-01"},
            "before dtstart",
        ),
    ],
)
def test_a_malformed_rule_is_refused_naming_it(tmp_path, rule, message):
    with pytest.raises(ImportFailed) as failure:
        import_path(feed(tmp_path, {"Z": (rule, "")}))
    assert any(message in error for error in failure.value.errors), failure.value.errors
    assert not Service.objects.filter(uuid=service_id("Z")).exists()


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ({"freq": "MONTHLY"}, "rule not stored (no byday)"),
        ({"freq": "MONTHLY", "byday": "TU", "bymonthday": "15"}, "rule not stored (bymonthday)"),
        ({"freq": "WEEKLY", "byday": "TU", "interval": 2}, "interval or count without dtstart"),
    ],
)
def test_a_rule_we_cannot_store_keeps_its_text_and_says_so(tmp_path, rule, reason):
    report = import_feed(feed(tmp_path, {"Z": ({**rule, "description": "Le 15 du mois"}, "")}))
    assert reason in report
    schedule = Schedule.objects.get(service__uuid=service_id("Z"))
    assert schedule.description_fr == "Le 15 du mois"
    assert not schedule.periods.exists()


def test_the_api_gives_the_rules_valid_against_the_schema(imported, client):
    service = client.get(f"/api/services/{service_id('G')}").json()
    assert validation.errors("service", service) == []
    rows = service["schedules"]
    assert [(r["freq"], r["interval"], r["byday"], r["dtstart"]) for r in rows] == [
        ("MONTHLY", 2, "-2WE,3SU", "2026-01-15")
    ]
    five = client.get(f"/api/services/{service_id('E')}").json()["schedules"][0]
    assert (five["count"], five["byday"], five["dtstart"]) == (5, "WE", "2026-03-01")
