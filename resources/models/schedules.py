"""Opening hours: weekly periods, validity dates, holidays and exceptional closures.

Rules (pinned by tests/resources/test_hours.py):
- Times are wall-clock times in America/Toronto (settings.TIME_ZONE); moments are compared in UTC,
  so DST days are right (a night period over the spring change lasts one hour less).
- A period whose closing time is not after its opening time ends the next day; 00:00–00:00 is a
  whole day, and seven of them make a 24/7 line.
- A period belongs to the day it opens: the validity dates, statutory holidays (when the schedule
  is closed on holidays) and exceptional closures are checked against that day.
"""

import datetime
import uuid
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
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
            if p.weekday == day.weekday()
        )

    @property
    def is_always_open(self):
        """A 24/7 line: every day open 00:00 to 00:00, holidays included."""
        whole_days = {
            p.weekday for p in self.periods.all() if p.opens_at == p.closes_at == datetime.time(0)
        }
        return whole_days == set(range(7)) and not self.closed_on_holidays


class OpeningPeriod(models.Model):
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=WEEKDAYS)
    opens_at = models.TimeField(_("ouvre à"))
    closes_at = models.TimeField(
        _("ferme à"),
        help_text=_("Une heure égale ou antérieure à l'ouverture signifie le lendemain."),
    )

    class Meta:
        ordering = ["weekday", "opens_at"]
        verbose_name = _("période d'ouverture")
        verbose_name_plural = _("périodes d'ouverture")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="openingperiod_weekday_range"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


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
