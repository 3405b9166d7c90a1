"""Opening hours: periods repeating by an RFC 5545 rule, validity dates, holidays and exceptional
closures.

Rules (pinned by tests/resources/test_hours.py):
- Times are wall-clock times in America/Toronto (settings.TIME_ZONE); moments are compared in UTC,
  so DST days are right (a night period over the spring change lasts one hour less).
- A period whose closing time is not after its opening time ends the next day; 00:00–00:00 is a
  whole day, and seven of them make a 24/7 line.
- A period belongs to the day it opens: the validity dates, statutory holidays (when the schedule
  is closed on holidays) and exceptional closures are checked against that day.
- A period repeats on its weekday, every week by default. It may instead follow a rule (HSDS
  `freq`, `interval`, `byday` with a position, `dtstart`, `until`, `count`): every N weeks or
  months, on the Nth or last weekday of the month, from a first date, up to a last date or a
  number of times. The rule is expanded by python-dateutil's `rrule` (weeks start on Monday), the
  one reading of it: pages and the admin ask `OpeningPeriod.occurs_on`, and the search index
  stores the same rule as a few numbers (`rule_keys`, `day_keys`) that tests/resources/
  test_schedule_rules.py proves equal to `rrule` day by day.
"""

import datetime
import functools
import uuid
import zoneinfo

from dateutil import rrule
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from ..statutory_holidays import is_statutory_holiday

WEEKDAYS = [
    (0, _("lundi")),
    (1, _("mardi")),
    (2, _("mercredi")),
    (3, _("jeudi")),
    (4, _("vendredi")),
    (5, _("samedi")),
    (6, _("dimanche")),
]


# Weeks are counted from this Monday (RFC 5545's default week start), months from year 0.
WEEK_ZERO = datetime.date(2000, 1, 3)
WEEKLY, MONTHLY = "WEEKLY", "MONTHLY"
WEEK_OF_MONTH = [
    (1, _("1re semaine")),
    (2, _("2e semaine")),
    (3, _("3e semaine")),
    (4, _("4e semaine")),
    (5, _("5e semaine")),
    (-1, _("dernière semaine")),
    (-2, _("avant-dernière semaine")),
    (-3, _("3e semaine avant la fin")),
    (-4, _("4e semaine avant la fin")),
    (-5, _("5e semaine avant la fin")),
]

NTH_WEEKDAY = {
    1: gettext_noop("1er %(day)s du mois"),
    2: gettext_noop("2e %(day)s du mois"),
    3: gettext_noop("3e %(day)s du mois"),
    4: gettext_noop("4e %(day)s du mois"),
    5: gettext_noop("5e %(day)s du mois"),
    -1: gettext_noop("Dernier %(day)s du mois"),
    -2: gettext_noop("Avant-dernier %(day)s du mois"),
    -3: gettext_noop("3e %(day)s avant la fin du mois"),
    -4: gettext_noop("4e %(day)s avant la fin du mois"),
    -5: gettext_noop("5e %(day)s avant la fin du mois"),
}


def week_number(day):
    """Weeks (Monday to Sunday) since WEEK_ZERO's."""
    return (day - WEEK_ZERO).days // 7


def month_number(day):
    return day.year * 12 + day.month - 1


@functools.lru_cache(maxsize=64)
def day_keys(day):
    """What the search index compares a period's rule with, for `day`: (week number, month
    number, position of its weekday in the month from the start, from the end: -1 the last)."""
    following = day.replace(day=28) + datetime.timedelta(days=4)
    days_in_month = (following - datetime.timedelta(days=following.day)).day
    return (
        week_number(day),
        month_number(day),
        (day.day - 1) // 7 + 1,
        -((days_in_month - day.day) // 7 + 1),
    )


def keys_match(day, weekday, nth, every, unit, anchor):
    """The index's reading of a rule (see `OpeningPeriod.rule_keys`) for `day`; the SQL of
    search.sql.open_now says the same."""
    if weekday != day.weekday():
        return False
    week, month, first, last = day_keys(day)
    if nth is not None and nth not in (first, last):
        return False
    if every <= 1:
        return True
    return ((week if unit == "W" else month) - anchor) % every == 0


def local_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def closed_by_dates(day, valid_from, valid_to, closed_on_holidays):
    """True when hours open nothing on `day` by their dates: outside their validity, or a
    statutory holiday they close on."""
    if (valid_from and day < valid_from) or (valid_to and day > valid_to):
        return True
    return bool(closed_on_holidays and is_statutory_holiday(day))


def period_interval(day, opens_at, closes_at):
    """(opens, closes) aware datetimes of a period opening on `day`; a closing time not after
    the opening one is the next day's."""
    zone = local_zone()
    end_day = day if closes_at > opens_at else day + datetime.timedelta(1)
    return (
        datetime.datetime.combine(day, opens_at, tzinfo=zone),
        datetime.datetime.combine(end_day, closes_at, tzinfo=zone),
    )


def covers_whole_day(hours):
    """Whether a day's wall-clock periods [(opens_at, closes_at)] keep it open from midnight to
    midnight, in one period (00:00–00:00, or 00:00–23:59) or end to end: the one rule of "24 h
    sur 24" (a schedule's 24/7, the service page's week, a search result's today). A closing
    time not after the opening one is the next day's."""
    reach = 0
    for opens, closes in sorted(hours):
        start, end = opens.hour * 60 + opens.minute, closes.hour * 60 + closes.minute
        if start > reach:
            return False
        reach = max(reach, end if end > start else end + 1440)
    return reach >= 23 * 60 + 59


class WeeklyHours:
    """Open or not, and a day's hours, from `intervals_starting_on(day)`: a Schedule's, or a
    search result's (search/cards.py)."""

    def is_open_at(self, moment=None):
        """Open at `moment` (aware; now by default)?"""
        moment = (moment or timezone.now()).astimezone(datetime.UTC)
        day = moment.astimezone(local_zone()).date()
        for start_day in (day - datetime.timedelta(1), day):
            for opens, closes in self.intervals_starting_on(start_day):
                if opens.astimezone(datetime.UTC) <= moment < closes.astimezone(datetime.UTC):
                    return True
        return False

    def hours_on(self, day):
        """[(opens_at, closes_at)] wall-clock times of the periods opening on `day`."""
        return [
            (o.timetz().replace(tzinfo=None), c.timetz().replace(tzinfo=None))
            for o, c in self.intervals_starting_on(day)
        ]


class Schedule(WeeklyHours, models.Model):
    """Opening hours of a service, a location, or a service at a location (HSDS `schedule`)."""

    uuid = models.UUIDField(_("identifiant HSDS"), default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(
        "resources.Service",
        on_delete=models.CASCADE,
        related_name="schedules",
        null=True,
        blank=True,
    )
    location = models.ForeignKey(
        "resources.Location",
        on_delete=models.CASCADE,
        related_name="schedules",
        null=True,
        blank=True,
    )
    service_at_location = models.ForeignKey(
        "resources.ServiceAtLocation",
        on_delete=models.CASCADE,
        related_name="schedules",
        null=True,
        blank=True,
    )
    valid_from = models.DateField(_("valide à partir du"), null=True, blank=True)
    valid_to = models.DateField(_("valide jusqu'au"), null=True, blank=True)
    closed_on_holidays = models.BooleanField(_("fermé les jours fériés"), default=True)
    description = models.CharField(
        _("précisions"), max_length=300, blank=True, help_text=_("Par exemple « Sur rendez-vous ».")
    )

    class Meta:
        verbose_name = _("horaire")
        verbose_name_plural = _("horaires")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        service__isnull=False,
                        location__isnull=True,
                        service_at_location__isnull=True,
                    )
                    | Q(
                        service__isnull=True,
                        location__isnull=False,
                        service_at_location__isnull=True,
                    )
                    | Q(
                        service__isnull=True,
                        location__isnull=True,
                        service_at_location__isnull=False,
                    )
                ),
                name="schedule_has_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="schedule_valid_dates_ordered",
            ),
        ]

    def __str__(self):
        return str(self.description or _("Horaire"))

    # Behaviour reads `periods` and `closures` through .all() so that prefetch_related serves them.

    def is_closed_on(self, day):
        """True when nothing opens on `day`: outside validity, a holiday, or a closure."""
        if closed_by_dates(day, self.valid_from, self.valid_to, self.closed_on_holidays):
            return True
        return any(c.start_date <= day <= c.end_date for c in self.closures.all())

    def intervals_starting_on(self, day):
        """[(opens, closes)] aware datetimes of the periods that open on `day`."""
        if self.is_closed_on(day):
            return []
        return sorted(
            period_interval(day, p.opens_at, p.closes_at)
            for p in self.periods.all()
            if p.occurs_on(day)
        )

    @property
    def is_always_open(self):
        """A 24/7 line: every day open all day (a period covers_whole_day), holidays included."""
        whole_days = {p.weekday for p in self.periods.all() if p.is_whole_day and p.is_every_week}
        return whole_days == set(range(7)) and not self.closed_on_holidays


class OpeningPeriod(models.Model):
    """Opening hours on a weekday, every week unless a rule says otherwise (HSDS schedule
    `freq`, `interval`, `byday` position, `dtstart`, `until`, `count`)."""

    class Frequency(models.TextChoices):
        WEEKLY = WEEKLY, _("chaque semaine")
        MONTHLY = MONTHLY, _("chaque mois")

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=WEEKDAYS)
    opens_at = models.TimeField(_("ouvre à"))
    closes_at = models.TimeField(
        _("ferme à"),
        help_text=_("Une heure égale ou antérieure à l'ouverture signifie le lendemain."),
    )
    frequency = models.CharField(
        _("fréquence"), max_length=7, choices=Frequency, default=Frequency.WEEKLY
    )
    interval = models.PositiveSmallIntegerField(
        _("intervalle"),
        default=1,
        help_text=_("2 : une semaine (ou un mois) sur deux, à compter de la date de début."),
    )
    week_of_month = models.SmallIntegerField(
        _("semaine du mois"),
        choices=WEEK_OF_MONTH,
        null=True,
        blank=True,
        help_text=_("Chaque mois seulement : par exemple le 2e mardi, ou le dernier vendredi."),
    )
    starts_on = models.DateField(
        _("première date"),
        null=True,
        blank=True,
        help_text=_("Nécessaire avec un intervalle ou un nombre de fois."),
    )
    ends_on = models.DateField(_("dernière date"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("nombre de fois"), null=True, blank=True)

    class Meta:
        ordering = ["weekday", "opens_at"]
        verbose_name = _("période d'ouverture")
        verbose_name_plural = _("périodes d'ouverture")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="openingperiod_weekday_range"
            ),
            models.CheckConstraint(
                condition=Q(interval__gte=1, interval__lte=52), name="openingperiod_interval_range"
            ),
            models.CheckConstraint(
                condition=Q(week_of_month__isnull=True)
                | Q(frequency=MONTHLY, week_of_month__gte=-5, week_of_month__lte=5)
                & ~Q(week_of_month=0),
                name="openingperiod_week_of_month_monthly",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=False) | Q(interval=1, count__isnull=True),
                name="openingperiod_rule_has_start",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(starts_on__lte=models.F("ends_on")),
                name="openingperiod_rule_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.repetition} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def clean(self):
        errors = {}
        if self.week_of_month is not None and self.frequency != MONTHLY:
            errors["week_of_month"] = _("Une semaine du mois ne va qu'avec « chaque mois ».")
        if (self.interval or 1) > 1 and not self.starts_on:
            errors["starts_on"] = _("Un intervalle compte à partir d'une première date.")
        if self.count and not self.starts_on:
            errors["starts_on"] = _("Un nombre de fois compte à partir d'une première date.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("La dernière date précède la première.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_whole_day(self):
        """Open from midnight to midnight (00:00–00:00 or 00:00–23:59): "24 h sur 24"."""
        return covers_whole_day([(self.opens_at, self.closes_at)])

    @property
    def is_every_week(self):
        """The plain case: every week on its weekday, with no dates of its own."""
        return (
            self.frequency == WEEKLY
            and self.interval == 1
            and not (self.starts_on or self.ends_on or self.count)
        )

    def rule(self, day=None):
        """The period's days as a dateutil `rrule` (its last date aside: see `occurs_on`). A
        rule that repeats every week or month with no count reads the same from any start: it
        starts at `day` when given (or at its own first date, if later), so that asking about
        one day expands at most one week or month."""
        start = self.starts_on
        if day is not None and self.interval == 1 and not self.count:
            start = max(start, day) if start else day
        return _rule(
            self.frequency,
            self.interval,
            self.weekday,
            self.week_of_month,
            start or WEEK_ZERO,
            self.count,
        )

    def occurs_on(self, day):
        """Does the period open on `day` (the validity of its schedule aside)?"""
        if self.is_every_week:
            return self.weekday == day.weekday()
        if (self.starts_on and day < self.starts_on) or (self.ends_on and day > self.ends_on):
            return False
        found = self.rule(day).after(datetime.datetime.combine(day, datetime.time()), inc=True)
        return found is not None and found.date() == day

    def rule_keys(self):
        """The rule as the search index stores it: {nth, every, unit, anchor, first, last} (see
        `keys_match`); `first`/`last` bound its days (a count becomes its last day)."""
        first, last = self.starts_on, self.ends_on
        if self.count:
            occurrences = list(self.rule())
            by_count = occurrences[-1].date() if occurrences else first
            last = min(last, by_count) if last else by_count
        unit = "M" if self.frequency == MONTHLY else "W"
        anchor = None
        if self.interval > 1:
            anchor = month_number(first) if unit == "M" else week_number(first)
        return {
            "nth": self.week_of_month,
            "every": self.interval,
            "unit": unit,
            "anchor": anchor,
            "first": first,
            "last": last,
        }

    @property
    def repetition(self):
        """How the period repeats, in words: "Lundi", "2e mardi du mois", "Un lundi sur deux
        (à partir du 5 janvier 2026)"."""
        day = self.get_weekday_display()
        if self.frequency == MONTHLY:
            if self.week_of_month:
                words = gettext(NTH_WEEKDAY[self.week_of_month]) % {"day": day}
            else:
                words = gettext("Chaque %(day)s") % {"day": day}
            if self.interval > 1:
                words = gettext("%(words)s, tous les %(n)s mois") % {
                    "words": words,
                    "n": self.interval,
                }
        elif self.interval == 2:
            words = gettext("Un %(day)s sur deux") % {"day": day}
        elif self.interval > 2:
            words = gettext("Un %(day)s sur %(n)s") % {"day": day, "n": self.interval}
        else:
            words = day.capitalize()
        dates = []
        if self.starts_on:
            dates.append(gettext("à partir du %(date)s") % {"date": date_format(self.starts_on)})
        if self.ends_on:
            dates.append(gettext("jusqu'au %(date)s") % {"date": date_format(self.ends_on)})
        if self.count:
            dates.append(
                ngettext("%(count)s fois", "%(count)s fois", self.count) % {"count": self.count}
            )
        return f"{words} ({', '.join(dates)})" if dates else words


@functools.lru_cache(maxsize=4096)
def _rule(frequency, interval, weekday, nth, start, count):
    day = rrule.weekday(weekday, nth) if nth else rrule.weekday(weekday)
    return rrule.rrule(
        rrule.MONTHLY if frequency == MONTHLY else rrule.WEEKLY,
        interval=interval,
        byweekday=day,
        dtstart=datetime.datetime.combine(start, datetime.time()),
        count=count,
        wkst=rrule.MO,
        cache=True,
    )


class ScheduleClosure(models.Model):
    """An exceptional closure (holidays of the organization, works...), dates included."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="closures")
    start_date = models.DateField(_("du"))
    end_date = models.DateField(_("au"))
    reason = models.CharField(_("motif"), max_length=200, blank=True)

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("fermeture exceptionnelle")
        verbose_name_plural = _("fermetures exceptionnelles")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=models.F("end_date")), name="closure_dates_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.start_date} – {self.end_date}"
