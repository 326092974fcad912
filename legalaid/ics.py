"""The .ics document of a booking (RFC 5545), built from plain data with `icalendar`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vGeo

from legalaid.slots import SHANGHAI


@dataclass(frozen=True)
class IcsBooking:
    uid: str
    sequence: int
    start: dt.datetime
    end: dt.datetime
    summary: str
    description: str
    location: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    cancelled: bool = False
    stamp: dt.datetime | None = None
    url: str = ""


def build_ics(item: IcsBooking) -> bytes:
    """One VEVENT in Asia/Shanghai time with its VTIMEZONE; the UID is stable per booking,
    so calendars update (SEQUENCE) rather than duplicate the event after a reschedule."""
    calendar = Calendar()
    calendar.add("prodid", "-//Union e-Home//Legal aid//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if item.cancelled else "PUBLISH")
    event = Event()
    event.add("uid", item.uid)
    event.add("sequence", item.sequence)
    event.add("dtstamp", (item.stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC))
    event.add("dtstart", item.start.astimezone(SHANGHAI))
    event.add("dtend", item.end.astimezone(SHANGHAI))
    event.add("summary", item.summary)
    event.add("description", item.description)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    if item.location:
        event.add("location", item.location)
    if item.latitude is not None and item.longitude is not None:
        event.add("geo", vGeo((float(item.latitude), float(item.longitude))))
    if item.url:
        event.add("url", item.url)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def booking_ics(booking, *, for_worker: bool, base_url: str) -> bytes:
    """Gather a booking's data (in the site language) and build its .ics."""

    slot = booking.slot
    station = slot.station if booking.channel == "in_person" else None
    with translation.override(settings.LANGUAGE_CODE):
        summary = _("Legal aid consultation: %(topic)s") % {"topic": booking.get_topic_display()}
        lines = [
            _("Channel: %(channel)s") % {"channel": booking.get_channel_display()},
            _("Volunteer: %(name)s") % {"name": booking.volunteer.display_name},
        ]
        if for_worker:
            member = booking.member
            lines.append(
                _("Member: %(name)s") % {"name": member.get_full_name() or member.username}
            )
            lines.append(booking.description)
    return build_ics(
        IcsBooking(
            uid=f"legalaid-booking-{booking.uid}@unionhome",
            sequence=booking.sequence,
            start=slot.start,
            end=slot.end,
            summary=summary,
            description="\n".join(lines),
            location=f"{station.name}, {station.address}" if station else "",
            latitude=station.latitude if station else None,
            longitude=station.longitude if station else None,
            cancelled=booking.is_cancelled,
            stamp=booking.cancelled_at or booking.scheduled_at,
            url=f"{base_url}/legal-aid/bookings/{booking.pk}/",
        )
    )
