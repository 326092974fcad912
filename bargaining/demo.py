"""Demo content for seed_demo (idempotent): example minimum wages and one bargaining case with
all four topics, one closed round and one open round."""

import datetime as dt
from decimal import Decimal

from bargaining import case_setup, services
from bargaining.apps import grant_staff_permissions
from bargaining.models import Case, MinimumWage, Side
from unionhome.ballots.models import VoterRoster
from unionhome.ballots.roster import roster_import
from unionhome.core.idcard import make_id_number

EMPLOYER = "示范即送科技有限公司"
EMPLOYER_EN = "Demo Jisong Technology Co., Ltd."
TITLE = "2026年度外卖配送员集体协商"
TITLE_EN = "2026 collective bargaining for food-delivery riders"
LEGAL_REPRESENTATIVE = "示范法定代表人"
EXAMPLE_NOTE = "示例数据（example figures），以当地政府公布为准"

# Clearly labelled example figures, not an authoritative table.
MINIMUM_WAGES = [
    ("310115", "示范市浦江区", "2740", "25.00"),
    ("310000", "示范市", "2740", "25.00"),
    ("110000", "北京市（示例）", "2540", "27.70"),
    ("440100", "广州市（示例）", "2500", "23.70"),
    ("510100", "成都市（示例）", "2100", "22.00"),
]


def seed_minimum_wages() -> None:
    for code, name, monthly, hourly in MINIMUM_WAGES:
        MinimumWage.objects.get_or_create(
            region_code=code,
            effective_from=dt.date(2025, 7, 1),
            defaults={
                "region_name": name,
                "monthly": Decimal(monthly),
                "hourly": Decimal(hourly),
                "note": EXAMPLE_NOTE,
            },
        )


def seed(ctx: dict) -> None:

    grant_staff_permissions()
    seed_minimum_wages()
    union = ctx["union"]
    existing = Case.objects.filter(union=union, employer=EMPLOYER, title=TITLE).first()
    if existing is not None:
        ctx["case"] = existing
        return
    staff = ctx["union_admin"]
    union_side, platform_side = ctx["union_side"], ctx["platform_side"]
    case = case_setup.case_request(
        union=union,
        employer=EMPLOYER,
        employer_legal_representative=LEGAL_REPRESENTATIVE,
        title=TITLE,
        request_text="依据《集体合同规定》，工会就配送费、休息、奖惩规则与安全保障向贵公司提出集体协商要求。",
        requested_by_side=Side.UNION,
        by=union_side[0],
    )
    case_setup.representatives_set(
        case=case, side=Side.UNION, users=union_side, chief=union_side[0], by=staff
    )
    # Collective Contract Provisions art. 21: the platform's chief acts on the legal
    # representative's written delegation.
    case_setup.representatives_set(
        case=case,
        side=Side.EMPLOYER,
        users=platform_side,
        chief=platform_side[0],
        by=staff,
        recorder=staff,
        delegation={"delegator": LEGAL_REPRESENTATIVE, "reference": "授权委托书（2026）1号"},
    )
    Case.objects.filter(pk=case.pk).update(title_en=TITLE_EN, employer_en=EMPLOYER_EN)
    case_setup.case_answer_request(case=case, by=platform_side[0], accept=True)
    pay = case_setup.item_add(
        case=case,
        by=staff,
        topic="pay",
        title="每单基础配送费",
        title_en="base delivery fee per order",
        value_kind="money",
        unit="元/单",
        statutory_check="piece_rate",
        expected_per_hour=Decimal("3"),
    )
    rest = case_setup.item_add(
        case=case,
        by=staff,
        topic="protection",
        title="连续在线4小时后的休息时长",
        title_en="break after 4 hours online",
        value_kind="minutes",
        unit="分钟",
        statutory_check="break_minutes",
        break_after_hours=Decimal("4"),
    )
    # City plan §2: platforms reasonably control online working time.
    online_cap = case_setup.item_add(
        case=case,
        by=staff,
        topic="hours",
        title="每日累计在线时长上限",
        title_en="daily cap on online time",
        value_kind="hours",
        unit="小时",
    )
    appeal = case_setup.item_add(
        case=case,
        by=staff,
        topic="rewards_penalties",
        title="算法处罚可人工申诉",
        title_en="human review of algorithmic penalties",
        value_kind="boolean",
    )
    # Plan §3's 100 yuan caps the PUBLIC subsidy, not what the platform pays (a note only).
    subsidy = case_setup.item_add(
        case=case,
        by=staff,
        topic="safety",
        title="意外伤害保险补贴",
        title_en="accident insurance subsidy",
        value_kind="money",
        unit="元/人/年",
        statutory_check="insurance_subsidy",
    )
    uc, pc = union_side[0], platform_side[0]
    services.round_open(case=case, by=uc)
    for item, union_value, platform_value in (
        (pay, "9.00", "7.50"),
        (rest, 30, 15),
        (appeal, True, True),
        (subsidy, 150, 60),
        (online_cap, 10, 12),
    ):
        services.offer_submit(case=case, by=uc, item_id=item.pk, value=union_value)
        services.offer_submit(case=case, by=pc, item_id=item.pk, value=platform_value)
    services.chat_send(case=case, by=uc, room="table", text="我们希望今天先就休息时长达成一致。")
    services.chat_send(case=case, by=union_side[1], room="caucus", text="配送费底线 8.5 元。")
    services.chat_send(case=case, by=platform_side[1], room="caucus", text="可以让到 8 元。")
    services.round_close(case=case, by=uc)
    services.round_open(case=case, by=pc)
    services.offer_submit(case=case, by=uc, item_id=pay.pk, value="8.50", note="考虑高峰时段")
    services.offer_submit(case=case, by=pc, item_id=pay.pk, value="8.00")
    services.offer_submit(case=case, by=pc, item_id=rest.pk, value=20)
    services.offer_submit(case=case, by=pc, item_id=subsidy.pk, value=80)
    case.refresh_from_db()
    ctx["case"] = case
    seed_roster(ctx)


def seed_roster(ctx: dict) -> None:
    """A roster of every worker the 2026 contract would cover (art. 36 "全体职工"): the five
    riders and three workers who are not members and have no account."""
    if VoterRoster.objects.filter(union=ctx["union"]).exists():
        return
    rows = ["full_name,phone,id_number,worker_type"]
    for index, rider in enumerate(ctx["riders"], start=1):
        phone = rider.phone_number.phone.removeprefix("+86")
        number = make_id_number("310115", dt.date(1990, 5, index), index)
        rows.append(f"{rider.first_name or rider.username},{phone},{number},labour_contract")
    for index, name in enumerate(("孙磊", "周敏", "吴刚"), start=1):
        number = make_id_number("310115", dt.date(1995, 6, index), 50 + index)
        rows.append(f"{name},1370013700{index},{number},written_agreement")
    roster_import(
        union=ctx["union"],
        title="示范即送科技有限公司 全体配送员（示例）",
        data="\n".join(rows).encode(),
        filename="roster.csv",
        by=ctx["union_admin"],
    )
