"""The .ics builder with plain values, parsed back with icalendar."""

import datetime as dt
from decimal import Decimal

from icalendar import Calendar

from legalaid.ics import IcsBooking, build_ics
from legalaid.slots import SHANGHAI


def item(**overrides):
    values = {
        "uid": "legalaid-booking-abc@unionhome",
        "sequence": 2,
        "start": dt.datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI),
        "end": dt.datetime(2026, 12, 1, 1, 0, tzinfo=SHANGHAI),
        "summary": "法律援助咨询：欠薪讨薪",
        "description": "咨询方式：电话\n志愿者：冯律师",
        "location": "骑手驿站, 滨江路 8 号",
        "latitude": Decimal("31.230416"),
        "longitude": Decimal("121.473701"),
        "stamp": dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC),
    }
    values.update(overrides)
    return IcsBooking(**values)


def test_event_round_trip_keeps_local_time_across_utc_date():
    calendar = Calendar.from_ical(build_ics(item()))
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC)
    assert start.tzinfo is not None and str(start.tzinfo) == "Asia/Shanghai"
    assert str(event["UID"]) == "legalaid-booking-abc@unionhome"
    assert int(event["SEQUENCE"]) == 2
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert event["GEO"].latitude == 31.230416
    assert str(event["SUMMARY"]) == "法律援助咨询：欠薪讨薪"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert b"DTSTART;TZID=Asia/Shanghai:20261201T003000" in build_ics(item())


def test_cancelled_event():
    calendar = Calendar.from_ical(build_ics(item(cancelled=True, sequence=3)))
    (event,) = calendar.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(calendar["METHOD"]) == "CANCEL"
    assert int(event["SEQUENCE"]) == 3


def test_remote_consultation_has_no_place():
    raw = build_ics(item(location="", latitude=None, longitude=None))
    (event,) = Calendar.from_ical(raw).walk("VEVENT")
    assert "LOCATION" not in event and "GEO" not in event
