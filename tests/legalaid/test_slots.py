"""The pure slot generator: plain values, and properties checked with hypothesis."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legalaid.holidays import holiday_dates, holiday_name
from legalaid.slots import (
    SHANGHAI,
    Absence,
    SlotSpec,
    Window,
    drop_clashes,
    extra_slots,
    generate_slots,
    local_day_bounds,
)

T = dt.time
MON = dt.date(2026, 3, 2)  # a Monday, no holiday that week


def sh(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, T(hour, minute), tzinfo=SHANGHAI)


def test_one_window_cut_into_slots_with_buffer():
    slots = generate_slots(
        windows=[Window(0, T(9), T(11), "in_person", 1)],
        first_day=MON,
        last_day=MON,
        slot_minutes=30,
        buffer_minutes=10,
    )
    assert [(s.start.time(), s.end.time()) for s in slots] == [
        (T(9, 0), T(9, 30)),
        (T(9, 40), T(10, 10)),
        (T(10, 20), T(10, 50)),
    ]
    assert all(
        s.start.tzinfo is not None and s.start.utcoffset() == dt.timedelta(hours=8) for s in slots
    )
    assert {s.station_id for s in slots} == {1}


def test_weekly_windows_repeat_across_weeks_and_respect_validity():
    window = Window(2, T(14), T(15), "phone", valid_from=MON + dt.timedelta(days=7))
    slots = generate_slots(
        windows=[window],
        first_day=MON,
        last_day=MON + dt.timedelta(days=27),
        slot_minutes=60,
    )
    # Wednesdays of weeks 2, 3 and 4 only (valid_from skips the first).
    assert [s.start.date() for s in slots] == [
        MON + dt.timedelta(days=9),
        MON + dt.timedelta(days=16),
        MON + dt.timedelta(days=23),
    ]


def test_absence_removes_touching_slots_only():
    slots = generate_slots(
        windows=[Window(0, T(9), T(12), "phone")],
        first_day=MON,
        last_day=MON,
        slot_minutes=60,
        absences=[Absence(sh(MON, 10, 30), sh(MON, 11))],
    )
    assert [s.start.time() for s in slots] == [T(9), T(11)]


@pytest.mark.django_db
def test_holidays_are_skipped():
    national_day = dt.date(2026, 10, 1)
    holidays = holiday_dates(dt.date(2026, 9, 28), dt.date(2026, 10, 9))
    assert national_day in holidays
    slots = generate_slots(
        windows=[Window(d, T(9), T(10), "phone") for d in range(7)],
        first_day=dt.date(2026, 9, 28),
        last_day=dt.date(2026, 10, 9),
        slot_minutes=60,
        holidays=holidays,
    )
    days = [s.start.date() for s in slots]
    assert all(day not in holidays for day in days)
    assert dt.date(2026, 9, 30) in days and dt.date(2026, 10, 8) in days
    assert len(days) == 12 - 7


@pytest.mark.django_db
def test_holiday_data_comes_from_the_official_calendar():
    # The State Council's 2026 arrangement (chinese-calendar), and the fixed-date statutory
    # days for 2027 until staff enter its arrangement (see tests/legalaid/test_holidays.py).
    assert holiday_name(dt.date(2026, 2, 17)) == "春节"
    assert holiday_name(dt.date(2026, 10, 7)) == "国庆节"
    assert holiday_name(dt.date(2027, 10, 1)) == "国庆节"


def test_window_past_midnight_crosses_the_date_boundary():
    friday = MON + dt.timedelta(days=4)
    slots = generate_slots(
        windows=[Window(4, T(23), T(1), "phone")],
        first_day=friday,
        last_day=friday,
        slot_minutes=30,
        buffer_minutes=0,
    )
    assert [s.start for s in slots] == [
        sh(friday, 23),
        sh(friday, 23, 30),
        sh(friday + dt.timedelta(days=1), 0),
        sh(friday + dt.timedelta(days=1), 0, 30),
    ]
    # Local midnight in Shanghai is 16:00 UTC of the previous day.
    assert slots[2].start.astimezone(dt.UTC) == dt.datetime(2026, 3, 6, 16, 0, tzinfo=dt.UTC)


def test_early_morning_slot_has_an_earlier_utc_date():
    slots = generate_slots(
        windows=[Window(0, T(7), T(8), "phone")], first_day=MON, last_day=MON, slot_minutes=60
    )
    (slot,) = slots
    assert slot.start.date() == MON
    assert slot.start.astimezone(dt.UTC).date() == MON - dt.timedelta(days=1)
    start, end = local_day_bounds(MON)
    assert start <= slot.start < end


def test_not_before_drops_past_slots_and_needs_aware_datetime():
    windows = [Window(0, T(9), T(11), "phone")]
    slots = generate_slots(
        windows=windows,
        first_day=MON,
        last_day=MON,
        slot_minutes=60,
        not_before=sh(MON, 9, 30),
    )
    assert [s.start.time() for s in slots] == [T(10)]
    with pytest.raises(ValueError):
        generate_slots(
            windows=windows,
            first_day=MON,
            last_day=MON,
            slot_minutes=60,
            not_before=dt.datetime(2026, 3, 2, 9),
        )


def test_overlapping_windows_never_overlap_slots():
    slots = generate_slots(
        windows=[Window(0, T(9), T(11), "in_person", 1), Window(0, T(10), T(12), "phone")],
        first_day=MON,
        last_day=MON,
        slot_minutes=45,
        buffer_minutes=15,
    )
    assert [s.start.time() for s in slots] == [T(9), T(10), T(11)]
    assert [s.channel for s in slots] == ["in_person", "in_person", "phone"]


def test_other_time_zone_is_respected():
    utc_slots = generate_slots(
        windows=[Window(0, T(9), T(10), "phone")],
        first_day=MON,
        last_day=MON,
        slot_minutes=60,
        tz=ZoneInfo("UTC"),
    )
    assert utc_slots[0].start == dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


def test_campaign_slots_keep_clear_of_existing():
    existing = [(sh(MON, 10), sh(MON, 10, 30))]
    slots = extra_slots(
        first_day=MON,
        last_day=MON + dt.timedelta(days=1),
        daily_start=T(9),
        daily_end=T(12),
        weekdays=[0],
        channel="in_person",
        station_id=5,
        slot_minutes=30,
        buffer_minutes=10,
        existing=existing,
    )
    # The campaign grid (9:00, 9:40, 10:20, 11:00) loses the two within the buffer.
    assert [s.start.time() for s in slots] == [T(9), T(11)]
    assert all(s.start.date() == MON for s in slots)


def test_drop_clashes_checks_candidates_against_each_other():
    a = SlotSpec(sh(MON, 9), sh(MON, 10), "phone")
    b = SlotSpec(sh(MON, 9, 30), sh(MON, 10, 30), "phone")
    assert drop_clashes([a, b], []) == [a]


# --- properties ------------------------------------------------------------------------

times = st.builds(T, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
windows = st.builds(
    Window,
    weekday=st.integers(0, 6),
    start=times,
    end=times,
    channel=st.sampled_from(["in_person", "phone", "video"]),
    station_id=st.sampled_from([None, 1, 2]),
).filter(lambda w: w.start != w.end)


@st.composite
def absences(draw):
    day = draw(st.dates(MON, MON + dt.timedelta(days=20)))
    start = sh(day, draw(st.integers(0, 23)), draw(st.sampled_from([0, 30])))
    return Absence(start, start + dt.timedelta(minutes=draw(st.integers(15, 60 * 48))))


@settings(max_examples=150, deadline=None)
@given(
    window_list=st.lists(windows, max_size=6),
    first=st.dates(MON, MON + dt.timedelta(days=30)),
    span=st.integers(0, 20),
    slot_minutes=st.integers(10, 120),
    buffer_minutes=st.integers(0, 30),
    absence_list=st.lists(absences(), max_size=3),
    holiday_list=st.lists(st.dates(MON, MON + dt.timedelta(days=60)), max_size=5),
)
def test_generated_slots_never_overlap_and_respect_rules(
    window_list, first, span, slot_minutes, buffer_minutes, absence_list, holiday_list
):
    last = first + dt.timedelta(days=span)
    slots = generate_slots(
        windows=window_list,
        first_day=first,
        last_day=last,
        slot_minutes=slot_minutes,
        buffer_minutes=buffer_minutes,
        absences=absence_list,
        holidays=holiday_list,
    )
    length = dt.timedelta(minutes=slot_minutes)
    buffer = dt.timedelta(minutes=buffer_minutes)
    for earlier, later in zip(slots, slots[1:], strict=False):
        # Sorted, no overlap, and the buffer between consecutive consultations.
        assert earlier.end + buffer <= later.start
    for slot in slots:
        assert slot.start.utcoffset() == dt.timedelta(hours=8)
        assert slot.end - slot.start == length
        assert not any(slot.start < a.end and a.start < slot.end for a in absence_list)
        # Inside a window that applies on a non-holiday day in range.
        assert any(
            w.channel == slot.channel
            and w.station_id == slot.station_id
            and _inside(slot, w, first, last, set(holiday_list))
            for w in window_list
        )


def _inside(slot, window, first, last, holidays):
    from legalaid.slots import window_span

    for delta in (0, 1):
        day = slot.start.date() - dt.timedelta(days=delta)
        if first <= day <= last and day not in holidays and window.applies_on(day):
            start, end = window_span(window, day)
            if start <= slot.start and slot.end <= end:
                return True
    return False


@settings(max_examples=60, deadline=None)
@given(
    existing_hours=st.lists(st.integers(0, 23), max_size=8, unique=True),
    buffer_minutes=st.integers(0, 30),
)
def test_campaign_slots_never_clash_with_existing(existing_hours, buffer_minutes):
    existing = [(sh(MON, h), sh(MON, h, 30)) for h in existing_hours]
    slots = extra_slots(
        first_day=MON,
        last_day=MON,
        daily_start=T(0),
        daily_end=T(23, 59),
        weekdays=None,
        channel="in_person",
        station_id=1,
        slot_minutes=30,
        buffer_minutes=buffer_minutes,
        existing=existing,
    )
    buffer = dt.timedelta(minutes=buffer_minutes)
    for slot in slots:
        for start, end in existing:
            assert slot.end + buffer <= start or end + buffer <= slot.start
