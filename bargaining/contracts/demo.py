"""Demo content (idempotent): an older case whose contract is already in force, so members
see one, with its whole history (vote, signatures, filing) run through the services."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction

from bargaining.contracts import services
from bargaining.contracts.models import StandardClause, WordingTemplate
from bargaining.contracts.wording import seed_default_wording
from bargaining.models import AgendaItem, Case, Event, Representative, Round
from unionhome.ballots.services import ballot_cast, congress_representative_add

SH = ZoneInfo("Asia/Shanghai")
TITLE = "2025年度外卖配送员集体协商"
TITLE_EN = "2025 collective bargaining for food-delivery riders"
EMPLOYER = "示范即送科技有限公司"
EMPLOYER_EN = "Demo Jisong Technology Co., Ltd."

# The contract in force follows the law: an hours chapter (plan §2), a break of 20 minutes
# after at most 4 hours online, 300 % holiday pay (Labour Law art. 44).
ITEMS = [
    ("pay", "每单基础配送费", "money", "元/单", "6.80", "piece_rate"),
    ("pay", "法定节假日配送补贴", "percent", "%", "300", "holiday_multiple"),
    ("hours", "每日累计在线时长上限", "hours", "小时", "10", ""),
    ("hours", "连续在线4小时后的强制休息时间", "minutes", "分钟", "20", "break_minutes"),
    ("rewards_penalties", "差评申诉处理时限", "hours", "小时", "48", ""),
    ("safety", "恶劣天气停派机制", "text", "", "气象部门发布暴雨、台风红色预警时暂停派单", ""),
    ("insurance_welfare", "职业伤害保障费用", "text", "", "由平台全额承担", ""),
]
# The English title of each item above and, for text items, the agreed wording in English.
ITEMS_EN = [
    ("base delivery fee per order", ""),
    ("delivery pay on statutory holidays", ""),
    ("daily cap on online time", ""),
    ("compulsory break after 4 hours online", ""),
    ("time limit for handling appeals against bad ratings", ""),
    (
        "suspension of dispatch in severe weather",
        "dispatch stops while a red rainstorm or typhoon warning of the weather service is in "
        "force",
    ),
    ("occupational injury protection costs", "borne in full by the platform"),
]


def _at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def _older_case(ctx: dict) -> Case:
    union_side, platform_side = ctx["union_side"], ctx["platform_side"]
    with transaction.atomic():
        case = Case.objects.create(
            union=ctx["union"],
            employer=EMPLOYER,
            employer_en=EMPLOYER_EN,
            title=TITLE,
            title_en=TITLE_EN,
            status="agreed",
            region_code=ctx["union"].region_code,
            request_text="就2025年度配送费、休息和安全保障提出集体协商要求。",
            requested_at=_at(2025, 3, 3, 9),
            answer="accepted",
            answered_at=_at(2025, 3, 10, 9),
            recorder=ctx["union_admin"],
            agreed_at=_at(2025, 4, 28, 16),
        )
        for side, users in (("union", union_side), ("employer", platform_side)):
            for index, user in enumerate(users):
                Representative.objects.create(
                    case=case, side=side, user=user, role="chief" if index == 0 else "member"
                )
        items = []
        for position, ((topic, title, kind, unit, value, check), (title_en, value_en)) in enumerate(
            zip(ITEMS, ITEMS_EN, strict=True)
        ):
            items.append(
                AgendaItem.objects.create(
                    case=case,
                    topic=topic,
                    title=title,
                    title_en=title_en,
                    agreed_value_en=value_en,
                    value_kind=kind,
                    unit=unit,
                    statutory_check=check,
                    break_after_hours=4 if check == "break_minutes" else None,
                    position=position,
                    status="agreed",
                    agreed_value=value,
                    agreed_text=f"{value}{unit}",
                )
            )
        first = Round.objects.create(case=case, number=1, chair_side="union", status="closed")
        Round.objects.filter(pk=first.pk).update(
            opened_at=_at(2025, 4, 14, 9, 30), closed_at=_at(2025, 4, 14, 11, 30)
        )
        log = [
            (_at(2025, 4, 14, 9, 30), "round.opened", {"number": 1, "chair_side": "union"}),
            (
                _at(2025, 4, 14, 9, 45),
                "offer",
                {"side": "union", "item": items[0].pk, "display": "7.20元/单", "note": ""},
            ),
            (
                _at(2025, 4, 14, 10, 20),
                "offer",
                {"side": "employer", "item": items[0].pk, "display": "6.50元/单", "note": ""},
            ),
            (_at(2025, 4, 14, 11, 30), "round.closed", {"number": 1}),
            (
                _at(2025, 4, 28, 15, 0),
                "item.tentative",
                {"item": items[0].pk, "display": "6.80元/单"},
            ),
            (_at(2025, 4, 28, 16, 0), "case.agreed", {}),
        ]
        for seq, (when, kind, payload) in enumerate(log, start=1):
            event = Event.objects.create(
                case=case, seq=seq, kind=kind, payload=payload, round=first
            )
            Event.objects.filter(pk=event.pk).update(created_at=when)
        Case.objects.filter(pk=case.pk).update(last_seq=len(log))
    case.refresh_from_db()
    return case


def seed(ctx: dict) -> None:
    """Add a case whose contract is in force (for the members' page)."""

    seed_default_wording(WordingTemplate, StandardClause)
    existing = Case.objects.filter(union=ctx["union"], title=TITLE).first()
    if existing is not None:
        ctx["contract_case"] = existing
        return
    union_chief, employer_chief = ctx["union_side"][0], ctx["platform_side"][0]
    case = _older_case(ctx)
    services.contract_draft(case=case, by=union_chief, term_years=2)
    start = _at(2025, 5, 6, 9)
    # Collective Contract Provisions art. 36: the workers' congress adopts the draft (the
    # five demo riders are its delegates), never the union's members as such.
    for rider in ctx["riders"]:
        congress_representative_add(union=ctx["union"], user=rider, note="职工代表")
    ballot = services.contract_submit_for_ratification(
        case=case, by=union_chief, body="congress", now=start
    )

    yes = ballot.options.get(meaning="yes")
    no = ballot.options.get(meaning="no")
    riders = ctx["riders"]
    for index, rider in enumerate(riders):
        choice = no if index == len(riders) - 1 else yes
        ballot_cast(
            ballot=ballot,
            user=rider,
            option_ids=[choice.pk],
            now=start + dt.timedelta(hours=index + 1),
        )
    services.contract_record_ratification(case=case, now=ballot.closes_at + dt.timedelta(hours=1))
    services.contract_sign(case=case, by=union_chief, now=_at(2025, 5, 15, 10))
    services.contract_sign(case=case, by=employer_chief, now=_at(2025, 5, 15, 10, 30))
    services.contract_file(
        case=case, by=employer_chief, reference="示人社集备〔2025〕12号", now=_at(2025, 5, 20, 9)
    )
    services.contracts_tick()
    case.refresh_from_db()
    ctx["contract_case"] = case
