"""Demo care data: an example subsistence line, one registered file with aid, one application
waiting, a winter-warmth campaign running at two stations, and two volunteer counsellors with
weekly availability on the shared booking engine. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from legalaid.lines import ServiceLine, StationKind
from legalaid.models import AvailabilityWindow, Station, Volunteer
from legalaid.slot_supply import slots_materialise
from unionhome.care import services
from unionhome.care.models import (
    CampaignStation,
    HardshipFile,
    HardshipLevel,
    SubsistenceLine,
    WarmthCampaign,
)
from unionhome.core import roles
from unionhome.core.demo import ensure_user

# The three levels the migration 0002_default_levels installs; a database flushed since
# (the live-server tests) has none, and the demo file needs them.
DEFAULT_LEVELS = [
    (
        "special_hardship",
        "特困",
        "Special hardship",
        "家庭月人均收入低于当地最低生活保障标准，或因重大疾病、重度残疾、重大灾害等"
        "导致基本生活难以维持。",
        1,
    ),
    (
        "hardship",
        "困难",
        "Hardship",
        "家庭月人均收入低于当地最低生活保障标准的 1.5 倍，且因疾病、工伤、子女就学等原因生活困难。",
        2,
    ),
    (
        "relative_hardship",
        "相对困难",
        "Relative hardship",
        "家庭月人均收入略高于困难标准，但因突发事件或刚性支出较大，生活相对困难。",
        3,
    ),
]


def ensure_default_levels() -> None:
    for code, name, name_en, criteria, order in DEFAULT_LEVELS:
        HardshipLevel.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "criteria": criteria, "order": order},
        )


def seed(ctx: dict) -> None:
    ensure_default_levels()
    union = ctx["union"]
    staff = ctx["union_admin"]
    # Clearly an example: the real figure comes from the city's civil-affairs notice.
    SubsistenceLine.objects.get_or_create(
        region="示范市",
        defaults={
            "monthly_per_person": "1510.00",
            "source": "示例数字（演示用，非官方标准）",
            "is_example": True,
        },
    )
    today = timezone.localdate()
    registered_rider, waiting_rider = ctx["riders"][3], ctx["riders"][4]
    if not HardshipFile.objects.filter(member=registered_rider).exists():
        file = services.hardship_apply(
            actor=registered_rider,
            member=registered_rider,
            cause="work_injury",
            household_size=4,
            income_per_head="980",
            description="送餐途中发生交通事故，腿部骨折，停工三个月；两个孩子在读小学。",
        )
        services.hardship_visit(
            actor=staff,
            file=file,
            visited_on=today - dt.timedelta(days=20),
            notes="入户走访：伤情属实，家庭收入明显下降。",
        )
        services.hardship_decide(actor=staff, file=file, decision="registered", level="hardship")
        services.hardship_aid(
            actor=staff,
            file=file,
            kind="cash",
            amount="2000",
            given_on=today - dt.timedelta(days=10),
            fund="工会帮扶资金",
        )
    if not HardshipFile.objects.filter(member=waiting_rider).exists():
        services.hardship_apply(
            actor=waiting_rider,
            member=waiting_rider,
            cause="family_illness",
            household_size=3,
            income_per_head="1300",
            description="父亲重病住院，医疗费用负担较重。",
        )
    stations = ctx.get("legalaid_stations") or []
    if len(stations) < 2:
        return
    campaign, _ = WarmthCampaign.objects.get_or_create(
        union=union,
        title="2026 冬送温暖",
        defaults={
            "kind": "winter_warmth",
            "item": "暖心包（手套、护膝、暖宝宝）",
            "starts_on": today - dt.timedelta(days=3),
            "ends_on": today + dt.timedelta(days=60),
            "limit_per_member": 1,
        },
    )
    for station, count in zip(stations[:2], (300, 200), strict=True):
        CampaignStation.objects.get_or_create(
            campaign=campaign, station=station, defaults={"supplied": count, "remaining": count}
        )
    ctx["care_campaign"] = campaign
    _counsellors(ctx, stations)
    Station.objects.get_or_create(
        union=union,
        name="即送科技职工之家",
        defaults={
            "kind": StationKind.WORKERS_HOME,
            "company": "示范即送科技有限公司",
            "offers": "休息室\n职工食堂\n心理咨询室\n技能培训教室",
            "address": "示范市浦江区骑手路 88 号",
            "district": stations[0].district,
            "opening_hours": "每天 09:00-21:00",
        },
    )


COUNSELLORS = [
    ("counsellor1", "林心理", "13500135001", "国家二级心理咨询师", (0, 2, 4)),
    ("counsellor2", "许老师", "13500135002", "心理健康志愿者、社工师", (1, 3, 5)),
]


def _counsellors(ctx: dict, stations) -> None:
    """Two counsellors: evenings by video, and one afternoon a week at a station."""
    group = ctx["groups"][roles.VOLUNTEERS]
    now = timezone.now()
    today = timezone.localdate()
    for index, (username, name, phone, title, weekdays) in enumerate(COUNSELLORS):
        user = ensure_user(username, name=name, phone=phone, groups=[group])
        counsellor, _ = Volunteer.objects.get_or_create(
            user=user,
            defaults={
                "union": ctx["union"],
                "display_name": name,
                "title": title,
                "service": ServiceLine.COUNSELLING,
                "profile": "倾听压力、家庭、工作冲突与睡眠困扰；谈话内容保密。",
                "languages": "普通话",
                "does_phone": True,
                "does_video": True,
                "slot_minutes": 50,
            },
        )
        station = stations[index % len(stations)]
        counsellor.stations.add(station)
        plan = [(day, dt.time(19), dt.time(21), "video", None) for day in weekdays]
        plan.append((6 - index, dt.time(14), dt.time(17), "in_person", station))
        for weekday, start, end, channel, where in plan:
            AvailabilityWindow.objects.get_or_create(
                volunteer=counsellor,
                weekday=weekday,
                start_time=start,
                end_time=end,
                defaults={"channel": channel, "station": where},
            )
        slots_materialise(
            volunteer=counsellor, first_day=today, last_day=today + dt.timedelta(days=14), now=now
        )
