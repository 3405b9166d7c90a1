"""What a service page says of its opening hours: open now or not, until when or from when,
the week's hours with today marked, and the closures ahead.

Which hours count is the search index's rule (search/indexing.py): the service's own schedules;
failing those, those of its service at locations; failing those, those of its locations. Each
schedule answers by its own rules (resources/models/schedules.py), repeating periods included,
so the page, the result card and the "open now" filter agree.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects
from django.utils import timezone

from .models.schedules import WEEKDAYS, local_zone
from .statutory_holidays import holiday_name, is_statutory_holiday

LOOK_AHEAD_DAYS = 14  # how far "opens on ..." looks
CLOSURES_AHEAD_DAYS = 60  # which closures and holidays the page announces


def schedules_of(service):
    """The schedules that make `service` open (prefetched: prefetch_places_schedules)."""
    own = list(service.schedules.all())
    if own:
        return own
    sals = service.service_at_locations.all()
    return [s for sal in sals for s in sal.schedules.all()] or [
        s for sal in sals for s in sal.location.schedules.all()
    ]


def prefetch_places_schedules(services):
    """The schedules `schedules_of` reads beyond the services' own, read only where it reads
    them: those of the places (service at locations) of the services without schedules of
    their own, then those of the locations of the services whose places have none either,
    each with its periods and closures. At most six queries whatever the number of services,
    none when each has its own (a service page at 1,000,000 services: 18 queries before, 16
    after). `services`: read with ServiceQuerySet.with_listing_data (their own schedules and
    their places prefetched)."""
    bare = [service for service in services if not service.schedules.all()]
    if bare:
        prefetch_related_objects(bare, *_schedule_rows("service_at_locations__"))
    bare = [
        service
        for service in bare
        if not any(sal.schedules.all() for sal in service.service_at_locations.all())
    ]
    if bare:
        prefetch_related_objects(bare, *_schedule_rows("service_at_locations__location__"))


def _schedule_rows(owner):
    return [f"{owner}schedules__{rows}" for rows in ("periods", "closures")]


@dataclass
class Day:
    weekday: int
    name: str
    periods: list  # OpeningPeriods, every week or by a rule
    is_today: bool


@dataclass
class Closure:
    start: datetime.date
    end: datetime.date
    reason: object  # the closure (translated reason) or a holiday's name


@dataclass
class Hours:
    schedules: list
    now: datetime.datetime = field(default_factory=lambda: timezone.now())

    @property
    def known(self):
        return any(s.periods.all() for s in self.schedules)

    @property
    def always_open(self):
        return any(s.is_always_open for s in self.schedules)

    @property
    def is_open(self):
        return any(s.is_open_at(self.now) for s in self.schedules)

    def _intervals(self, days):
        today = self.now.astimezone(local_zone()).date()
        found = []
        for offset in days:
            day = today + datetime.timedelta(days=offset)
            for schedule in self.schedules:
                found += schedule.intervals_starting_on(day)
        return sorted(found)

    @property
    def closes_at(self):
        """When the current opening ends (following periods that start as it ends)."""
        end = None
        for opens, closes in self._intervals(range(-1, 2)):
            if opens <= self.now < closes or (end and opens <= end < closes):
                end = max(end, closes) if end else closes
        return end and end.astimezone(local_zone())

    @property
    def opens_at(self):
        """The next opening within two weeks, or None."""
        ahead = [o for o, _ in self._intervals(range(LOOK_AHEAD_DAYS)) if o > self.now]
        return min(ahead).astimezone(local_zone()) if ahead else None

    @property
    def today(self):
        return self.now.astimezone(local_zone()).date()

    @property
    def tomorrow(self):
        return self.today + datetime.timedelta(days=1)

    @property
    def week(self):
        """Monday to Sunday: every period of that weekday (repeating ones with their rule)."""
        periods = sorted(
            (p for s in self.schedules for p in s.periods.all()),
            key=lambda p: (p.weekday, not p.is_every_week, p.opens_at),
        )
        return [
            Day(
                number,
                name,
                [p for p in periods if p.weekday == number],
                number == self.today.weekday(),
            )
            for number, name in WEEKDAYS
        ]

    @property
    def notes(self):
        """Each schedule's own words, validity and holiday rule, once each."""
        seen, notes = set(), []
        for schedule in self.schedules:
            key = (schedule.description, schedule.valid_from, schedule.valid_to)
            if key not in seen:
                seen.add(key)
                notes.append(schedule)
        return notes

    @property
    def closures(self):
        """Exceptional closures and closed statutory holidays of the coming weeks."""
        horizon = self.today + datetime.timedelta(days=CLOSURES_AHEAD_DAYS)
        found = {}
        for schedule in self.schedules:
            for closure in schedule.closures.all():
                if closure.end_date >= self.today and closure.start_date <= horizon:
                    found[(closure.start_date, closure.end_date)] = Closure(
                        closure.start_date, closure.end_date, closure
                    )
            if schedule.closed_on_holidays:
                day = self.today
                while day <= horizon:
                    if is_statutory_holiday(day):
                        found.setdefault((day, day), Closure(day, day, holiday_name(day)))
                    day += datetime.timedelta(days=1)
        return [found[key] for key in sorted(found)]
