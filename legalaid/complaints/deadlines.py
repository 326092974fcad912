"""Working-day deadlines of complaint handling. A pure core (dates in, dates out); the
calendar of public holidays and bridged working days comes from ``legalaid.holidays``.

- Triage: within 2 working days of filing, a rule of the city plan (§10: complaints are
  accepted and handled promptly) as the union set it; the day of filing does not count.
- Supervision notice: the company answers within 15 working days of receiving it
  (《工会劳动法律监督办法》(2021) art. 20).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
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


def add_working_days(
    start: dt.date,
    days: int,
    *,
    holidays: Collection[dt.date],
    makeup_days: Collection[dt.date] = frozenset(),
) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts)."""
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays, makeup_days):
            counted += 1
    return day


def working_day_after(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` on the mainland calendar (public holidays
    and adjusted working days, 调休, from ``legalaid.holidays``)."""
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if holidays.is_working_day(day):
            counted += 1
    return day


def triage_due(submitted_at: dt.datetime) -> dt.datetime:
    """The end (Shanghai time) of the second working day after the day of filing."""
    filed_on = submitted_at.astimezone(SHANGHAI).date()
    last_day = working_day_after(filed_on, TRIAGE_WORKING_DAYS)
    return dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=SHANGHAI)


def notice_reply_due(issued_on: dt.date) -> dt.date:
    return working_day_after(issued_on, NOTICE_REPLY_WORKING_DAYS)
