"""What a search result shows, read from the index in one query per page.

A results page used to load its twenty services through the ORM (service, organization, phones,
places, schedules with periods and closures: seven queries and about 25 ms at 100,000 services,
more than most searches). Instead, search/indexing.py writes for every service a *card*: the
texts and links of a result, in both languages, as one JSON document (`SearchCard.data`); today's
hours come from the weekly periods already in the index (`SearchOpening`, the same hours "open
now" filters on), with statutory holidays, validity dates and exceptional closures applied as
Schedule.intervals_starting_on applies them. `load()` reads the cards and today's and yesterday's
periods of a page's services in a single query.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import get_language

from resources import links
from resources.models.directory import DialledNumber
from resources.models.schedules import (
    WeeklyHours,
    closed_by_dates,
    keys_match,
    period_interval,
)

from . import sql


def card_data(service, organization, municipalities, points, phone, has_hours, confidential=()):
    """The JSON text of a card (see search/indexing.py for where each part comes from)."""
    return json.dumps(
        {
            "uuid": str(service["uuid"]),
            "slug": service["slug"],
            "name": [service["name_fr"], service["name_en"]],
            "alert": [service["alert_fr"], service["alert_en"]],
            "org": [organization["id"], organization["slug"]],
            "org_name": [organization["name_fr"], organization["name_en"]],
            "places": municipalities,  # [[French name, English name], ...]
            "points": points,  # [[latitude, longitude], ...]: public points only
            # [[French name, English name], ...]: municipalities of confidential locations
            "confidential": list(confidential),
            "phone": phone,  # [number, extension, type] or None
            "hours": has_hours,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


class Translated:
    """Attributes `<field>_fr` / `<field>_en` and `<field>` (French fallback), as the
    `{% translated %}` template tag reads them on a model instance."""

    def __init__(self, **fields):
        for name, (french, english) in fields.items():
            setattr(self, f"{name}_fr", french or "")
            setattr(self, f"{name}_en", english or "")

    def __getattr__(self, name):
        # The bare field name: the active language's text, else the French one.
        if name.startswith("_") or name.endswith(("_fr", "_en")):
            raise AttributeError(name)
        language = get_language() or "fr"
        english = self.__dict__.get(f"{name}_en")
        french = self.__dict__.get(f"{name}_fr")
        if french is None:
            raise AttributeError(name)
        return english if language == "en" and english else french


class ResultOrganization(Translated):
    def __init__(self, pk, slug, names):
        super().__init__(name=names)
        self.pk, self.id, self.slug = pk, pk, slug

    def get_absolute_url(self):
        return links.url("resources:organization-detail", self.slug)


class ResultService(Translated):
    """The service of a result: the fields and links its card gives."""

    def __init__(self, pk, data):
        super().__init__(name=data["name"], alert=data["alert"])
        self.pk, self.id = pk, pk
        self.uuid, self.slug = data["uuid"], data["slug"]
        org_id, org_slug = data["org"]
        self.organization_id = org_id
        self.organization = ResultOrganization(org_id, org_slug, data["org_name"])

    def get_absolute_url(self):
        return links.url("resources:service-detail", self.slug)

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class ResultPhone(DialledNumber):
    number: str
    extension: str = ""
    type: str = "voice"  # cards written before the type was kept have none


@dataclass
class Opening:
    """A period from the index (and its rule), with whether an exceptional closure covers the day it
    would open (today or yesterday: the only days a card is asked about)."""

    weekday: int
    opens_at: datetime.time
    closes_at: datetime.time  # not after opens_at: the next day
    closed_on_holidays: bool
    valid_from: datetime.date
    valid_to: datetime.date
    closed: bool
    nth: int = None
    every: int = 1
    unit: str = "W"
    anchor: int = None

    @classmethod
    def from_minutes(cls, weekday, opens, closes, *rest):
        """From the index's minutes after the local midnight (`closes` may pass 1440)."""
        return cls(weekday, _clock(opens), _clock(closes), *rest)

    def opens_on(self, day):
        return (
            keys_match(day, self.weekday, self.nth, self.every, self.unit, self.anchor)
            and not self.closed
            and not closed_by_dates(day, self.valid_from, self.valid_to, self.closed_on_holidays)
        )


def _clock(minutes):
    return datetime.time(minutes % 1440 // 60, minutes % 60)


@dataclass
class Card(WeeklyHours):
    """A result: its service's texts and links, places, points, phone, and hours (the
    WeeklyHours of its periods)."""

    service: ResultService
    places: list  # Translated municipality names
    points: list
    phone: ResultPhone
    has_hours: bool
    openings: list  # today's and yesterday's Openings
    confidential: list = field(default_factory=list)  # Translated names, confidential places
    # day → its intervals: "open now" and today's hours read the same days.
    _intervals: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def other_places(self):
        """Its places that no confidential location is in."""
        hidden = {(p.name_fr, p.name_en) for p in self.confidential}
        return [p for p in self.places if (p.name_fr, p.name_en) not in hidden]

    def intervals_starting_on(self, day):
        found = self._intervals.get(day)
        if found is None:
            found = self._intervals[day] = sorted(
                period_interval(day, o.opens_at, o.closes_at)
                for o in self.openings
                if o.opens_on(day)
            )
        return found


def _date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def load(cursor, ids, now=None):
    """{service id: Card} of `ids`, with the periods that may be open on the local day of
    `now` (one query)."""
    if not ids:
        return {}
    today = timezone.localdate(now or timezone.now())
    yesterday = today - datetime.timedelta(days=1)
    statement = sql.cards(ids, today, yesterday)
    cursor.execute(statement.sql, statement.params)
    data, openings = {}, {}
    for row in cursor:
        sid, text, weekday, opens, closes, holidays, valid_from, valid_to = row[:8]
        rule = row[8:12]
        closed = row[12] if weekday == today.weekday() else row[13]
        data.setdefault(sid, text)
        periods = openings.setdefault(sid, [])
        if weekday is not None:
            periods.append(
                Opening.from_minutes(
                    weekday,
                    opens,
                    closes,
                    bool(holidays),
                    _date(valid_from),
                    _date(valid_to),
                    bool(closed),
                    *rule,
                )
            )
    cards = {}
    for sid, text in data.items():
        fields = json.loads(text)
        phone = fields["phone"]
        cards[sid] = Card(
            service=ResultService(sid, fields),
            places=[Translated(name=names) for names in fields["places"]],
            points=[tuple(p) for p in fields["points"]],
            phone=ResultPhone(*phone) if phone else None,
            has_hours=fields["hours"],
            openings=openings[sid],
            # Cards written before the key was added have none (rebuild_search_index).
            confidential=[Translated(name=names) for names in fields.get("confidential", [])],
        )
    return cards
