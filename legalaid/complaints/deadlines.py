"""Working-day deadlines of complaint handling. A pure core (dates in, dates out); the
calendar of public holidays and bridged working days comes from ``legalaid.holidays``.

- Triage: within 2 working days of filing, a rule of the city plan (§10: complaints are
  accepted and handled promptly) as the union set it; the day of filing does not count.
- Supervision notice: the company answers within 15 working days of receiving it
  (《工会劳动法律监督办法》(2021) art. 20).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from zoneinfo import ZoneInfo

from legalaid import holidays

SHANGHAI = ZoneInfo("Asia/Shanghai")
TRIAGE_WORKING_DAYS = 2
NOTICE_REPLY_WORKING_DAYS = 15


def is_working_day(
    day: dt.date, holidays: Collection[dt.date], makeup_days: Collection[dt.date]
) -> bool:
    if day in makeup_days:
        return True
    return day.weekday() < 5 and day not in holidays


def nth_working_day_after(
    start: dt.date, days: int, is_working: Callable[[dt.date], bool]
) -> dt.date:
    """The ``days``-th day after ``start`` for which ``is_working`` holds (``start`` itself
    never counts). The one walk both calendars below share."""
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working(day):
            counted += 1
    return day


def add_working_days(
    start: dt.date,
    days: int,
    *,
    holidays: Collection[dt.date],
    makeup_days: Collection[dt.date] = frozenset(),
) -> dt.date:
    """The ``days``-th working day after ``start`` on a given calendar (pure: for the rule's
    pinned boundaries)."""
    return nth_working_day_after(
        start, days, lambda day: is_working_day(day, holidays, makeup_days)
    )


def working_day_after(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` on the mainland calendar (public holidays
    and adjusted working days, 调休, from ``legalaid.holidays``)."""
    return nth_working_day_after(start, days, holidays.is_working_day)


def triage_due(submitted_at: dt.datetime) -> dt.datetime:
    """The end (Shanghai time) of the second working day after the day of filing."""
    filed_on = submitted_at.astimezone(SHANGHAI).date()
    last_day = working_day_after(filed_on, TRIAGE_WORKING_DAYS)
    return dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=SHANGHAI)


def notice_reply_due(issued_on: dt.date) -> dt.date:
    return working_day_after(issued_on, NOTICE_REPLY_WORKING_DAYS)
