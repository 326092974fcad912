"""The holiday calendar: the chinese-calendar package, with staff overrides winning."""

import datetime as dt

import pytest

from bargaining.models import HolidayOverride
from legalaid import holidays

D = dt.date
pytestmark = pytest.mark.django_db


def test_package_gives_the_2026_arrangement():
    # 国庆节 2026: 1-7 October off; 10 October (Saturday) is an adjusted working day.
    assert holidays.holiday_name(D(2026, 10, 1)) == "国庆节"
    assert D(2026, 10, 7) in holidays.holiday_dates(D(2026, 9, 30), D(2026, 10, 8))
    assert not holidays.is_working_day(D(2026, 10, 5))
    assert holidays.is_working_day(D(2026, 10, 10))
    assert holidays.is_working_day(D(2026, 10, 9))


def test_statutory_holiday_excludes_bridged_days():
    # Spring Festival 2026: 20 and 23 February are bridged days off, not statutory days.
    assert holidays.is_statutory_holiday(D(2026, 2, 17))
    assert not holidays.is_working_day(D(2026, 2, 20))
    assert not holidays.is_statutory_holiday(D(2026, 2, 20))


def test_uncovered_year_falls_back_and_staff_entries_win():
    # 2027 is not in the package: fixed-date statutory days and weekends only.
    assert holidays.is_statutory_holiday(D(2027, 10, 1))
    assert holidays.is_working_day(D(2027, 2, 8))  # a Monday; the arrangement is not known
    HolidayOverride.objects.create(day=D(2027, 2, 8), kind="holiday", name="春节", statutory=True)
    HolidayOverride.objects.create(day=D(2027, 2, 20), kind="workday")
    assert not holidays.is_working_day(D(2027, 2, 8))
    assert holidays.holiday_name(D(2027, 2, 8)) == "春节"
    assert holidays.is_working_day(D(2027, 2, 20))  # a Saturday made a working day
    # And an entry corrects a covered year too.
    HolidayOverride.objects.create(day=D(2026, 10, 9), kind="holiday", name="示例")
    assert not holidays.is_working_day(D(2026, 10, 9))


def test_last_day_moves_past_days_of_rest():
    """Civil Code art. 203: a period ending on a day of rest ends on the next working day."""
    assert holidays.last_day(D(2026, 10, 2)) == D(2026, 10, 8)
    assert holidays.last_day(D(2026, 10, 9)) == D(2026, 10, 9)
    # Saturday 10 October 2026 is an adjusted working day: the period ends that day.
    assert holidays.last_day(D(2026, 10, 10)) == D(2026, 10, 10)
    assert holidays.last_day(D(2026, 11, 28)) == D(2026, 11, 30)  # Saturday -> Monday
