"""Demo content for seed_demo (idempotent): two stations in the demo district, the two demo
volunteers with weekly availability (slots over the coming two weeks) and one booking by
rider1."""

import datetime as dt

from django.utils import timezone

from legalaid.models import ACTIVE_STATUSES, AvailabilityWindow, Booking, Station, Volunteer
from legalaid.services import booking_create
from legalaid.signals import grant_permissions
from legalaid.slot_supply import slots_materialise
from legalaid.slots import SHANGHAI

STATIONS = [
    {
        "name": "浦江区骑手驿站（滨江店）",
        "address": "示范市浦江区滨江大道 88 号（地铁 2 号线滨江站 3 号口）",
        "latitude": "31.235930",
        "longitude": "121.506420",
        "opening_hours": "每天 09:00-21:00",
        "amenities": "充电\n饮水\n微波炉\n卫生间\n雨具",
    },
    {
        "name": "浦江区新就业形态劳动者服务站（张江站）",
        "address": "示范市浦江区科苑路 399 号",
        "latitude": "31.203450",
        "longitude": "121.590240",
        "opening_hours": "周一至周六 10:00-20:00",
        "amenities": "充电\n饮水\n休息座椅\n法律咨询室",
    },
]

PROFILES = [
    {
        "display_name": "冯律师",
        "title": "律师（公益法律服务团）",
        "profile": "执业十年，擅长劳动争议、工伤认定与平台用工纠纷。",
        "specialities": [
            "wage_arrears",
            "labour_relationship",
            "platform_rules",
            "traffic_accident",
        ],
        "languages": "普通话, 上海话",
        "does_phone": True,
        "does_video": True,
    },
    {
        "display_name": "陈法务",
        "title": "工会法律工作者",
        "profile": "熟悉社会保险、工伤保险与职业伤害保障试点政策。",
        "specialities": ["work_injury", "social_insurance", "wage_arrears"],
        "languages": "普通话, 四川话",
        "does_phone": True,
        "does_video": False,
    },
]


def _windows(volunteer, stations, index):
    """Weekly windows: volunteer1 at the first station on weekdays and by phone on
    weekend mornings; volunteer2 by phone on weekday evenings and at the second station."""
    if index == 0:
        plan = [(d, dt.time(9), dt.time(12), "in_person", stations[0]) for d in range(5)]
        plan += [(d, dt.time(14), dt.time(17), "phone", None) for d in (5, 6)]
    else:
        plan = [(d, dt.time(18, 30), dt.time(21), "phone", None) for d in range(5)]
        plan += [(d, dt.time(10), dt.time(16), "in_person", stations[1]) for d in (2, 5)]
    for weekday, start, end, channel, station in plan:
        AvailabilityWindow.objects.get_or_create(
            volunteer=volunteer,
            weekday=weekday,
            start_time=start,
            end_time=end,
            defaults={"channel": channel, "station": station},
        )


def seed(ctx: dict) -> None:
    """Add this app's demo content. ``ctx`` carries what earlier seeders made (users, union)."""

    grant_permissions()
    union = ctx["union"]
    district = ctx["district"].region.removeprefix("示范市") or "浦江区"
    stations = []
    for data in STATIONS:
        station, _ = Station.objects.get_or_create(
            name=data["name"], defaults={**data, "union": union, "district": district}
        )
        stations.append(station)
    volunteers = []
    now = timezone.now()
    today = now.astimezone(SHANGHAI).date()
    for index, (user, profile) in enumerate(zip(ctx["volunteers"], PROFILES, strict=False)):
        volunteer, _ = Volunteer.objects.get_or_create(
            user=user, defaults={**profile, "union": union}
        )
        volunteer.stations.add(stations[index])
        _windows(volunteer, stations, index)
        slots_materialise(
            volunteer=volunteer, first_day=today, last_day=today + dt.timedelta(days=14), now=now
        )
        volunteers.append(volunteer)
    ctx["legalaid_stations"] = stations
    ctx["legalaid_volunteers"] = volunteers
    ctx["legalaid_booking"] = _demo_booking(ctx["riders"][0], volunteers[0], now)


def _demo_booking(rider, volunteer, now):

    existing = Booking.objects.filter(member=rider, status__in=ACTIVE_STATUSES).first()
    if existing is not None:
        return existing
    taken = Booking.objects.filter(status__in=ACTIVE_STATUSES).values("slot_id")
    slot = (
        volunteer.slots.filter(start__gt=now + dt.timedelta(days=1))
        .exclude(pk__in=taken)
        .order_by("start")
        .first()
    )
    if slot is None:
        return None
    return booking_create(
        actor=rider,
        member=rider,
        slot=slot,
        topic="wage_arrears",
        description="配送站点拖欠上月工资 2,350 元，站长说平台结算延迟，已催三次未果。",
        channel=slot.channel,
        now=now,
    )
