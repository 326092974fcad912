"""Slot generation: a pure function of weekly windows, absences, holidays, slot length and
buffer. No ORM here; every datetime is timezone-aware (Asia/Shanghai wall time for windows).

Asia/Shanghai has had no daylight saving time since 1991, so local days are always 24 hours;
the interesting edges are date boundaries (windows past midnight, UTC dates differing from
local dates), which the tests cover.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Window:
    """A weekly window in local wall time; ``end <= start`` runs past midnight."""

    weekday: int
    start: dt.time
    end: dt.time
    channel: str
    station_id: int | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def applies_on(self, day: dt.date) -> bool:
        if day.weekday() != self.weekday:
            return False
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)


@dataclass(frozen=True)
class Absence:
    """A volunteer is away in [start, end) (aware datetimes)."""

    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True, order=True)
class SlotSpec:
    start: dt.datetime
    end: dt.datetime
    channel: str
    station_id: int | None = None


def _require_aware(value: dt.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def local_day_bounds(day: dt.date, tz: dt.tzinfo = SHANGHAI) -> tuple[dt.datetime, dt.datetime]:
    """The [start, end) of a local calendar day as aware datetimes."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def window_span(window: Window, day: dt.date, tz: dt.tzinfo = SHANGHAI):
    """The aware [start, end) of a weekly window on a given local day."""
    start = dt.datetime.combine(day, window.start, tzinfo=tz)
    end_day = day if window.end > window.start else day + dt.timedelta(days=1)
    end = dt.datetime.combine(end_day, window.end, tzinfo=tz)
    return start, end


def _cut(
    start: dt.datetime, end: dt.datetime, length: dt.timedelta, step: dt.timedelta
) -> Iterable[tuple[dt.datetime, dt.datetime]]:
    cursor = start
    while cursor + length <= end:
        yield cursor, cursor + length
        cursor += step


def generate_slots(
    *,
    windows: Iterable[Window],
    first_day: dt.date,
    last_day: dt.date,
    slot_minutes: int,
    buffer_minutes: int = 0,
    absences: Iterable[Absence] = (),
    holidays: Iterable[dt.date] = (),
    not_before: dt.datetime | None = None,
    tz: dt.tzinfo = SHANGHAI,
) -> list[SlotSpec]:
    """The slots of one volunteer for windows that start on local days first_day..last_day.

    Guarantees: slots are ``slot_minutes`` long, sorted, lie inside a window, and any two are
    at least ``buffer_minutes`` apart (overlapping windows never yield overlapping slots);
    none starts on a holiday (by the local day the window starts), none touches an absence,
    none starts before ``not_before``.
    """
    if slot_minutes <= 0:
        raise ValueError("slot_minutes must be positive")
    if buffer_minutes < 0:
        raise ValueError("buffer_minutes must not be negative")
    if not_before is not None:
        _require_aware(not_before, "not_before")
    absence_list = list(absences)
    for absence in absence_list:
        _require_aware(absence.start, "absence.start")
        _require_aware(absence.end, "absence.end")
    holiday_set = frozenset(holidays)
    windows = list(windows)
    length = dt.timedelta(minutes=slot_minutes)
    buffer = dt.timedelta(minutes=buffer_minutes)
    step = length + buffer

    candidates: list[SlotSpec] = []
    day = first_day
    while day <= last_day:
        if day not in holiday_set:
            for window in windows:
                if not window.applies_on(day):
                    continue
                start, end = window_span(window, day, tz)
                for slot_start, slot_end in _cut(start, end, length, step):
                    candidates.append(
                        SlotSpec(slot_start, slot_end, window.channel, window.station_id)
                    )
        day += dt.timedelta(days=1)

    candidates.sort(key=lambda slot: (slot.start, slot.channel, slot.station_id or 0))
    accepted: list[SlotSpec] = []
    for slot in candidates:
        if not_before is not None and slot.start < not_before:
            continue
        if any(slot.start < a.end and a.start < slot.end for a in absence_list):
            continue
        # Overlapping windows: keep the earliest slot and demand the buffer after it.
        if accepted and slot.start < accepted[-1].end + buffer:
            continue
        accepted.append(slot)
    return accepted


def extra_slots(
    *,
    first_day: dt.date,
    last_day: dt.date,
    daily_start: dt.time,
    daily_end: dt.time,
    weekdays: Iterable[int] | None,
    channel: str,
    station_id: int | None,
    slot_minutes: int,
    buffer_minutes: int,
    existing: Iterable[tuple[dt.datetime, dt.datetime]] = (),
    absences: Iterable[Absence] = (),
    holidays: Iterable[dt.date] = (),
    not_before: dt.datetime | None = None,
    tz: dt.tzinfo = SHANGHAI,
) -> list[SlotSpec]:
    """Campaign slots for one volunteer at one station, kept clear of their existing slots."""
    days = set(weekdays) if weekdays else set(range(7))
    windows = [Window(weekday, daily_start, daily_end, channel, station_id) for weekday in days]
    generated = generate_slots(
        windows=windows,
        first_day=first_day,
        last_day=last_day,
        slot_minutes=slot_minutes,
        buffer_minutes=buffer_minutes,
        absences=absences,
        holidays=holidays,
        not_before=not_before,
        tz=tz,
    )
    return drop_clashes(generated, existing, buffer_minutes=buffer_minutes)


def drop_clashes(
    candidates: Iterable[SlotSpec],
    existing: Iterable[tuple[dt.datetime, dt.datetime]],
    *,
    buffer_minutes: int = 0,
) -> list[SlotSpec]:
    """Candidates that keep the buffer from every existing (start, end) and from each other."""
    buffer = dt.timedelta(minutes=buffer_minutes)
    taken = sorted(existing)
    result: list[SlotSpec] = []
    for slot in sorted(candidates):
        clash = any(slot.start < end + buffer and start < slot.end + buffer for start, end in taken)
        if not clash:
            result.append(slot)
            taken.append((slot.start, slot.end))
    return result


def slots_overlap(a: SlotSpec, b: SlotSpec) -> bool:
    return a.start < b.end and b.start < a.end
