"""Shared arithmetic of the retention rules (PIPL art. 19: personal information is kept only
for the shortest time needed). Each app enforces its own rule in its ``retention`` module,
run daily by the scheduler; the periods are settings (docs/legal.md, "Retention")."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def end_of_day(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` in local time: things on ``day`` are before it."""
    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(start)


def cutoff_years(years: int, today: dt.date | None = None) -> dt.datetime:
    """What ended on or before this day ``years`` ago is due today (anything before the
    returned moment)."""
    return end_of_day(years_before(today or timezone.localdate(), years))


def cutoff_days(days: int, today: dt.date | None = None) -> dt.datetime:
    return end_of_day((today or timezone.localdate()) - dt.timedelta(days=days))
