"""Public holidays and working days of mainland China.

Source: the ``chinese-calendar`` package (pinned in pyproject.toml), which carries the State
Council General Office's yearly arrangement of the holidays of the Regulations on National
Annual Holidays, including the bridged days off and the adjusted working days (调休). Staff
enter what it does not cover yet (a new year's arrangement) or correct it as
``bargaining.HolidayOverride`` rows in the admin; an entry wins over the package. For a year
the package does not know, the fixed-date statutory holidays (元旦, 劳动节, 国庆节) and the
weekends are assumed until staff enter the arrangement.

Used wherever a working day or a holiday matters: slot generation (legalaid.services), the
last day of a statutory period (Civil Code art. 203, ``last_day``) and holiday pay checks.
"""

from __future__ import annotations

import datetime as dt
import functools

import chinese_calendar
from django.apps import apps

# The Regulations on National Annual Holidays (2024 amendment), fixed-date days only: the
# lunar holidays of an uncovered year come from staff entries.
FIXED_STATUTORY = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}
CHINESE_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


@functools.lru_cache(maxsize=4096)
def _package_day(day: dt.date) -> tuple[bool, str | None, bool] | None:
    """(day off?, holiday name, bridged day?) from the package, None for an uncovered year."""
    try:
        off, name = chinese_calendar.get_holiday_detail(day)
        in_lieu = chinese_calendar.is_in_lieu(day)
    except NotImplementedError:
        return None
    return off, CHINESE_NAMES.get(name, name) if name else None, in_lieu


def _overrides(first: dt.date, last: dt.date) -> dict:
    model = apps.get_model("bargaining", "HolidayOverride")
    return {o.day: o for o in model.objects.filter(day__gte=first, day__lte=last)}


def _describe(day: dt.date, override) -> tuple[bool, str | None, bool]:
    """(day off?, holiday name or None, statutory holiday?) for one day."""
    if override is not None:
        off = override.kind == "holiday"
        return off, (override.name or None) if off else None, override.statutory
    known = _package_day(day)
    if known is not None:
        off, name, in_lieu = known
        named = bool(off and name)
        # A named day off that is neither bridged nor a plain weekend inside the holiday run.
        return off, name if named else None, named and not in_lieu and day.weekday() < 5
    name = FIXED_STATUTORY.get((day.month, day.day))
    if name:
        return True, name, True
    return day.weekday() >= 5, None, False


def _days(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def holiday_dates(first: dt.date, last: dt.date) -> frozenset[dt.date]:
    """The public holidays between two dates (inclusive): the named days off, bridged ones
    included (plain weekends are not holidays)."""
    overrides = _overrides(first, last)
    return frozenset(day for day in _days(first, last) if _describe(day, overrides.get(day))[1])


def holiday_name(day: dt.date) -> str | None:
    return _describe(day, _overrides(day, day).get(day))[1]


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday unless a day off, and the adjusted weekend working days (调休)."""
    return not _describe(day, _overrides(day, day).get(day))[0]


def is_statutory_holiday(day: dt.date) -> bool:
    """A statutory holiday (Labour Law art. 44(3): work paid at 300 %), not a bridged day."""
    return _describe(day, _overrides(day, day).get(day))[2]


def statutory_holidays(first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
    """The statutory holidays (300 % days) between two dates, with their names."""
    overrides = _overrides(first, last)
    result = []
    for day in _days(first, last):
        _off, name, statutory = _describe(day, overrides.get(day))
        if statutory:
            result.append((day, name or ""))
    return result


def last_day(day: dt.date) -> dt.date:
    """Civil Code art. 203: a period whose last day is a statutory day of rest ends on the
    first working day after it (weekends and holidays, not adjusted working days)."""
    overrides = _overrides(day, day + dt.timedelta(days=40))
    while _describe(day, overrides.get(day))[0]:
        day += dt.timedelta(days=1)
    return day
