"""Turning volunteers' availability into bookable slots: materialising each volunteer's
windows (minus absences and holidays) and a campaign's extra slots. The slot arithmetic itself
is the pure ``legalaid.slots``."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from legalaid.holidays import holiday_dates
from legalaid.models import (
    ACTIVE_STATUSES,
    Booking,
    Campaign,
    Channel,
    Slot,
    SlotSource,
    Volunteer,
)

# Error codes tests and clients can rely on.
from legalaid.services import (
    booking_horizon_days,
)
from legalaid.slots import (
    SHANGHAI,
    Absence,
    SlotSpec,
    Window,
    drop_clashes,
    extra_slots,
    generate_slots,
)


def _windows_of(volunteer: Volunteer) -> list[Window]:
    return [
        Window(
            weekday=w.weekday,
            start=w.start_time,
            end=w.end_time,
            channel=w.channel,
            station_id=w.station_id,
            valid_from=w.valid_from,
            valid_until=w.valid_until,
        )
        for w in volunteer.windows.all()
    ]


def _absences_of(volunteer: Volunteer, start: dt.datetime, end: dt.datetime) -> list[Absence]:
    return [
        Absence(a.starts_at, a.ends_at)
        for a in volunteer.exceptions.filter(starts_at__lt=end, ends_at__gt=start)
    ]


def slots_materialise(
    *,
    volunteer: Volunteer,
    first_day: dt.date,
    last_day: dt.date,
    now: dt.datetime | None = None,
) -> int:
    """Bring a volunteer's weekly slots in [first_day, last_day] in line with the windows.

    New slots are inserted; future weekly slots that no longer fit (window removed, leave
    added) are deleted unless booked. Returns the number of slots created.
    """
    now = now or timezone.now()
    range_start = dt.datetime.combine(first_day, dt.time.min, tzinfo=SHANGHAI)
    range_end = dt.datetime.combine(last_day + dt.timedelta(days=2), dt.time.min, tzinfo=SHANGHAI)
    wanted: list[SlotSpec] = []
    if volunteer.is_active:
        wanted = generate_slots(
            windows=_windows_of(volunteer),
            first_day=first_day,
            last_day=last_day,
            slot_minutes=volunteer.slot_minutes,
            buffer_minutes=volunteer.buffer_minutes,
            absences=_absences_of(volunteer, range_start, range_end),
            holidays=holiday_dates(first_day, last_day),
            not_before=now,
        )
    wanted_keys = {(s.start, s.end, s.channel, s.station_id) for s in wanted}
    with transaction.atomic():
        existing = list(
            Slot.objects.filter(
                volunteer=volunteer, start__gte=max(range_start, now), start__lt=range_end
            )
        )
        booked_ids = set(
            Booking.objects.filter(slot__in=existing, status__in=ACTIVE_STATUSES).values_list(
                "slot_id", flat=True
            )
        )
        stale = [
            s.pk
            for s in existing
            if s.source == SlotSource.WEEKLY
            and (s.start, s.end, s.channel, s.station_id) not in wanted_keys
            and s.pk not in booked_ids
            and not s.bookings.exists()
        ]
        Slot.objects.filter(pk__in=stale).delete()
        keep = [(s.start, s.end) for s in existing if s.pk not in stale]
        have = {(s.start, s.end, s.channel, s.station_id) for s in existing}
        fresh = drop_clashes(
            [s for s in wanted if (s.start, s.end, s.channel, s.station_id) not in have],
            keep,
            buffer_minutes=volunteer.buffer_minutes,
        )
        created = Slot.objects.bulk_create(
            [
                Slot(
                    volunteer=volunteer,
                    station_id=s.station_id,
                    channel=s.channel,
                    start=s.start,
                    end=s.end,
                    source=SlotSource.WEEKLY,
                )
                for s in fresh
            ],
            ignore_conflicts=True,
        )
    return len(created)


def slots_materialise_all(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Materialise every active volunteer's slots over the booking horizon."""
    now = now or timezone.now()
    first = now.astimezone(SHANGHAI).date()
    last = first + dt.timedelta(days=days or booking_horizon_days())
    total = 0
    for volunteer in Volunteer.objects.all():
        total += slots_materialise(volunteer=volunteer, first_day=first, last_day=last, now=now)
    return total


def campaign_generate_slots(*, campaign: Campaign, now: dt.datetime | None = None) -> int:
    """Add a campaign's extra in-person slots at its stations, clear of existing slots."""

    now = now or timezone.now()
    stations = list(campaign.stations.all())
    chosen = list(campaign.volunteers.filter(is_active=True))
    holidays = holiday_dates(campaign.starts_on, campaign.ends_on) if campaign.skip_holidays else ()
    range_start = dt.datetime.combine(campaign.starts_on, dt.time.min, tzinfo=SHANGHAI)
    range_end = dt.datetime.combine(
        campaign.ends_on + dt.timedelta(days=2), dt.time.min, tzinfo=SHANGHAI
    )
    created = 0
    with transaction.atomic():
        for station in stations:
            volunteers = chosen or list(station.volunteers.filter(is_active=True))
            for volunteer in volunteers:
                if chosen and not volunteer.stations.filter(pk=station.pk).exists():
                    continue
                existing = list(
                    volunteer.slots.filter(start__lt=range_end, end__gt=range_start).values_list(
                        "start", "end"
                    )
                )
                specs = extra_slots(
                    first_day=campaign.starts_on,
                    last_day=campaign.ends_on,
                    daily_start=campaign.daily_start,
                    daily_end=campaign.daily_end,
                    weekdays=campaign.weekdays or None,
                    channel=Channel.IN_PERSON,
                    station_id=station.pk,
                    slot_minutes=volunteer.slot_minutes,
                    buffer_minutes=volunteer.buffer_minutes,
                    existing=existing,
                    absences=_absences_of(volunteer, range_start, range_end),
                    holidays=holidays,
                    not_before=now,
                )
                rows = Slot.objects.bulk_create(
                    [
                        Slot(
                            volunteer=volunteer,
                            station=station,
                            channel=Channel.IN_PERSON,
                            start=s.start,
                            end=s.end,
                            source=SlotSource.CAMPAIGN,
                            campaign=campaign,
                        )
                        for s in specs
                    ],
                    ignore_conflicts=True,
                )
                created += len(rows)
        Campaign.objects.filter(pk=campaign.pk).update(slots_created=campaign.slots.count())
    return created
