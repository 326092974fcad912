"""Demo content for seed_demo (idempotent): join codes with sources, the federation's general
code, a pending application and a pending transfer for ``union_admin`` to decide."""

import datetime as dt

from django.utils import timezone

from unionhome.core.demo import ensure_user
from unionhome.core.idcard import make_id_number
from unionhome.membership import selectors, services
from unionhome.membership.models import JoinCode, Membership, Transfer, TransferStatus

CODE_SOURCES = ("浦江骑手驿站", "夏季送清凉活动")


def seed(ctx: dict) -> None:
    """Add this app's demo content. ``ctx`` carries what earlier seeders made (users, union)."""

    union, enterprise = ctx["union"], ctx["enterprise"]
    union_admin = ctx["union_admin"]
    for each in (ctx["federation"], union, ctx["regional"], enterprise):
        services.join_code_ensure_default(union=each)
    codes = []
    for source in CODE_SOURCES:
        code, _ = JoinCode.objects.get_or_create(
            union=union, source=source, defaults={"created_by": union_admin}
        )
        codes.append(code)
    ctx["join_codes"] = codes
    ctx["join_url"] = selectors.join_url(code=services.join_code_ensure_default(union=union))

    # An application waiting for union_admin, through the rest-station poster.
    applicant = ensure_user("applicant1", name="孙小骑", phone="13600136100")
    if not Membership.objects.filter(user=applicant).exists():
        services.membership_apply(
            user=applicant,
            token=selectors.join_token(code=codes[0]),
            full_name="孙小骑",
            phone="13600136100",
            id_number=make_id_number("310115", dt.date(1998, 8, 8), 321),
            worker_type="independent",
            occupation="外卖骑手",
            platform="示范即送",
            city="示范市",
            consent=True,
        )
    ctx["applicant"] = applicant

    # A member of the enterprise union who asked to move to the industry union.
    mover = ensure_user("mover1", name="钱多多", phone="13600136200")
    if not Membership.objects.filter(user=mover).exists():
        Membership.objects.create(
            user=mover,
            union=enterprise,
            status="active",
            member_no="JS000001",
            since=dt.date(2021, 5, 1),
            full_name="钱多多",
            phone="+8613600136200",
            id_number=make_id_number("310115", dt.date(1993, 3, 3), 222),
            worker_type="labour_contract",
            occupation="站长",
            platform="示范即送",
            city="示范市",
            consent_at=timezone.now(),
            decided_at=timezone.now(),
        )
    if not Transfer.objects.filter(user=mover).exclude(status=TransferStatus.CANCELLED).exists():
        services.transfer_request(
            user=mover,
            token=selectors.join_token(code=services.join_code_ensure_default(union=union)),
        )
    ctx["mover"] = mover
