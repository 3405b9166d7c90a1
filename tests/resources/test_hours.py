"""Opening hours (resources/models/schedules.py): wall-clock times in America/Toronto, overnight
periods, 24/7 lines, Québec statutory holidays, closures, validity dates and DST changes."""

import datetime

import pytest

from resources.models import Schedule, ScheduleClosure
from resources.models.schedules import covers_whole_day
from resources.statutory_holidays import is_statutory_holiday
from tests.factories import at, make_schedule

pytestmark = pytest.mark.django_db

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
OFFICE = [(day, "09:00", "17:00") for day in (MON, TUE, WED, THU, FRI)]
ALWAYS = [(day, "00:00", "00:00") for day in range(7)]


def utc(text):
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


def hours(*pairs):
    return [(datetime.time.fromisoformat(o), datetime.time.fromisoformat(c)) for o, c in pairs]


def test_office_hours_open_and_close_at_the_given_times():
    schedule = make_schedule(OFFICE)
    assert schedule.is_open_at(at("2026-09-08 09:00"))  # Tuesday, opening minute
    assert schedule.is_open_at(at("2026-09-08 16:59"))
    assert not schedule.is_open_at(at("2026-09-08 17:00"))
    assert not schedule.is_open_at(at("2026-09-08 08:59"))
    assert not schedule.is_open_at(at("2026-09-12 10:00"))  # Saturday


def test_several_periods_in_a_day_leave_the_lunch_break_closed():
    schedule = make_schedule([(MON, "13:00", "16:30"), (MON, "09:00", "12:00")])
    assert schedule.is_open_at(at("2026-09-14 11:59"))
    assert not schedule.is_open_at(at("2026-09-14 12:30"))
    assert schedule.is_open_at(at("2026-09-14 13:00"))
    assert schedule.hours_on(datetime.date(2026, 9, 14)) == hours(
        ("09:00", "12:00"), ("13:00", "16:30")
    )
    assert schedule.hours_on(datetime.date(2026, 9, 15)) == []


def test_period_past_midnight_is_open_early_next_morning():
    schedule = make_schedule([(FRI, "21:00", "08:00")])
    assert schedule.is_open_at(at("2026-09-11 23:00"))  # Friday
    assert schedule.is_open_at(at("2026-09-12 01:00"))  # Saturday
    assert schedule.is_open_at(at("2026-09-12 07:59"))
    assert not schedule.is_open_at(at("2026-09-12 08:00"))
    assert not schedule.is_open_at(at("2026-09-11 20:59"))
    assert not schedule.is_open_at(at("2026-09-13 01:00"))  # Sunday: no Saturday night period
    assert schedule.hours_on(datetime.date(2026, 9, 11)) == hours(("21:00", "08:00"))
    assert schedule.hours_on(datetime.date(2026, 9, 12)) == []


def test_a_24_7_line_is_always_open_even_on_christmas():
    schedule = make_schedule(ALWAYS, closed_on_holidays=False)
    assert schedule.is_always_open
    assert schedule.is_open_at(at("2026-12-25 03:00"))
    assert schedule.is_open_at(at("2026-12-31 23:59"))
    assert schedule.is_open_at(at("2027-01-01 00:00"))
    assert schedule.hours_on(datetime.date(2026, 12, 25)) == hours(("00:00", "00:00"))


def test_a_line_closed_on_holidays_or_missing_a_day_is_not_always_open():
    assert not make_schedule(ALWAYS, closed_on_holidays=True).is_always_open
    assert not make_schedule(ALWAYS[:6], closed_on_holidays=False).is_always_open
    assert not make_schedule(OFFICE, closed_on_holidays=False).is_always_open


@pytest.mark.parametrize(
    ("periods", "whole"),
    [
        ([("00:00", "00:00")], True),
        ([("00:00", "23:59")], True),
        ([("12:00", "00:00"), ("00:00", "12:00")], True),  # end to end, in any order
        ([("00:00", "08:00"), ("08:00", "17:00"), ("16:00", "00:00")], True),
        ([("00:00", "23:00")], False),
        ([("00:01", "00:00")], False),
        ([("00:00", "12:00"), ("12:01", "00:00")], False),
        ([("21:00", "08:00")], False),  # overnight, but not the morning before
        ([], False),
    ],
)
def test_the_one_rule_of_a_whole_day(periods, whole):
    assert covers_whole_day(hours(*periods)) is whole


def test_a_line_open_until_23_59_every_day_is_a_24_7_line_too():
    schedule = make_schedule([(day, "00:00", "23:59") for day in range(7)])
    schedule.closed_on_holidays = False
    assert schedule.is_always_open
    assert all(period.is_whole_day for period in schedule.periods.all())


def test_closed_on_labour_day_when_closed_on_holidays():
    closed = make_schedule(OFFICE, closed_on_holidays=True)
    open_anyway = make_schedule(OFFICE, closed_on_holidays=False)
    labour_day = at("2026-09-07 10:00")
    assert not closed.is_open_at(labour_day)
    assert closed.hours_on(labour_day.date()) == []
    assert open_anyway.is_open_at(labour_day)
    assert closed.is_open_at(at("2026-09-08 10:00"))


def test_june_24_and_july_1_on_a_sunday_move_to_monday():
    schedule = make_schedule(OFFICE)
    assert not schedule.is_open_at(at("2029-06-25 10:00"))
    assert not schedule.is_open_at(at("2029-07-02 10:00"))
    assert schedule.is_open_at(at("2029-06-18 10:00"))
    assert schedule.is_open_at(at("2029-07-03 10:00"))


def test_christmas_and_new_year_are_not_moved_off_a_weekend():
    schedule = make_schedule(OFFICE)
    # 25 December 2022 and 1 January 2023 were Sundays: Québec law observes no other day.
    assert not is_statutory_holiday(datetime.date(2022, 12, 26))
    assert not is_statutory_holiday(datetime.date(2023, 1, 2))
    assert schedule.is_open_at(at("2022-12-26 10:00"))
    assert schedule.is_open_at(at("2023-01-02 10:00"))
    # On a weekday Christmas itself closes.
    assert not schedule.is_open_at(at("2028-12-25 10:00"))
    assert schedule.is_open_at(at("2028-12-26 10:00"))


def test_exceptional_closure_closes_every_day_it_covers():
    schedule = make_schedule(OFFICE, closed_on_holidays=False)
    ScheduleClosure.objects.create(
        schedule=schedule,
        start_date=datetime.date(2026, 12, 24),
        end_date=datetime.date(2027, 1, 4),
        reason_fr="Vacances des Fêtes",
    )
    assert schedule.is_open_at(at("2026-12-23 10:00"))
    assert not schedule.is_open_at(at("2026-12-24 10:00"))
    assert not schedule.is_open_at(at("2026-12-28 10:00"))
    assert not schedule.is_open_at(at("2027-01-04 10:00"))
    assert schedule.is_open_at(at("2027-01-05 10:00"))


def test_overnight_period_belongs_to_the_day_it_opens():
    schedule = make_schedule([(FRI, "21:00", "08:00"), (SAT, "21:00", "08:00")])
    saturday = datetime.date(2026, 9, 12)
    ScheduleClosure.objects.create(schedule=schedule, start_date=saturday, end_date=saturday)
    assert schedule.is_open_at(at("2026-09-12 01:00"))  # Friday's night goes on
    assert not schedule.is_open_at(at("2026-09-12 22:00"))
    assert not schedule.is_open_at(at("2026-09-13 01:00"))


def test_validity_dates_are_inclusive():
    summer = make_schedule(
        OFFICE, valid_from=datetime.date(2026, 6, 1), valid_to=datetime.date(2026, 8, 31)
    )
    assert not summer.is_open_at(at("2026-05-29 10:00"))
    assert summer.is_open_at(at("2026-06-01 10:00"))
    assert summer.is_open_at(at("2026-07-06 10:00"))
    assert summer.is_open_at(at("2026-08-31 10:00"))
    assert not summer.is_open_at(at("2026-09-08 10:00"))
    assert summer.hours_on(datetime.date(2026, 9, 8)) == []


def test_night_period_over_the_spring_change_closes_at_eight_daylight_time():
    schedule = make_schedule([(SAT, "20:00", "08:00")])  # Saturday 7 March 2026
    assert schedule.is_open_at(at("2026-03-08 01:59"))
    assert schedule.is_open_at(at("2026-03-08 03:00"))  # 02:00 became 03:00
    assert schedule.is_open_at(at("2026-03-08 07:30"))
    assert not schedule.is_open_at(at("2026-03-08 08:30"))
    assert not schedule.is_open_at(utc("2026-03-08 12:30"))  # 08:30 EDT
    assert schedule.is_open_at(utc("2026-03-08 11:30"))  # 07:30 EDT


def test_night_period_over_the_fall_change_closes_at_eight_standard_time():
    schedule = make_schedule([(SAT, "20:00", "08:00")])  # Saturday 31 October 2026
    assert schedule.is_open_at(at("2026-11-01 01:30"))
    assert schedule.is_open_at(at("2026-11-01 07:30"))
    assert not schedule.is_open_at(at("2026-11-01 08:30"))
    assert schedule.is_open_at(utc("2026-11-01 12:30"))  # 07:30 EST
    assert not schedule.is_open_at(utc("2026-11-01 13:30"))  # 08:30 EST


def test_utc_moments_are_read_in_local_time():
    schedule = make_schedule(OFFICE)
    # 13:30 UTC is 09:30 in summer (EDT, UTC-4) but 08:30 in winter (EST, UTC-5).
    assert schedule.is_open_at(utc("2026-09-08 13:30"))
    assert not schedule.is_open_at(utc("2026-12-08 13:30"))
    assert schedule.is_open_at(utc("2026-12-08 14:30"))
    # 03:00 UTC on Saturday is still Friday 23:00 in Toronto.
    night = make_schedule([(FRI, "21:00", "23:30")])
    assert night.is_open_at(utc("2026-09-12 03:00"))


def test_local_day_not_utc_day_decides_the_holiday():
    schedule = make_schedule([(SUN, "20:00", "23:59"), (MON, "20:00", "23:59")])
    # Monday 7 September 2026 is Labour Day; 01:00 UTC on the 7th is Sunday evening in Toronto.
    assert schedule.is_open_at(utc("2026-09-07 01:00"))
    assert not schedule.is_open_at(utc("2026-09-08 01:00"))


def test_hours_on_a_holiday_and_on_a_closed_weekday():
    schedule = make_schedule(OFFICE)
    assert schedule.hours_on(datetime.date(2026, 9, 7)) == []
    assert schedule.hours_on(datetime.date(2026, 9, 8)) == hours(("09:00", "17:00"))
    assert schedule.hours_on(datetime.date(2026, 9, 13)) == []


def test_opening_questions_on_a_prefetched_schedule_make_no_query(django_assert_num_queries):
    make_schedule(OFFICE)
    schedule = Schedule.objects.prefetch_related("periods", "closures").get()
    with django_assert_num_queries(0):
        assert schedule.is_open_at(at("2026-09-08 10:00"))
        assert schedule.hours_on(datetime.date(2026, 9, 9)) == hours(("09:00", "17:00"))
        assert not schedule.is_always_open
