"""Fixtures for legal-aid tests: the core demo users plus one station, two volunteers and
their materialised slots over the coming two weeks."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from legalaid.models import AvailabilityWindow, Station, Volunteer
from legalaid.slot_supply import slots_materialise
from legalaid.slots import SHANGHAI


def make_volunteer(user, union, stations, *, specialities=("wage_arrears",), **extra):
    volunteer, _ = Volunteer.objects.get_or_create(
        user=user,
        defaults={
            "union": union,
            "display_name": user.first_name or user.username,
            "specialities": list(specialities),
            "languages": "普通话, 上海话",
            **extra,
        },
    )
    volunteer.stations.set(stations)
    return volunteer


def every_day(volunteer, station, start=dt.time(9), end=dt.time(12), channel="in_person"):
    for weekday in range(7):
        AvailabilityWindow.objects.create(
            volunteer=volunteer,
            weekday=weekday,
            start_time=start,
            end_time=end,
            channel=channel,
            station=station,
        )


@pytest.fixture
def la(db):
    """A namespace of legal-aid objects; ``la.now`` is the time the slots were made at."""
    from unionhome.core.demo import seed_core

    ctx = seed_core()
    station = Station.objects.create(
        union=ctx["union"],
        name="骑手驿站（滨江）",
        address="示范市浦江区滨江路 8 号",
        district="浦江区",
        latitude="31.230416",
        longitude="121.473701",
        opening_hours="09:00-21:00",
        amenities="充电\n饮水",
    )
    other_station = Station.objects.create(
        union=ctx["union"], name="骑手驿站（新城）", address="新城路 2 号", district="新城区"
    )
    v1 = make_volunteer(ctx["volunteers"][0], ctx["union"], [station], does_video=True)
    v2 = make_volunteer(
        ctx["volunteers"][1], ctx["union"], [station, other_station], specialities=["work_injury"]
    )
    every_day(v1, station)
    every_day(v2, None, dt.time(14), dt.time(16), channel="phone")
    now = timezone.now()
    today = now.astimezone(SHANGHAI).date()
    for volunteer in (v1, v2):
        slots_materialise(
            volunteer=volunteer, first_day=today, last_day=today + dt.timedelta(days=14), now=now
        )

    class NS:
        pass

    ns = NS()
    ns.ctx = ctx
    ns.union = ctx["union"]
    ns.station, ns.other_station = station, other_station
    ns.v1, ns.v2 = v1, v2
    ns.rider1, ns.rider2 = ctx["riders"][0], ctx["riders"][1]
    ns.union_admin = ctx["union_admin"]
    ns.admin = ctx["admin"]
    ns.now = now
    ns.outsider = get_user_model().objects.create_user("outsider", password="x-pass-2026")
    return ns


def future_slot(volunteer, *, after_hours=30):
    """A free slot of the volunteer at least ``after_hours`` from now."""
    from legalaid.models import Booking

    return (
        volunteer.slots.filter(start__gt=timezone.now() + dt.timedelta(hours=after_hours))
        .exclude(bookings__status__in=["booked", "done", "no_show"])
        .exclude(pk__in=Booking.objects.values("slot_id"))
        .order_by("start")
        .first()
    )
