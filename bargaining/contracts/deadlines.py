"""The statutory deadlines of a collective contract, computed in Asia/Shanghai. Pure.

Sources: Collective Contract Provisions (2004) art. 38 (term generally of one to three
years; renewal may be requested in its last three months), art. 42 (filed with the labour
administration within 10 days of the chiefs' signatures) and art. 47 (in force if no
objection is raised within 15 days of the day the administration RECEIVED the text). Periods
count from the day after the event (Civil Code art. 201: the first day is not counted), so a
period of N days ends at the end of day event + N; a last day that is a day of rest moves to
the next working day (Civil Code art. 203). The calendar is passed in as ``last_day`` (a
function of a date, see ``legalaid.holidays.last_day``) so this module stays pure; without
it the day is not moved.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

FILING_DAYS = 10
OBJECTION_DAYS = 15
RENEWAL_MONTHS = 3
FILING_REMINDER_DAYS = 3


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar date in Shanghai of an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(SHANGHAI).date()


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months; the 31st becomes the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _same_day(day: dt.date) -> dt.date:
    return day


def filing_due(signed_at: dt.datetime, last_day=_same_day) -> dt.date:
    """The last day on which the employer side may file the signed contract (art. 42)."""
    return last_day(local_date(signed_at) + dt.timedelta(days=FILING_DAYS))


def filing_overdue(signed_at: dt.datetime, now: dt.datetime, due: dt.date | None = None) -> bool:
    """Past the filing deadline (``due``: the stored one, calendar applied)."""
    return local_date(now) > (due or filing_due(signed_at))


def filing_reminder_due(
    signed_at: dt.datetime, now: dt.datetime, due: dt.date | None = None
) -> bool:
    """Remind from three days before the filing deadline on (and after it has passed)."""
    due = due or filing_due(signed_at)
    return local_date(now) >= due - dt.timedelta(days=FILING_REMINDER_DAYS)


def objection_due(filed_at: dt.datetime) -> dt.date:
    """The last day on which the labour administration may object, when it received the text
    the day it was filed."""
    return objection_due_from(local_date(filed_at))


def objection_due_from(received_on: dt.date, last_day=_same_day) -> dt.date:
    """Art. 47: 15 days from the day the labour administration RECEIVED the text."""
    return last_day(received_on + dt.timedelta(days=OBJECTION_DAYS))


def effective_on(filed_at: dt.datetime) -> dt.date:
    """The day the contract takes effect when nobody objected."""
    return objection_due(filed_at) + dt.timedelta(days=1)


def expires_on(start: dt.date, years) -> dt.date:
    """The last day of a term of ``years`` years (whole months, e.g. 2.5) from ``start``.
    Art. 38 says "generally" one to three years: other terms are confirmed when drafting."""
    months = Decimal(str(years)) * 12
    if months <= 0 or months != months.to_integral_value():
        raise ValueError("a term is a positive number of whole months")
    return add_months(start, int(months)) - dt.timedelta(days=1)


def renewal_opens_on(expires: dt.date) -> dt.date:
    """The first day of the last three months of the term."""
    return add_months(expires + dt.timedelta(days=1), -RENEWAL_MONTHS)


def lifecycle_due(
    *,
    status: str,
    today: dt.date,
    objection_due_on: dt.date | None,
    renewal_opens: dt.date | None,
    expires: dt.date | None,
) -> str | None:
    """The next status a contract reaches today by the passing of time alone, or None.
    One step at a time: the caller applies it and asks again (filed -> in_force -> ...)."""
    if status == "filed":
        return "in_force" if objection_due_on and today > objection_due_on else None
    if status in ("in_force", "expiring") and expires and today > expires:
        return "expired"
    if status == "in_force" and renewal_opens and today >= renewal_opens:
        return "expiring"
    return None
