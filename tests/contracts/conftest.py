"""Factories for contract tests: an agreed case between the demo union and platform."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

SH = ZoneInfo("Asia/Shanghai")

ITEMS = [
    ("pay", "每单基础配送费", "money", "元/单", "6.50"),
    ("protection", "连续在线4小时后的休息时间", "minutes", "分钟", "20"),
    ("rewards_penalties", "差评申诉处理时限", "hours", "小时", "48"),
    ("safety", "恶劣天气停派机制", "text", "", "暴雨红色预警时暂停派单"),
]


@pytest.fixture
def core(db):
    from unionhome.core.demo import seed_core

    return seed_core()


def make_case(core, *, status="agreed", item_status="agreed", title="2026年度外卖配送员集体协商"):
    from bargaining.models import AgendaItem, Case, Representative

    case = Case.objects.create(
        union=core["union"],
        employer="示范即送科技有限公司",
        title=title,
        status=status,
        region_code="310115",
        recorder=core["union_admin"],
    )
    for side, users in (("union", core["union_side"]), ("employer", core["platform_side"])):
        for index, user in enumerate(users):
            Representative.objects.create(
                case=case, side=side, user=user, role="chief" if index == 0 else "member"
            )
    for position, (topic, title_, kind, unit, value) in enumerate(ITEMS):
        AgendaItem.objects.create(
            case=case,
            topic=topic,
            title=title_,
            value_kind=kind,
            unit=unit,
            position=position,
            status=item_status,
            agreed_value=value if item_status == "agreed" else None,
            agreed_text=f"{value}{unit}",
        )
    return case


@pytest.fixture
def case(core):
    return make_case(core)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def vote(ballot, users, meaning, now):
    from unionhome.ballots.services import ballot_cast

    option = ballot.options.get(meaning=meaning)
    for user in users:
        ballot_cast(ballot=ballot, user=user, option_ids=[option.pk], now=now)


def seat_congress(core):
    """The five riders are the union's congress delegates (Collective Contract Provisions
    art. 36: the congress, or all covered workers, ratifies)."""
    from unionhome.ballots.services import congress_representative_add

    for rider in core["riders"]:
        congress_representative_add(union=core["union"], user=rider)


def ratify(case, core, *, passed=True, start=None):
    """Draft, put to the congress, vote, close and record; returns the case, reloaded."""
    from bargaining.contracts import services

    start = start or at(2026, 3, 1, 9, 0)
    chief = core["union_side"][0]
    seat_congress(core)
    services.contract_draft(case=case, by=chief)
    ballot = services.contract_submit_for_ratification(
        case=case, by=chief, body="congress", now=start
    )
    riders = core["riders"]
    during = start + dt.timedelta(hours=1)
    if passed:
        vote(ballot, riders[:3], "yes", during)
        vote(ballot, riders[3:4], "no", during)
    else:
        vote(ballot, riders[:2], "yes", during)
        vote(ballot, riders[2:4], "no", during)
    services.contract_record_ratification(case=case, now=ballot.closes_at + dt.timedelta(minutes=1))
    case.refresh_from_db()
    return case
