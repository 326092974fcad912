"""Working-day deadlines: the pure core with plain dates, and the mainland calendar."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legalaid.complaints.deadlines import (
    SHANGHAI,
    add_working_days,
    notice_reply_due,
    triage_due,
    working_day_after,
)

D = dt.date


def test_weekend_is_skipped():
    # Friday 2026-03-06 + 2 working days = Tuesday 2026-03-10.
    assert add_working_days(D(2026, 3, 6), 2, holidays=set()) == D(2026, 3, 10)


def test_holiday_and_makeup_day():
    holidays = {D(2026, 3, 9)}
    assert add_working_days(D(2026, 3, 6), 2, holidays=holidays) == D(2026, 3, 11)
    assert add_working_days(D(2026, 3, 6), 2, holidays=holidays, makeup_days={D(2026, 3, 7)}) == D(
        2026, 3, 10
    )


@given(st.dates(min_value=D(2026, 1, 1), max_value=D(2027, 6, 30)), st.integers(1, 20))
def test_result_is_a_later_working_day(start, days):
    result = add_working_days(start, days, holidays={D(2026, 10, 1)})
    assert result > start
    assert result.weekday() < 5 and result != D(2026, 10, 1)
    # Exactly ``days`` working days lie in (start, result].
    span = [start + dt.timedelta(n) for n in range(1, (result - start).days + 1)]
    assert sum(1 for d in span if d.weekday() < 5 and d != D(2026, 10, 1)) == days


# The calendar reads staff overrides from the database.
@pytest.mark.django_db
def test_national_day_2026_with_bridged_saturday():
    # Filed on Wednesday 30 September: 1-7 October are holidays; Thursday 8 and Friday 9
    # are the two working days.
    assert working_day_after(D(2026, 9, 30), 2) == D(2026, 10, 9)
    # Filed on Friday 9 October: Saturday 10 October is a bridged working day (调休上班).
    assert working_day_after(D(2026, 10, 9), 2) == D(2026, 10, 12)


# The calendar reads staff overrides from the database.
@pytest.mark.django_db
def test_triage_due_is_end_of_the_second_working_day_in_shanghai():
    # 23:30 UTC on Thursday is already Friday in Shanghai: Friday does not count.
    filed = dt.datetime(2026, 3, 5, 23, 30, tzinfo=dt.UTC)
    due = triage_due(filed)
    assert due == dt.datetime(2026, 3, 10, 23, 59, 59, tzinfo=SHANGHAI)


# The calendar reads staff overrides from the database.
@pytest.mark.django_db
def test_notice_reply_is_fifteen_working_days_across_spring_festival():
    # Issued Friday 2026-02-13; 15-23 Feb are the Spring Festival holidays, and
    # Saturday 14 and 28 Feb are bridged working days.
    # Working days: 14, 24, 25, 26, 27, 28 Feb, 2, 3, 4, 5, 6, 9, 10, 11, 12 Mar.
    assert notice_reply_due(D(2026, 2, 13)) == D(2026, 3, 12)
